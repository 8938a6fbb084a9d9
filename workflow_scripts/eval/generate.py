"""Responses of one system on one test set, behind one interface, resumable (rule generate).

Backends: ``transformers`` (batched, CPU or GPU, the model's own chat template, thinking on/off per
system), ``vllm`` (GPU only, imported only when used), ``api`` (any OpenAI-compatible chat API, e.g.
DeepSeek-R1; the distillation client, reply cache, retry loop (backoff floor, Retry-After honoured) and
token accounting with cost are reused from ``workflow_scripts.distill.teacher``), ``retrieval`` (the
answer of the nearest train question by character n-gram TF-IDF cosine) and ``demo_teacher`` (the
offline lexicon teacher: NOT a language model; it writes CoE levels from lexicons and, having no model
to write an answer, uses the retrieval answer).

Every finished item is appended at once to ``<output>.partial`` (``append_jsonl``), keyed by test id
and a fingerprint of everything that shapes it (settings, prompt, model identity): a killed run
resumes with only the missing ids, a changed setting starts over. The declared output is written
atomically, in test order, when every item is done.

The text scored is the answer: Qwen3's ``<think>`` block is split off, then ``coe.extract_answer``
strips the CoE. Output that does not parse is kept and scored as is, with ``parsed: false``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workflow_scripts import coe
from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.cpu_memory import keep_freed_memory_on_cpu
from workflow_scripts.common.io import InputError, append_jsonl, read_jsonl, read_parquet, write_jsonl
from workflow_scripts.common.provenance import recorded_step, sha256_path, sidecar_path
from workflow_scripts.train import chat

log = logging.getLogger(__name__)

BACKENDS = ("transformers", "vllm", "api", "retrieval", "demo_teacher")
# Formats the policy was trained on (chat.py) and whose output must parse; others come from the prompts file.
TRAINED_FORMATS = {"coe": "coe", "answer_only": "answer_only"}
PARTIAL_SUFFIX = ".partial"
RAW_TEMPLATE = "raw"


# --- test items and prompts ---------------------------------------------------------------------


def load_test_items(path: str | os.PathLike[str], max_items: int | None = None) -> list[dict[str, Any]]:
    """Test items in qid order, the first ``max_items`` (all when null): id, title, description, references."""
    frame = read_parquet(path, required=["qid", "title", "description", "answers"]).sort_values("qid")
    if frame["qid"].duplicated().any():
        dup = frame.loc[frame["qid"].duplicated(), "qid"].iloc[0]
        raise InputError(f"{path}: qid {dup!r} occurs twice; rerun the split")
    if max_items is not None:
        frame = frame.head(max_items)
    items = []
    for row in frame.itertuples(index=False):
        refs = [str(a) for a in (row.answers if row.answers is not None else [])]
        if not refs:
            raise InputError(f"{path}: test item {row.qid} has no reference answers")
        items.append(
            {"id": str(row.qid), "title": row.title or "", "description": row.description or "", "references": refs}
        )
    return items


def load_prompt_formats(path: str | os.PathLike[str]) -> dict[str, dict[str, str | None]]:
    """The published prompt formats of the baselines (resources/prompts/eval_systems.yaml)."""
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"{path}: cannot read the evaluation prompt formats ({err})") from err
    formats = (spec or {}).get("formats")
    if not isinstance(formats, dict):
        raise InputError(f"{path}: expected a mapping 'formats'")
    for name, fmt in formats.items():
        if not isinstance(fmt, dict) or not isinstance(fmt.get("user"), str):
            raise InputError(f"{path}: format {name!r} needs a 'user' template")
    return formats


def _fill(template: str, values: dict[str, str]) -> str:
    # str.format would choke on braces inside posts; replace only our own placeholders.
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def prompt_messages(item: dict[str, Any], prompt: str, formats: dict[str, dict]) -> list[dict[str, str]]:
    """Chat messages for one test item in a system's prompt format."""
    if prompt in TRAINED_FORMATS:
        return chat.prompt_messages(item["title"], item["description"], TRAINED_FORMATS[prompt], True)
    if prompt not in formats:
        raise InputError(f"unknown prompt format {prompt!r}; known: {sorted([*TRAINED_FORMATS, *formats])}")
    fmt = formats[prompt]
    values = {
        "title": item["title"].strip(),
        "description": item["description"].strip(),
        "query": chat.user_message(item["title"], item["description"]),
    }
    messages = [{"role": "system", "content": fmt["system"]}] if fmt.get("system") else []
    messages.append({"role": "user", "content": _fill(fmt["user"], values)})
    return messages


def expects_format(system: dict[str, Any]) -> bool:
    """Whether a system promises a tagged format (CoE or answer-only) whose absence counts as unparseable."""
    return system["prompt"] in TRAINED_FORMATS or system["backend"] == "demo_teacher"


_THINK_RE = re.compile(r"^\s*<think>(?P<think>.*?)</think>(?P<rest>.*)$", re.DOTALL)


def split_output(raw: str, system: dict[str, Any]) -> dict[str, Any]:
    """The answer to score, whether the output parsed, and the reasoning split off (Qwen3 <think>)."""
    text, think, closed = raw, None, True
    match = _THINK_RE.match(raw)
    if match:
        think, text = match.group("think").strip(), match.group("rest")
    elif raw.lstrip().startswith("<think>"):  # cut off inside the thinking: no answer, scored as is
        closed = False
        text = raw.lstrip()[len("<think>") :]
    answer, tagged = coe.extract_answer(text)
    parsed = closed and (tagged or not expects_format(system))
    return {"answer": answer, "parsed": parsed, "think": think}


# --- backends -----------------------------------------------------------------------------------


@dataclass
class Output:
    """One raw response and, for API models, the visible reasoning the API returned beside it."""

    raw: str
    reasoning: str | None = None
    error: str | None = None


def resolve_model(model: str) -> str:
    """What from_pretrained loads: a models/ dir (or the checkpoint its pointer names), a path, a hub id."""
    from workflow_scripts.train.base_model import resolve_model_path

    return resolve_model_path(model) if Path(model).is_dir() else model


def _cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def render_prompt(tokenizer: Any, messages: list[dict[str, str]], system: dict[str, Any]) -> str:
    """The prompt text: the chat template (the tokenizer's, or a named one) with this system's thinking mode.

    ``chat_template: raw`` is for models published without one (CBT-LLM): message texts joined by blank lines.
    """
    if system.get("chat_template") == RAW_TEMPLATE:
        return "\n\n".join(m["content"] for m in messages)
    return tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=True, enable_thinking=bool(system["thinking"])
    )


def _set_template(tokenizer: Any, system: dict[str, Any]) -> None:
    name = system.get("chat_template")
    if name and name != RAW_TEMPLATE:
        tokenizer.chat_template = chat.load_template(name)


class TransformersBackend:
    """Batched chat generation with transformers: left padding, greedy at temperature 0."""

    def __init__(self, system: dict[str, Any], seed: int):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.system, self.seed = system, seed
        path = resolve_model(system["model"])
        remote = bool(system.get("trust_remote_code", False))
        self.tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=remote)
        _set_template(self.tokenizer, system)
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.tokenizer.padding_side = "left"
        keep_freed_memory_on_cpu()
        cuda = _cuda()
        dtype = torch.bfloat16 if cuda else torch.float32
        self.model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype, trust_remote_code=remote)
        self.model.to("cuda" if cuda else "cpu").eval()
        torch.manual_seed(seed)

    def generate(self, batch: Sequence[list[dict[str, str]]]) -> list[Output]:
        import torch

        rendered = [render_prompt(self.tokenizer, m, self.system) for m in batch]
        enc = self.tokenizer(rendered, return_tensors="pt", padding=True, add_special_tokens=False)
        enc = enc.to(self.model.device)
        temperature = float(self.system["temperature"])
        sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        sampling["repetition_penalty"] = float(self.system.get("repetition_penalty", 1.0))
        with torch.no_grad():
            out = self.model.generate(**enc, max_new_tokens=int(self.system["max_new_tokens"]), **sampling)
        texts = self.tokenizer.batch_decode(out[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
        return [Output(raw=t.strip()) for t in texts]


class VLLMBackend:
    """vLLM offline generation (GPU only); the prompt is rendered with the model's own chat template."""

    def __init__(self, system: dict[str, Any], seed: int):
        try:
            import vllm
        except ImportError as err:
            raise InputError(
                "backend vllm needs the vllm package on a GPU node (pip install vllm==0.33.0); "
                "on CPU use backend: transformers"
            ) from err
        if not _cuda():
            raise InputError("backend vllm needs a CUDA GPU; on CPU use backend: transformers")
        self.system, self._vllm = system, vllm
        self.llm = vllm.LLM(
            model=resolve_model(system["model"]),
            seed=seed,
            tensor_parallel_size=int(system.get("gpus") or 1),
            trust_remote_code=bool(system.get("trust_remote_code", False)),
        )
        self.tokenizer = self.llm.get_tokenizer()
        _set_template(self.tokenizer, system)
        self.seed = seed

    def generate(self, batch: Sequence[list[dict[str, str]]]) -> list[Output]:
        prompts = [render_prompt(self.tokenizer, m, self.system) for m in batch]
        params = self._vllm.SamplingParams(
            temperature=float(self.system["temperature"]),
            max_tokens=int(self.system["max_new_tokens"]),
            repetition_penalty=float(self.system.get("repetition_penalty", 1.0)),
            seed=self.seed,
        )
        return [Output(raw=r.outputs[0].text.strip()) for r in self.llm.generate(prompts, params)]


class APIBackend:
    """An OpenAI-compatible chat API through the distillation client: its reply cache, retry loop and accounting."""

    def __init__(self, system: dict[str, Any], cache_dir: str, sleep: Callable[[float], None] = time.sleep):
        from workflow_scripts.distill.teacher import OpenAITeacher, ReplyCache, RetryPolicy, Usage

        api = system["api"]
        self.system = system
        self.client = OpenAITeacher(api["base_url"], api["model"], api["api_key_env"], api["timeout_s"])
        self.cache = ReplyCache(cache_dir)
        self.policy = RetryPolicy(api["max_retries"], api["backoff_base_s"], api["backoff_max_s"], 0)
        self.prices = api["prices_per_million"]
        self.params = {"temperature": float(system["temperature"]), "max_tokens": int(system["max_new_tokens"])}
        self.concurrency = max(1, int(system["batch_size"]))
        self.usage = Usage()
        self.rejected = self.failed = 0
        self._sleep, self._rng, self._lock = sleep, random.Random(), threading.Lock()

    @property
    def calls(self) -> dict[str, int]:
        """Requests paid for, replayed from the cache, refused by the API, and given up on (rerun asks again)."""
        made, cached = self.usage.calls_made, self.usage.calls_cached
        return {"made": made, "cached": cached, "rejected": self.rejected, "failed": self.failed}

    def report(self) -> dict[str, Any]:
        """The API accounting for the provenance record: calls, retries, tokens and their cost."""
        return {**self.usage.report(self.prices), "requests_rejected": self.rejected, "requests_failed": self.failed}

    def _count(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def one(self, messages: list[dict[str, str]]) -> Output | None:
        """One reply from the cache or the API; None when transport retries ran out (the rerun asks again)."""
        from workflow_scripts.distill.teacher import RequestRejected, TransientError, ask_with_retries, request_key

        request = {"model": self.client.model_id, "messages": messages, "params": self.params}
        key = request_key(request)
        reply = self.cache.get(key)
        if reply is not None:
            self.usage.add(reply, cached=True)
            return Output(raw=reply.content.strip(), reasoning=reply.reasoning_content)
        try:
            reply = ask_with_retries(
                self.client, messages, self.params, self.policy, self.usage, self._sleep, self._rng
            )
        except RequestRejected as exc:  # e.g. a content filter: an empty answer, scored and counted
            self._count("rejected")
            return Output(raw="", error=f"api: {exc}")
        except TransientError as exc:
            log.warning("giving up on one item after %d attempts: %s", self.policy.max_retries + 1, exc)
            self._count("failed")
            return None
        self.cache.put(key, request, reply)
        self.usage.add(reply, cached=False)
        return Output(raw=reply.content.strip(), reasoning=reply.reasoning_content)

    def generate(self, batch: Sequence[list[dict[str, str]]]) -> list[Output | None]:
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(self.one, batch))


class RetrievalBackend:
    """The nearest train question by character n-gram TF-IDF cosine; its first answer is the response."""

    def __init__(self, train_path: str, ngram_range: Sequence[int] = (1, 2)):
        from sklearn.feature_extraction.text import TfidfVectorizer

        frame = read_parquet(train_path, required=["qid", "title", "description", "answers"]).sort_values("qid")
        frame = frame[frame["answers"].map(lambda a: a is not None and len(a) > 0)]
        if frame.empty:
            raise InputError(f"{train_path}: no train question with an answer to retrieve")
        self.qids = list(frame["qid"])
        self.answers = [str(a[0]) for a in frame["answers"]]
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=tuple(ngram_range), sublinear_tf=True)
        questions = [_question(t, d) for t, d in zip(frame["title"], frame["description"], strict=True)]
        self.matrix = self.vectorizer.fit_transform(questions)

    def nearest(self, title: str, description: str) -> tuple[int, float]:
        """Index and cosine of the most similar train question (the first on ties)."""
        query = self.vectorizer.transform([_question(title, description)])
        sims = (self.matrix @ query.T).toarray().ravel()  # rows are L2-normalised: dot = cosine
        best = int(sims.argmax())
        return best, float(sims[best])

    def generate_items(self, items: Sequence[dict[str, Any]]) -> list[Output]:
        out = []
        for item in items:
            best, sim = self.nearest(item["title"], item["description"])
            out.append(Output(raw=self.answers[best], reasoning=f"nearest train {self.qids[best]} cosine {sim:.4f}"))
        return out


def _question(title: str, description: str) -> str:
    return chat.user_message(title or "", description or "")


class DemoTeacherBackend:
    """The offline lexicon teacher (NOT a language model): CoE levels from lexicons + the retrieval answer."""

    def __init__(self, lexicon_paths: dict[str, str], retrieval: RetrievalBackend):
        from workflow_scripts.distill.demo_teacher import DemoTeacher, load_lexicons

        lexicons, digest = load_lexicons(lexicon_paths)
        self.teacher = DemoTeacher(lexicons, digest)
        self.retrieval = retrieval

    def generate_items(self, items: Sequence[dict[str, Any]]) -> list[Output]:
        out = []
        for item, found in zip(items, self.retrieval.generate_items(items), strict=True):
            levels, answer = self.teacher.chain(item["title"], item["description"], found.raw)
            out.append(Output(raw=coe.format_coe(levels, answer), reasoning=found.reasoning))
        return out


# --- resumable driver ---------------------------------------------------------------------------


def partial_path(output: str | os.PathLike[str]) -> Path:
    """The append-only progress file beside the output (not a declared output: Snakemake keeps it)."""
    return Path(str(output) + PARTIAL_SUFFIX)


def path_identity(path: str | os.PathLike[str] | None) -> str | None:
    """A cheap identity of a model dir or file: its provenance record's hash, else names, sizes and mtimes."""
    if not path or not Path(path).exists():
        return str(path) if path else None
    sidecar = sidecar_path(path)
    if sidecar.exists():
        return sha256_path(sidecar)
    p = Path(path)
    files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    listing = [(f.relative_to(p).as_posix() if p.is_dir() else f.name, f.stat().st_size) for f in files]
    listing = [(*entry, f.stat().st_mtime_ns) for entry, f in zip(listing, files, strict=True)]
    return hashlib.sha256(json.dumps(listing).encode()).hexdigest()


def fingerprint(system: dict[str, Any], messages_format: Any, identities: dict[str, Any], seed: int) -> str:
    """sha256 of what shapes a response: system settings, prompt format, model/train identity, seed."""
    blob = json.dumps(
        {"system": system, "prompt": messages_format, "identities": identities, "seed": seed},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def finished_rows(output: str | os.PathLike[str], fp: str, ids: set[str]) -> dict[str, dict]:
    """Rows already done for this fingerprint, from the output and the partial file (later rows win)."""
    done: dict[str, dict] = {}
    for path in (Path(output), partial_path(output)):
        if not path.exists():
            continue
        try:
            rows = read_jsonl(path)
        except InputError:  # a row torn by a kill: keep what reads, drop the rest
            rows = _readable_rows(path)
        for row in rows:
            if row.get("fingerprint") == fp and row.get("id") in ids:
                done[row["id"]] = row
    return done


def _readable_rows(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            log.warning("%s: skipping a torn row (killed mid-write); it will be generated again", path)
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def run_generation(
    backend: Any,
    items: Sequence[dict[str, Any]],
    system_name: str,
    testset: str,
    system: dict[str, Any],
    formats: dict[str, dict],
    output: str | os.PathLike[str],
    fp: str,
    facts: dict[str, Any],
) -> list[dict]:
    """Generate the missing items batch by batch (each row appended at once), then write the output in order."""
    ids = {it["id"] for it in items}
    done = finished_rows(output, fp, ids)
    pending = [it for it in items if it["id"] not in done]
    facts.update(items=len(items), resumed=len(done), to_generate=len(pending))
    log.info("%s on %s: %d items, %d done before, %d to go", system_name, testset, len(items), len(done), len(pending))
    partial = partial_path(output)
    if done and not partial.exists():
        for row in done.values():  # carry finished rows over so a kill now loses nothing either
            append_jsonl(partial, row)
    size = max(1, int(system["batch_size"]))
    started, failed = time.monotonic(), 0
    for start in range(0, len(pending), size):
        chunk = pending[start : start + size]
        if hasattr(backend, "generate_items"):
            outputs = backend.generate_items(chunk)
        else:
            outputs = backend.generate([prompt_messages(it, system["prompt"], formats) for it in chunk])
        for item, out in zip(chunk, outputs, strict=True):
            if out is None:
                failed += 1
                continue
            row = {
                "id": item["id"],
                "system": system_name,
                "testset": testset,
                "backend": system["backend"],
                "raw": out.raw,
                **split_output(out.raw, system),
                "expects_format": expects_format(system),
                "reasoning": out.reasoning,
                "error": out.error,
                "fingerprint": fp,
            }
            append_jsonl(partial, row)
            done[item["id"]] = row
        log.info("progress %d/%d items (%.1fs)", len(done), len(items), time.monotonic() - started)
    if failed:
        raise InputError(
            f"{failed} items got no reply after all retries; finished items are kept in {partial}: rerun to resume"
        )
    rows = [done[it["id"]] for it in items]
    write_jsonl(output, rows)
    partial.unlink(missing_ok=True)
    facts.update(unparseable=sum(not r["parsed"] for r in rows), empty_answers=sum(not r["answer"] for r in rows))
    return rows


def make_backend(system: dict[str, Any], seed: int, train: str | None, lexicons: dict | None, cache_dir: str) -> Any:
    """The backend a system's config names."""
    kind = system["backend"]
    if kind == "transformers":
        return TransformersBackend(system, seed)
    if kind == "vllm":
        return VLLMBackend(system, seed)
    if kind == "api":
        return APIBackend(system, cache_dir)
    if kind in ("retrieval", "demo_teacher"):
        if not train:
            raise InputError(f"backend {kind} needs --train (the train split it retrieves from)")
        retrieval = RetrievalBackend(train, system.get("ngram_range") or (1, 2))
        if kind == "retrieval":
            return retrieval
        if not lexicons:
            raise InputError("backend demo_teacher needs distill.demo.lexicons in its params")
        return DemoTeacherBackend(lexicons, retrieval)
    raise InputError(f"unknown backend {kind!r}; expected one of {BACKENDS}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--system", required=True, help="system name under generate.systems")
    parser.add_argument("--testset", required=True, help="test set name under generate.test_sets")
    parser.add_argument("--test", required=True, help="test parquet (results/splits/test.parquet, ...)")
    parser.add_argument("--prompts", required=True, help="resources/prompts/eval_systems.yaml")
    parser.add_argument("--output", required=True, help="results/generations/{testset}/{system}.jsonl")
    parser.add_argument("--train", default=None, help="train parquet (retrieval, demo_teacher)")
    parser.add_argument("--cache-dir", default="results/generations/cache", help="API reply cache")
    args = parser.parse_args(argv)
    params = args.params
    try:
        system = params[f"generate.systems.{args.system}"]
        testset = params[f"generate.test_sets.{args.testset}"]
    except KeyError as err:
        raise InputError(f"--params lacks {err}: pass generate.systems.<name> and generate.test_sets.<name>") from err
    seed = int(params.get("seed", 0))
    lexicons = (params.get("distill.demo.lexicons") or None) if system["backend"] == "demo_teacher" else None
    formats = load_prompt_formats(args.prompts)
    items = load_test_items(args.test, testset.get("max_items"))
    model = system.get("model")
    identities = {
        "model": path_identity(model) if model else None,
        "train": path_identity(args.train) if system["backend"] in ("retrieval", "demo_teacher") else None,
        "lexicons": {k: path_identity(v) for k, v in (lexicons or {}).items()},
    }
    prompt_spec = None if system["backend"] in ("retrieval", "demo_teacher") else _prompt_spec(system, formats)
    fp = fingerprint(system, prompt_spec, identities, seed)
    inputs = [p for p in (args.test, args.prompts, args.train, model) if p and Path(p).exists()]
    with recorded_step(args.rule, inputs, [args.output], params, seed) as facts:
        facts.update(system=args.system, testset=args.testset, backend=system["backend"], fingerprint=fp)
        ids = {it["id"] for it in items}
        if set(finished_rows(args.output, fp, ids)) == ids:
            backend = None  # everything is done already: no model load
        else:
            backend = make_backend(system, seed, args.train, lexicons, args.cache_dir)
        rows = run_generation(backend, items, args.system, args.testset, system, formats, args.output, fp, facts)
        if isinstance(backend, APIBackend):
            facts["api_calls"] = dict(backend.calls)
            facts["api_usage"] = backend.report()
    log.info("wrote %d responses to %s (%d unparseable)", len(rows), args.output, facts["unparseable"])


def _prompt_spec(system: dict[str, Any], formats: dict[str, dict]) -> Any:
    if system["prompt"] in TRAINED_FORMATS:
        return {"trained": system["prompt"], "system": chat.SYSTEM_PROMPTS[TRAINED_FORMATS[system["prompt"]]]}
    return formats.get(system["prompt"])


if __name__ == "__main__":
    run_main(main)
