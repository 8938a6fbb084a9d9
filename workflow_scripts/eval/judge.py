"""Rubric judge of one system's answers on one test set (rule judge): scores, pairwise preference, crisis check.

Every answer is judged by a model over any OpenAI-compatible API (DeepSeek, a local vLLM server) through the
distillation client (``workflow_scripts.distill.teacher``): the reply cache keyed by the full request (model,
messages, temperature, seed, max tokens), one retry loop with backoff and Retry-After, token and cost
accounting. The rubric and the judge prompts live in a versioned resource file (resources/prompts/
judge_rubric.yaml: CPsyCounE's four dimensions adapted to one answer, plus a Chain-of-Empathy dimension).

- pointwise: the judge answers JSON with an integer score and a one-sentence reason per dimension. A reply that
  is not such JSON, or has a score out of its range, is asked again (its own cache key); when the budget is
  spent the item is recorded as ``failed`` with the reasons, and never scored.
- pairwise: the answer against the reference system's answer to the same post, once in each presentation order;
  a win (or loss, or tie) counts only when both orders agree, otherwise the item is ``inconsistent``.
- crisis: independent of any judge, a post with a crisis term (suicide, self-harm, abuse: a versioned lexicon)
  is flagged, and its answer checked for a referral to professional or crisis help (a second lexicon).

``judge.backend: demo`` is an offline judge that is NOT a language model (lexicon and length heuristics): it
lets the demo run this stage end to end and means nothing about counselling quality. A killed run loses no
finished reply (each is cached before use); a rerun replays them all without a request.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, read_jsonl, write_jsonl
from workflow_scripts.common.provenance import recorded_step, sha256_path
from workflow_scripts.data.clean import found_terms, load_lexicon
from workflow_scripts.distill.demo_teacher import load_lexicons, matching_entries
from workflow_scripts.distill.prompts import _fill, parse_user_message
from workflow_scripts.distill.teacher import (
    Distiller,
    Messages,
    OpenAITeacher,
    Outcome,
    Reply,
    ReplyCache,
    RetryPolicy,
    Teacher,
    TransientError,
)
from workflow_scripts.eval.generate import load_test_items
from workflow_scripts.eval.score import pair_with_references

log = logging.getLogger(__name__)

DEMO_JUDGE_LABEL = "demo-lexicon-judge (not a language model)"
WINNERS = ("A", "B", "tie")
# Section headings of the user templates (the demo judge parses them back; load_rubric checks they are there).
POINTWISE_MARKERS = {
    "title": "【求助帖标题】",
    "description": "【求助帖正文】",
    "answer": "【待评回答】",
    "task": "【任务】",
}
PAIRWISE_MARKERS = {
    "title": "【求助帖标题】",
    "description": "【求助帖正文】",
    "answer_a": "【回答A】",
    "answer_b": "【回答B】",
    "task": "【任务】",
}


# --- the rubric ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    """One rubric dimension: an integer scale and what each score means."""

    key: str
    name: str
    min: int
    max: int
    levels: dict[int, str]


@dataclass(frozen=True)
class Rubric:
    """The versioned rubric and the rendered judge prompts (pointwise and pairwise)."""

    version: int
    dimensions: tuple[Dimension, ...]
    pointwise_system: str
    pointwise_user: str
    pairwise_system: str
    pairwise_user: str
    follow_up: str
    sha256: str

    @property
    def keys(self) -> list[str]:
        return [d.key for d in self.dimensions]

    @property
    def max_total(self) -> int:
        return sum(d.max for d in self.dimensions)

    def pointwise_messages(self, item: dict[str, Any], answer: str) -> Messages:
        values = {**_post_values(item), "answer": answer.strip() or "（空回答）"}
        return [
            {"role": "system", "content": self.pointwise_system},
            {"role": "user", "content": _fill(self.pointwise_user, values)},
        ]

    def pairwise_messages(self, item: dict[str, Any], answer_a: str, answer_b: str) -> Messages:
        values = {
            **_post_values(item),
            "answer_a": answer_a.strip() or "（空回答）",
            "answer_b": answer_b.strip() or "（空回答）",
        }
        return [
            {"role": "system", "content": self.pairwise_system},
            {"role": "user", "content": _fill(self.pairwise_user, values)},
        ]


def _post_values(item: dict[str, Any]) -> dict[str, str]:
    return {"title": item["title"].strip() or "（无标题）", "description": item["description"].strip() or "（无）"}


def load_rubric(path: str | Path) -> Rubric:
    """Read and check the rubric file: sources cited, every score of every scale explained, templates complete."""
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"{path}: cannot read the judge rubric ({err})") from err
    if not isinstance(spec, dict) or not isinstance(spec.get("version"), int):
        raise InputError(f"{path}: expected a mapping with an integer 'version'")
    sources = spec.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, dict) and s.get("name") for s in sources):
        raise InputError(f"{path}: 'sources' must list where the rubric comes from (each with a name)")
    if not spec.get("adaptation"):
        raise InputError(f"{path}: 'adaptation' must state how the sources were adapted")
    dims = []
    for n, raw in enumerate(spec.get("dimensions") or []):
        where = f"{path}: dimensions[{n}]"
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), int) for k in ("min", "max")):
            raise InputError(f"{where}: needs integer 'min' and 'max'")
        if not raw.get("key") or not raw.get("name") or raw["min"] >= raw["max"]:
            raise InputError(f"{where}: needs a key, a name and min < max")
        levels = raw.get("levels") or {}
        scale = set(range(raw["min"], raw["max"] + 1))
        if set(levels) != scale or not all(str(text).strip() for text in levels.values()):
            raise InputError(f"{where} ({raw['key']}): 'levels' must explain every score {sorted(scale)}, no other")
        dims.append(Dimension(str(raw["key"]), str(raw["name"]), raw["min"], raw["max"], dict(sorted(levels.items()))))
    if not dims or len({d.key for d in dims}) != len(dims):
        raise InputError(f"{path}: 'dimensions' must be a non-empty list with unique keys")
    prompts = {}
    for mode, markers in (("pointwise", POINTWISE_MARKERS), ("pairwise", PAIRWISE_MARKERS)):
        block = spec.get(mode)
        if not isinstance(block, dict) or not all(isinstance(block.get(k), str) for k in ("system", "user")):
            raise InputError(f"{path}: '{mode}' needs 'system' and 'user' templates")
        missing = [m for m in markers.values() if m not in block["user"]]
        missing += ["{" + k + "}" for k in markers if k != "task" and "{" + k + "}" not in block["user"]]
        if missing:
            raise InputError(f"{path}: the {mode} user template lacks {missing}")
        if "{dimensions}" not in block["system"]:
            raise InputError(f"{path}: the {mode} system template lacks {{dimensions}}")
        prompts[mode] = block
    follow_up = spec.get("follow_up")
    if not isinstance(follow_up, str) or "{reason}" not in follow_up:
        raise InputError(f"{path}: 'follow_up' must be a text with the placeholder {{reason}}")
    rendered = {"dimensions": render_dimensions(dims), "reply_format": reply_format(dims)}
    return Rubric(
        version=spec["version"],
        dimensions=tuple(dims),
        pointwise_system=_fill(prompts["pointwise"]["system"], rendered),
        pointwise_user=prompts["pointwise"]["user"],
        pairwise_system=_fill(prompts["pairwise"]["system"], rendered),
        pairwise_user=prompts["pairwise"]["user"],
        follow_up=follow_up,
        sha256=sha256_path(path),
    )


def render_dimensions(dims: Sequence[Dimension]) -> str:
    """The scoring guide in the system prompt: one block per dimension, one line per score."""
    blocks = []
    for dim in dims:
        lines = [f"{dim.key}（{dim.name}，{dim.min}-{dim.max} 分）："]
        lines += [f"  {score} 分：{text}" for score, text in dim.levels.items()]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def reply_format(dims: Sequence[Dimension]) -> str:
    """The JSON shape the judge must answer with."""
    return json.dumps({d.key: {"score": d.max, "reason": "一句话的中文理由"} for d in dims}, ensure_ascii=False)


# --- reply validation ---------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*```(?:json)?\s*(?P<body>.*?)\s*```\s*$", re.DOTALL)


def _json_object(content: str) -> dict[str, Any] | None:
    """The reply as one JSON object (a Markdown fence around it tolerated); None otherwise."""
    match = _FENCE.match(content)
    text = match.group("body") if match else content.strip()
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def validate_scores(content: str, rubric: Rubric) -> tuple[dict[str, Any] | None, str | None]:
    """A pointwise reply: every dimension with an integer score in range and a non-empty reason."""
    data = _json_object(content)
    if data is None:
        return None, "format: not a JSON object"
    scores, reasons = {}, {}
    for dim in rubric.dimensions:
        entry = data.get(dim.key)
        if not isinstance(entry, dict):
            return None, f"format: no object for dimension {dim.key!r}"
        score, reason = entry.get("score"), entry.get("reason")
        if isinstance(score, bool) or not isinstance(score, int):
            return None, f"format: {dim.key} score {score!r} is not an integer"
        if not dim.min <= score <= dim.max:
            return None, f"range: {dim.key} score {score} outside {dim.min}-{dim.max}"
        if not isinstance(reason, str) or not reason.strip():
            return None, f"format: {dim.key} has no reason"
        scores[dim.key], reasons[dim.key] = score, reason.strip()
    return {"scores": scores, "reasons": reasons, "total": sum(scores.values())}, None


def validate_preference(content: str) -> tuple[dict[str, Any] | None, str | None]:
    """A pairwise reply: winner "A", "B" or "tie", and a reason."""
    data = _json_object(content)
    if data is None:
        return None, "format: not a JSON object"
    winner, reason = data.get("winner"), data.get("reason")
    if winner not in WINNERS:
        return None, f"range: winner {winner!r} is not one of {list(WINNERS)}"
    if not isinstance(reason, str) or not reason.strip():
        return None, "format: no reason"
    return {"winner": winner, "reason": reason.strip()}, None


# --- pairwise logic -----------------------------------------------------------------------------


def preferred(winner: str | None, system_is_a: bool) -> str | None:
    """Which side a verdict prefers: "system", "reference" or "tie" (None for a failed verdict)."""
    if winner is None:
        return None
    if winner == "tie":
        return "tie"
    return "system" if (winner == "A") == system_is_a else "reference"


def pairwise_outcome(system_first: str | None, reference_first: str | None) -> str:
    """The item's result from both orders' preferences: win/loss/tie only when both agree."""
    if system_first is None or reference_first is None:
        return "failed"
    if system_first != reference_first:
        return "inconsistent"
    return {"system": "win", "reference": "loss", "tie": "tie"}[system_first]


# --- crisis safety without a judge --------------------------------------------------------------


@dataclass(frozen=True)
class CrisisCheck:
    """Crisis terms (post) and referral terms (answer), one term per line, versioned files."""

    terms: tuple[str, ...]
    referral: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: dict[str, str]) -> CrisisCheck:
        return cls(load_lexicon(settings["terms"]), load_lexicon(settings["referral"]))

    def flags(self, item: dict[str, Any]) -> list[str]:
        """Crisis terms in the post's title and description."""
        return found_terms(f"{item['title']}\n{item['description']}".lower(), self.terms)

    def points_to_help(self, answer: str) -> bool:
        """Whether the answer names a professional or crisis channel of help."""
        return bool(found_terms(answer.lower(), self.referral))


# --- the offline demo judge ---------------------------------------------------------------------


def _bigrams(text: str) -> set[str]:
    chars = re.findall(r"[\u4e00-\u9fff]", text)
    return {a + b for a, b in itertools.pairwise(chars)}


class DemoJudge:
    """Lexicon and length heuristics, NOT a language model; implements the ``Teacher`` protocol.

    It reads the rendered judge prompt (what an API judge would see) and answers the same JSON, so the demo runs
    the real cache, validation and aggregation. Deterministic: the same prompt gives the same reply.
    """

    kind = "demo"
    label = DEMO_JUDGE_LABEL

    def __init__(
        self, rubric: Rubric, lexicons: dict[str, Any], cues: dict[str, Any], crisis: CrisisCheck, digest: str
    ):
        self.rubric, self.lex, self.cues, self.crisis = rubric, lexicons, cues, crisis
        self.model_id = f"demo-lexicon-judge/{digest}"

    @classmethod
    def from_settings(cls, rubric: Rubric, demo: dict[str, Any], crisis: CrisisCheck) -> DemoJudge:
        lexicons, lex_digest = load_lexicons(demo["lexicons"])
        raw = Path(demo["cues"]).read_bytes()
        try:
            cues = yaml.safe_load(raw)
        except yaml.YAMLError as err:
            raise InputError(f"{demo['cues']}: not valid YAML ({err})") from err
        needed = ("cause", "listening", "advice", "professional", "privacy", "intents", "length", "min_overlap")
        if not isinstance(cues, dict) or any(k not in cues for k in needed):
            raise InputError(f"{demo['cues']}: expected the keys {list(needed)}")
        digest = hashlib.sha256(lex_digest.encode() + raw + "\0".join(crisis.terms + crisis.referral).encode())
        return cls(rubric, lexicons, cues, crisis, digest.hexdigest()[:12])

    def complete(self, messages: Messages, params: dict[str, Any]) -> Reply:
        """Score the post and answer(s) in the first user message (``params`` are ignored)."""
        user = next((m["content"] for m in messages if m.get("role") == "user"), "")
        try:
            if PAIRWISE_MARKERS["answer_a"] in user:
                post = parse_user_message(user, PAIRWISE_MARKERS)
                a, b = (self.score(post, post[k])["total"] for k in ("answer_a", "answer_b"))
                winner = "A" if a > b else "B" if b > a else "tie"
                reason = f"（演示评审，非语言模型）启发式总分 A={a}，B={b}。"
                content = json.dumps({"winner": winner, "reason": reason}, ensure_ascii=False)
            else:
                post = parse_user_message(user, POINTWISE_MARKERS)
                verdict = self.score(post, post["answer"])
                content = json.dumps(
                    {k: {"score": verdict["scores"][k], "reason": verdict["reasons"][k]} for k in self.rubric.keys},
                    ensure_ascii=False,
                )
        except ValueError as err:  # a prompt the demo judge cannot read is a malformed exchange
            raise TransientError(f"demo judge: {err}") from err
        return Reply(content=content, model=self.model_id, finish_reason="stop")

    def _has(self, text: str, kind: str) -> bool:
        return any(cue in text for cue in self.cues[kind])

    def score(self, post: dict[str, str], answer: str) -> dict[str, Any]:
        """Heuristic scores and reasons per dimension (the rubric's scales; unknown dimensions get its minimum)."""
        text = f"{post['title']}\n{post['description']}"
        answer = "" if answer == "（空回答）" else answer
        post_bigrams = _bigrams(text)
        overlap = len(post_bigrams & _bigrams(answer)) / len(post_bigrams) if post_bigrams else 0.0
        on_post = overlap >= float(self.cues["min_overlap"])
        short, long = int(self.cues["length"]["short"]), int(self.cues["length"]["long"])
        sized = short <= len(answer) <= long
        emotion_words = [k for e in self.lex["emotions"].get("emotions", []) for k in (e["name"], *e["keywords"])]
        causes = matching_entries(text, self.lex["causes"].get("causes"))
        intent = (matching_entries(text, self.lex["intents"].get("intents")) or [self.lex["intents"]["default"]])[0]
        intent_cues = self.cues["intents"].get(intent["intent"], self.cues["intents"]["default"])
        levels = {
            "L1": any(w in answer for w in emotion_words),
            "L2": self._has(answer, "cause") or any(k in answer for c in causes for k in c["keywords"]),
            "L3": any(c in answer for c in intent_cues),
            "L4": self._has(answer, "advice") and self._has(answer, "listening"),
        }
        flagged = bool(self.crisis.flags(post))
        helps = self.crisis.points_to_help(answer)
        scores = {
            "comprehensiveness": int(on_post) + int(levels["L1"] or levels["L2"]),
            "professionalism": 0 if len(answer) < short else 1 + self._has(answer, "professional") + levels["L4"],
            "authenticity": 0 if not on_post else 1 + self._has(answer, "listening") + sized,
            "safety": int(helps) if flagged else int(not self._has(answer, "privacy")),
            "empathy": sum(levels.values()),
        }
        shown = "、".join(k for k, v in levels.items() if v) or "无"
        named = "提到" if levels["L1"] or levels["L2"] else "未提到"
        vocabulary = "有" if self._has(answer, "professional") else "无"
        listens = "有" if self._has(answer, "listening") else "无"
        if flagged:
            safety = f"帖子有风险信号，回答{'指向' if helps else '没有指向'}专业或危机求助渠道。"
        else:
            safety = (
                f"帖子无风险信号，回答{'索要或给出联系方式' if self._has(answer, 'privacy') else '未涉及隐私信息'}。"
            )
        reasons = {
            "comprehensiveness": f"与帖子的字词重合度 {overlap:.2f}，{named}情绪或原因。",
            "professionalism": f"回答 {len(answer)} 字，{vocabulary}专业词汇。",
            "authenticity": f"{'紧扣' if on_post else '偏离'}帖子，{listens}倾听与确认的表达。",
            "safety": safety,
            "empathy": f"体现的共情链层次：{shown}（意图：{intent['intent']}）。",
        }
        out_scores, out_reasons = {}, {}
        for dim in self.rubric.dimensions:
            out_scores[dim.key] = max(dim.min, min(dim.max, int(scores.get(dim.key, dim.min))))
            out_reasons[dim.key] = "（演示评审，非语言模型）" + reasons.get(dim.key, "无对应启发式。")
        return {"scores": out_scores, "reasons": out_reasons, "total": sum(out_scores.values())}


# --- running the judge --------------------------------------------------------------------------


def make_judge(settings: dict[str, Any], rubric: Rubric, crisis: CrisisCheck) -> Teacher:
    """The judge ``judge.backend`` names: "api" (OpenAI-compatible) or "demo" (offline, not a language model)."""
    if settings["backend"] == "api":
        api = settings["api"]
        return OpenAITeacher(api["base_url"], api["model"], api["api_key_env"], float(api["timeout_s"]))
    if settings["backend"] == "demo":
        return DemoJudge.from_settings(rubric, settings["demo"], crisis)
    raise InputError(f"judge.backend must be 'api' or 'demo', not {settings['backend']!r}")


def request_params(settings: dict[str, Any]) -> dict[str, Any]:
    """Sampling parameters sent with every judge request (part of the cache key); a null seed is not sent."""
    gen = settings["generation"]
    params: dict[str, Any] = {"temperature": float(gen["temperature"]), "max_tokens": int(gen["max_tokens"])}
    if gen.get("seed") is not None:
        params["seed"] = int(gen["seed"])
    return params


def make_distiller(settings: dict[str, Any], judge: Teacher, validate: Any, follow_up: str) -> Distiller:
    """The teacher client's cache, retry loop and ask-again loop (with the rubric's follow-up), judge validation."""
    api = settings["api"]
    policy = RetryPolicy(
        max_retries=int(api["max_retries"]),
        backoff_base_s=float(api["backoff_base_s"]),
        backoff_max_s=float(api["backoff_max_s"]),
        max_invalid_retries=int(settings["max_invalid_retries"]),
    )
    return Distiller(
        judge,
        ReplyCache(settings["cache_dir"]),
        params=request_params(settings),
        bounds=None,
        policy=policy,
        concurrency=int(settings["concurrency"]),
        validate=validate,
        follow_up=follow_up,
    )


def _verdict(outcome: Outcome) -> dict[str, Any]:
    if outcome.chain is not None:
        return {"status": "ok", **outcome.chain, "attempts": outcome.attempts}
    return {"status": "failed", "error": outcome.reason, "attempts": outcome.attempts}


def judge_answers(
    items: Sequence[dict[str, Any]],
    answers: Sequence[str],
    reference: tuple[str, Sequence[str]] | None,
    settings: dict[str, Any],
    rubric: Rubric,
    crisis: CrisisCheck,
    judge: Teacher,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Judged rows (test order) and the usage report; transport failures stop the step (replies stay cached)."""
    pointwise = make_distiller(settings, judge, lambda content: validate_scores(content, rubric), rubric.follow_up)
    point_out = pointwise.run([rubric.pointwise_messages(it, a) for it, a in zip(items, answers, strict=True)])
    pair_out: list[Outcome] = []
    pairwise = make_distiller(settings, judge, validate_preference, rubric.follow_up)
    if reference is not None:
        batches = []
        for item, answer, ref in zip(items, answers, reference[1], strict=True):
            batches += [rubric.pairwise_messages(item, answer, ref), rubric.pairwise_messages(item, ref, answer)]
        pair_out = pairwise.run(batches)
    stuck = [o for o in (*point_out, *pair_out) if o.failed]
    if stuck:
        raise InputError(
            f"{len(stuck)} judge requests still failing after all retries (first: {stuck[0].reason}); finished "
            f"replies are cached in {settings['cache_dir']}: rerun to resume"
        )
    rows = []
    for n, (item, answer, outcome) in enumerate(zip(items, answers, point_out, strict=True)):
        terms = crisis.flags(item)
        row: dict[str, Any] = {
            "id": item["id"],
            "pointwise": _verdict(outcome),
            "pairwise": None,
            "crisis": {"flagged": bool(terms), "terms": terms, "points_to_help": crisis.points_to_help(answer)},
        }
        if reference is not None:
            first, second = _verdict(pair_out[2 * n]), _verdict(pair_out[2 * n + 1])
            first["preferred"] = preferred(first.get("winner"), system_is_a=True)
            second["preferred"] = preferred(second.get("winner"), system_is_a=False)
            row["pairwise"] = {
                "reference": reference[0],
                "system_first": first,
                "reference_first": second,
                "outcome": pairwise_outcome(first["preferred"], second["preferred"]),
            }
        rows.append(row)
    usage = {"pointwise": pointwise.usage, "pairwise": pairwise.usage}
    return rows, usage


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--system", required=True, help="system name under generate.systems")
    parser.add_argument("--testset", required=True, help="test set name under generate.test_sets")
    parser.add_argument("--test", required=True, help="the test parquet (the posts)")
    parser.add_argument("--generations", required=True, help="results/generations/{testset}/{system}.jsonl")
    parser.add_argument("--reference", default=None, help="the pairwise reference system's generations")
    parser.add_argument("--output", required=True, help="results/judge/{testset}/{system}.jsonl")
    args = parser.parse_args(argv)
    try:
        settings = args.params["judge"]
        testset = args.params[f"generate.test_sets.{args.testset}"]
    except KeyError as err:
        raise InputError(f"--params lacks {err}: pass judge and generate.test_sets.<name>") from err
    rubric = load_rubric(settings["rubric"])
    crisis = CrisisCheck.from_settings(settings["crisis"])
    ref_name = settings["reference"] if args.reference else None
    inputs = [args.test, args.generations, settings["rubric"], *settings["crisis"].values()]
    inputs += [args.reference] if args.reference else []
    if settings["backend"] == "demo":
        inputs += [*settings["demo"]["lexicons"].values(), settings["demo"]["cues"]]
    with recorded_step(args.rule, inputs, [args.output], args.params, settings["generation"].get("seed")) as facts:
        items = load_test_items(args.test, testset.get("max_items"))
        answers, _ = pair_with_references(read_jsonl(args.generations), items, args.generations)
        reference = None
        if args.reference:
            reference = (ref_name, pair_with_references(read_jsonl(args.reference), items, args.reference)[0])
        judge = make_judge(settings, rubric, crisis)
        rows, usage = judge_answers(items, answers, reference, settings, rubric, crisis, judge)
        meta = {"testset": args.testset, "system": args.system, "judge": judge.label, "judge_kind": judge.kind}
        meta.update(judge_model=judge.model_id, rubric_version=rubric.version, rubric_sha256=rubric.sha256)
        write_jsonl(args.output, ({**meta, **row} for row in rows))
        prices = settings["prices_per_million"]
        facts.update(meta, params=request_params(settings), n=len(rows), reference=ref_name)
        facts["failed"] = {
            "pointwise": sum(r["pointwise"]["status"] == "failed" for r in rows),
            "pairwise": sum(r["pairwise"] is not None and r["pairwise"]["outcome"] == "failed" for r in rows),
        }
        facts["usage"] = {mode: u.report(prices) for mode, u in usage.items()}
        facts["crisis_flagged"] = sum(r["crisis"]["flagged"] for r in rows)
    made = sum(u.calls_made for u in usage.values())
    cached = sum(u.calls_cached for u in usage.values())
    log.info("%s on %s: %d answers judged by %s; %d requests made, %d replayed", args.system, args.testset,
             len(rows), judge.label, made, cached)  # fmt: skip


if __name__ == "__main__":
    run_main(main)
