"""Generation: prompts, output splitting, every offline backend, the API backend over loopback, resumability."""

import json

import pandas as pd
import pytest
from _distill_fixtures import PRICES, ChatServer, billed_cost, usage_with_cache_split
from _train_fixtures import TINY_ARCH, make_posts

from workflow_scripts import coe
from workflow_scripts.common.io import InputError, read_json, read_jsonl, write_parquet
from workflow_scripts.common.provenance import sidecar_path
from workflow_scripts.eval import generate as gen
from workflow_scripts.train import base_model, chat

PROMPTS = "resources/prompts/eval_systems.yaml"


def _system(**over):
    base = {
        "backend": "transformers",
        "model": "unused",
        "prompt": "coe",
        "thinking": False,
        "chat_template": None,
        "max_new_tokens": 8,
        "temperature": 0.0,
        "batch_size": 4,
    }
    return {**base, **over}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen")
    train, test = make_posts(30, seed=1), make_posts(9, seed=2, start=100)
    paths = {"train": root / "train.parquet", "test": root / "test.parquet"}
    for key, posts in (("train", train), ("test", test)):
        write_parquet(paths[key], pd.DataFrame(posts).drop(columns=["_feel", "_problem"]))
    return root, paths, train, test


@pytest.fixture(scope="module")
def tiny_model(data):
    """A randomly initialised tiny Qwen3 with the project's Chinese BPE tokenizer and Qwen3 chat template."""
    root, _, train, _ = data
    import torch

    torch.manual_seed(0)
    tokenizer = base_model.train_tokenizer(base_model.corpus_texts(pd.DataFrame(train)), vocab_size=600)
    model = base_model.build_model(tokenizer, TINY_ARCH)
    out = root / "model"
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def test_test_items_are_sorted_capped_and_carry_every_reference(data):
    _, paths, _, test = data
    items = gen.load_test_items(paths["test"], max_items=4)
    assert [it["id"] for it in items] == sorted(p["qid"] for p in test)[:4]
    first = next(p for p in test if p["qid"] == items[0]["id"])
    assert items[0]["references"] == first["answers"]
    assert len(gen.load_test_items(paths["test"], None)) == 9


def test_prompt_formats(data):
    formats = gen.load_prompt_formats(PROMPTS)
    item = {"title": "失眠", "description": "我最近{总是}失眠", "references": ["r"]}
    assert gen.prompt_messages(item, "coe", formats) == chat.prompt_messages("失眠", "我最近{总是}失眠", "coe")
    plain = gen.prompt_messages(item, "plain", formats)
    assert plain == [{"role": "user", "content": "失眠\n\n我最近{总是}失眠"}]
    emo = gen.prompt_messages(item, "emollm", formats)
    assert emo[0]["role"] == "system" and "EmoLLM" in emo[0]["content"]
    assert "我最近{总是}失眠" in gen.prompt_messages(item, "cbt_llm", formats)[-1]["content"]
    with pytest.raises(InputError, match="unknown prompt format"):
        gen.prompt_messages(item, "nope", formats)


def test_split_output_strips_coe_and_thinking_and_flags_unparseable():
    chain = coe.format_coe({lvl: "分析" for lvl in coe.LEVELS}, "回答正文")
    assert gen.split_output(chain, _system()) == {"answer": "回答正文", "parsed": True, "think": None}
    # CoE system that did not follow the format: scored as is, flagged.
    out = gen.split_output("<empathy_think><L1>半截", _system())
    assert out["answer"] == "<empathy_think><L1>半截" and out["parsed"] is False
    plain = _system(prompt="plain", thinking=True)
    out = gen.split_output("<think>想一想</think>\n\n你好，别担心。", plain)
    assert out == {"answer": "你好，别担心。", "parsed": True, "think": "想一想"}
    out = gen.split_output("<think>一直在想没有结束", plain)
    assert out["answer"] == "一直在想没有结束" and out["parsed"] is False
    assert gen.split_output("普通回答", _system(prompt="plain"))["parsed"] is True


def test_render_prompt_follows_thinking_mode_and_raw_template(tiny_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    msgs = [{"role": "user", "content": "你好"}]
    off = gen.render_prompt(tok, msgs, _system(thinking=False))
    on = gen.render_prompt(tok, msgs, _system(thinking=True))
    assert off.endswith("<think>\n\n</think>\n\n") and not on.endswith("</think>\n\n")
    assert gen.render_prompt(tok, [{"role": "system", "content": "甲"}, *msgs], _system(chat_template="raw")) == (
        "甲\n\n你好"
    )


def _run(paths, output, system, name="sys", max_items=None):
    params = {
        "seed": 0,
        f"generate.systems.{name}": system,
        "generate.test_sets.t": {"path": str(paths["test"]), "max_items": max_items},
    }
    argv = ["--system", name, "--testset", "t", "--test", str(paths["test"]), "--prompts", PROMPTS]
    argv += ["--output", str(output), "--params", json.dumps(params)]
    gen.main(argv)
    return read_jsonl(output)


TARGET = coe.format_coe({"L1": "难过", "L2": "压力", "L3": "倾诉", "L4": "共情"}, "你好，慢慢来。")


@pytest.fixture(scope="module")
def coe_model(data, tiny_model):
    """The tiny model after a few dozen steps memorising one CoE reply to the first test prompts (plain format)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    root, paths, _, _ = data
    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    formats = gen.load_prompt_formats(PROMPTS)
    system = _system(prompt="plain")
    texts = [
        gen.render_prompt(tok, gen.prompt_messages(it, "plain", formats), system) + TARGET + "<|im_end|>"
        for it in gen.load_test_items(paths["test"], 4)
    ]
    tok.padding_side = "right"
    enc = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    labels = enc["input_ids"].masked_fill(enc["attention_mask"] == 0, -100)
    torch.manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(60):
        model(**enc, labels=labels).loss.backward()
        opt.step()
        opt.zero_grad()
    out = root / "coe_model"
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


def test_transformers_backend_strips_the_coe_and_is_batch_invariant(data, coe_model):
    root, paths, _, _ = data
    system = _system(model=str(coe_model), prompt="plain", max_new_tokens=40, batch_size=4)
    rows = _run(paths, root / "tf.jsonl", system, max_items=4)
    assert [r["id"] for r in rows] == [it["id"] for it in gen.load_test_items(paths["test"], 4)]
    assert [r["raw"] for r in rows] == [TARGET] * 4
    assert all(r["answer"] == "你好，慢慢来。" and r["parsed"] for r in rows)
    assert sidecar_path(root / "tf.jsonl").exists()
    # Left padding: greedy output does not depend on the batch size.
    again = _run(paths, root / "tf1.jsonl", {**system, "batch_size": 1}, max_items=4)
    assert [r["raw"] for r in again] == [r["raw"] for r in rows]


def test_transformers_output_off_format_is_kept_and_counted(data, tiny_model):
    root, paths, _, _ = data
    # A random tiny model asked for CoE writes no CoE: kept as is, flagged unparseable.
    system = _system(model=str(tiny_model), max_new_tokens=4, batch_size=8)
    rows = _run(paths, root / "rand.jsonl", system, max_items=5)
    assert len(rows) == 5
    assert all(r["parsed"] is False and r["answer"] == r["raw"].strip() and r["expects_format"] for r in rows)


class CountingBackend:
    """Answers with the item id in CoE format; can fail on a chosen call to simulate a kill."""

    def __init__(self, fail_on_call=None):
        self.calls, self.seen, self.fail_on_call = 0, [], fail_on_call

    def generate_items(self, items):
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise KeyboardInterrupt("killed")
        self.seen += [it["id"] for it in items]
        return [gen.Output(raw=coe.format_answer_only(f"答{it['id']}")) for it in items]


def test_killed_run_resumes_with_only_missing_ids(data):
    root, paths, _, _ = data
    items = gen.load_test_items(paths["test"])
    system = _system(backend="retrieval", prompt="answer_only", batch_size=2)
    out = root / "resume.jsonl"
    with pytest.raises(KeyboardInterrupt):
        gen.run_generation(CountingBackend(fail_on_call=3), items, "s", "t", system, {}, out, "fp1", {})
    assert not out.exists()
    partial = gen.partial_path(out)
    assert len(read_jsonl(partial)) == 4
    with open(partial, "a", encoding="utf-8") as handle:  # a row torn by the kill
        handle.write('{"id": "demo-01')
    backend = CountingBackend()
    facts = {}
    rows = gen.run_generation(backend, items, "s", "t", system, {}, out, "fp1", facts)
    assert backend.seen == [it["id"] for it in items[4:]]
    assert facts["resumed"] == 4 and facts["to_generate"] == 5
    assert [r["id"] for r in rows] == [it["id"] for it in items] and not partial.exists()
    assert all(r["answer"] == f"答{r['id']}" and r["parsed"] for r in rows)
    # Complete output + same fingerprint: nothing to do; a new fingerprint regenerates everything.
    idle = CountingBackend()
    gen.run_generation(idle, items, "s", "t", system, {}, out, "fp1", {})
    assert idle.calls == 0
    fresh = CountingBackend()
    gen.run_generation(fresh, items, "s", "t", system, {}, out, "fp2", {})
    assert len(fresh.seen) == 9


def test_retrieval_returns_the_nearest_train_answer(data):
    _, paths, train, _ = data
    backend = gen.RetrievalBackend(str(paths["train"]))
    target = sorted(train, key=lambda p: p["qid"])[7]
    query = {"title": target["title"], "description": target["description"] + "谢谢", "references": ["r"]}
    (out,) = backend.generate_items([query])
    assert out.raw == target["answers"][0]
    assert target["qid"] in out.reasoning


def test_demo_teacher_writes_coe_around_the_retrieved_answer(data):
    root, paths, _, _ = data
    lexicons = {
        kind: f"resources/lexicons/coe_{kind}.yaml" for kind in ("emotions", "causes", "intents", "strategies")
    }
    system = _system(backend="demo_teacher", train=str(paths["train"]), batch_size=64)
    # Through main, with the lexicons the rule passes:
    params = {
        "seed": 0,
        "generate.systems.demo_teacher": system,
        "generate.test_sets.t": {"path": str(paths["test"]), "max_items": 3},
        "distill.demo.lexicons": lexicons,
    }
    argv = ["--system", "demo_teacher", "--testset", "t", "--test", str(paths["test"]), "--prompts", PROMPTS]
    argv += ["--train", str(paths["train"]), "--output", str(root / "demo.jsonl"), "--params", json.dumps(params)]
    gen.main(argv)
    rows = read_jsonl(root / "demo.jsonl")
    retrieval = gen.RetrievalBackend(str(paths["train"])).generate_items(gen.load_test_items(paths["test"], 3))
    assert [r["answer"] for r in rows] == [o.raw for o in retrieval]
    assert all(coe.parse_coe(r["raw"]) is not None and r["parsed"] for r in rows)


def test_vllm_backend_refuses_cleanly_without_vllm_or_gpu():
    with pytest.raises(InputError, match="vllm"):
        gen.VLLMBackend(_system(backend="vllm"), 0)


def _completion(content, reasoning=None):
    message = {"role": "assistant", "content": content}
    if reasoning:
        message["reasoning_content"] = reasoning
    return {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "served-model",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }


def test_api_backend_over_loopback_retries_caches_and_keeps_reasoning_apart(data, httpserver, monkeypatch):
    root, paths, _, _ = data
    monkeypatch.setenv("EVAL_TEST_KEY", "sk-test")
    system = _system(
        backend="api",
        prompt="plain",
        batch_size=1,
        api={
            "base_url": httpserver.url_for("/v1"),
            "model": "served-model",
            "api_key_env": "EVAL_TEST_KEY",
            "timeout_s": 5,
            "max_retries": 2,
            "backoff_base_s": 0,
            "backoff_max_s": 0,
            "prices_per_million": PRICES,
        },
    )
    httpserver.expect_oneshot_request("/v1/chat/completions", method="POST").respond_with_data("busy", status=500)
    for i in range(3):
        httpserver.expect_oneshot_request("/v1/chat/completions", method="POST").respond_with_json(
            _completion(f"回答{i}", reasoning="推理过程")
        )
    items = gen.load_test_items(paths["test"], 3)
    formats = gen.load_prompt_formats(PROMPTS)
    backend = gen.APIBackend(system, str(root / "cache"), sleep=lambda s: None)
    rows = gen.run_generation(backend, items, "api", "t", system, formats, root / "api.jsonl", "fp", {})
    assert sorted(r["answer"] for r in rows) == ["回答0", "回答1", "回答2"]
    assert all(r["reasoning"] == "推理过程" and r["parsed"] for r in rows)
    assert backend.calls == {"made": 3, "cached": 0, "rejected": 0, "failed": 0}
    sent = json.loads(httpserver.log[0][0].get_data())
    assert sent["messages"] == gen.prompt_messages(items[0], "plain", formats) and sent["model"] == "served-model"
    assert "sk-test" not in (root / "api.jsonl").read_text(encoding="utf-8")
    # Same requests again (new output): all from the reply cache, no HTTP call.
    before = len(httpserver.log)
    again = gen.APIBackend(system, str(root / "cache"), sleep=lambda s: None)
    gen.run_generation(again, items, "api", "t", system, formats, root / "api2.jsonl", "fp", {})
    assert again.calls["cached"] == 3 and len(httpserver.log) == before


def test_api_generation_honours_retry_after_and_costs_the_cache_split(data, tmp_path, monkeypatch):
    """Through main: no retry before Retry-After (seconds and HTTP date), cost = the API's usage x the prices."""
    _, paths, _, _ = data
    monkeypatch.setenv("EVAL_TEST_KEY", "sk-test")
    faults = [(429, "1"), (503, "date+1")]
    with ChatServer(faults=faults, usage=usage_with_cache_split, content=lambda m: "你好，谢谢你说出来。") as server:
        api = {
            "base_url": server.url,
            "model": "served-model",
            "api_key_env": "EVAL_TEST_KEY",
            "timeout_s": 5,
            "max_retries": 3,
            "backoff_base_s": 0.01,
            "backoff_max_s": 0.02,
            "prices_per_million": PRICES,
        }
        system = _system(backend="api", prompt="plain", batch_size=1, api=api)
        params = {"seed": 0, "generate.systems.api": system, "generate.test_sets.t": {"path": "x", "max_items": 3}}
        output = tmp_path / "api.jsonl"
        argv = ["--system", "api", "--testset", "t", "--test", str(paths["test"]), "--prompts", PROMPTS]
        argv += ["--output", str(output), "--cache-dir", str(tmp_path / "cache"), "--params", json.dumps(params)]
        gen.main(argv)
    assert len(read_jsonl(output)) == 3
    assert server.requests == 3 + 2  # one retry per fault: the openai client's own loop is off
    waited = server.retries_waited()
    assert len(waited) == 2 and all(arrival >= not_before for arrival, not_before in waited)
    usage = read_json(sidecar_path(output))["facts"]["api_usage"]
    assert usage["calls_made"] == 3 and usage["transient_retries"] == 2
    sent = server.usages_sent
    assert usage["cost"]["this_run"] == pytest.approx(billed_cost(sent))
    assert usage["cost"]["prices_per_million"]["date"] == PRICES["date"]


def test_api_backend_needs_its_key_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("EVAL_MISSING_KEY", raising=False)
    api = {
        "base_url": "http://127.0.0.1:9/v1",
        "model": "m",
        "api_key_env": "EVAL_MISSING_KEY",
        "timeout_s": 1,
        "max_retries": 0,
        "backoff_base_s": 0,
        "backoff_max_s": 0,
        "prices_per_million": PRICES,
    }
    with pytest.raises(InputError, match="EVAL_MISSING_KEY"):
        gen.APIBackend(_system(backend="api", api=api), str(tmp_path))
