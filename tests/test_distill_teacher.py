"""The API teacher path against a loopback chat-completions server: faults, cache, kill, secrets."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from _distill_fixtures import (
    PRICES,
    ROOT,
    ChatServer,
    billed_cost,
    distill_settings,
    train_frame,
    usage_with_cache_split,
)

from workflow_scripts.common.io import read_json, read_jsonl, write_jsonl
from workflow_scripts.distill import distill as distill_step
from workflow_scripts.distill.candidates import select_candidates
from workflow_scripts.distill.teacher import TeacherError, chinese_share, request_key

KEY = "sk-loopback-SECRET-7f3a9c1e5b"
PROMPT = str(ROOT / "resources/prompts/coe_distill.yaml")


@pytest.fixture
def api_key(monkeypatch):
    monkeypatch.setenv("TEST_TEACHER_KEY", KEY)
    return KEY


def _items(n):
    return select_candidates(train_frame(40), n, seed=42)


def _run(tmp_path, server, n=4, argv_extra=(), **over):
    """Run the step's main() in-process; return (rows, usage)."""
    selected = tmp_path / "selected.jsonl"
    write_jsonl(selected, _items(n))
    settings = distill_settings(tmp_path, teacher="api", base_url=server.url, **over)
    out, usage = tmp_path / "candidates.jsonl", tmp_path / "usage.json"
    distill_step.main(
        [
            "--selected", str(selected), "--prompt", PROMPT, "--output", str(out), "--usage", str(usage),
            "--params", json.dumps({"distill": settings}), "--rule", "distill", *argv_extra,
        ]
    )  # fmt: skip
    return read_jsonl(out), read_json(usage)


def test_transient_faults_are_retried_and_counted(tmp_path, api_key):
    with ChatServer(faults=[429, 500, "timeout", "malformed"]) as server:
        rows, usage = _run(tmp_path, server, n=3, concurrency=1)
    assert [r["status"] for r in rows] == ["valid"] * 3
    assert usage["transient_retries"] == 4
    assert server.requests == 3 + 4
    assert usage["calls_made"] == 3 and usage["calls_cached"] == 0
    # This server reports no cache split: every prompt token is billed as a cache miss.
    assert usage["tokens_this_run"] == {
        "completion_tokens": 150,
        "prompt_cache_hit_tokens": 0,
        "prompt_cache_miss_tokens": 300,
        "prompt_tokens": 300,
    }
    assert usage["cost"]["this_run"] == pytest.approx((300 * 0.55 + 150 * 2.19) / 1e6)
    assert all(r["reasoning_content"] == "先想情绪。" for r in rows)
    assert server.auth_headers == {f"Bearer {KEY}"}


def test_retry_after_is_honoured_in_seconds_and_http_date_form(tmp_path, api_key):
    faults = [(429, "1"), (503, "date+1"), (429, "2")]
    with ChatServer(faults=faults) as server:
        rows, usage = _run(tmp_path, server, n=2, concurrency=1)
    assert [r["status"] for r in rows] == ["valid"] * 2
    # One retry loop: each fault cost exactly one retry (openai's own loop would have added requests).
    assert server.requests == 2 + 3 and usage["transient_retries"] == 3
    waited = server.retries_waited()
    assert len(waited) == 3
    for arrival, not_before in waited:  # the backoff here is 0.01-0.05 s: only Retry-After explains the wait
        assert arrival >= not_before


def test_cost_is_the_apis_cache_hit_and_miss_usage_times_the_price_table(tmp_path, api_key):
    with ChatServer(usage=usage_with_cache_split) as server:
        _, usage = _run(tmp_path, server, n=5)
    sent = server.usages_sent
    assert len(sent) == 5 and len({u["prompt_cache_hit_tokens"] for u in sent}) > 1
    for name in ("prompt_cache_hit_tokens", "prompt_cache_miss_tokens", "completion_tokens"):
        assert usage["tokens_this_run"][name] == sum(u[name] for u in sent)
    assert usage["cost"]["this_run"] == pytest.approx(billed_cost(sent))
    all_miss = sum(u["prompt_tokens"] * 0.55 + u["completion_tokens"] * 2.19 for u in sent) / 1e6
    assert usage["cost"]["this_run"] < all_miss  # cache hits were billed at the lower price
    assert usage["cost"]["prices_per_million"] == PRICES  # the price table and its date travel with the figure
    # Replayed from the cache: the same split, recorded as what those replies cost when they were paid for.
    with ChatServer() as server:
        _, again = _run(tmp_path, server, n=5)
    assert server.requests == 0
    assert again["cost"]["replayed_from_cache"] == pytest.approx(billed_cost(sent)) and again["cost"]["this_run"] == 0


def test_second_run_makes_no_requests_for_cached_items(tmp_path, api_key):
    with ChatServer() as first:
        rows1, _ = _run(tmp_path, first, n=5)
    assert first.requests == 5
    with ChatServer() as second:
        rows2, usage = _run(tmp_path, second, n=5)
    assert second.requests == 0
    assert usage["calls_made"] == 0 and usage["calls_cached"] == 5
    assert usage["tokens_replayed_from_cache"]["prompt_tokens"] == 500
    assert [r.pop("teacher") for r in rows1] != [r.pop("teacher") for r in rows2]  # label names the server port
    assert rows1 == rows2


def test_cache_key_is_the_full_request(tmp_path, api_key):
    with ChatServer() as server:
        rows, _ = _run(tmp_path, server, n=1)
    entry_path = next((tmp_path / "cache").rglob("*.json"))
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    assert entry_path.stem == request_key(entry["request"]) == rows[0]["cache_keys"][0]
    assert entry_path.parent.name == entry_path.stem[:2]
    assert set(entry["request"]) == {"model", "messages", "params"}
    with ChatServer() as server:  # a changed sampling parameter is a new request
        _run(tmp_path, server, n=1, generation={"temperature": 0.9, "max_tokens": 512})
    assert server.requests == 1


def test_invalid_replies_are_retried_then_rejected_and_cached(tmp_path, api_key):
    with ChatServer(faults=["invalid"]) as server:
        rows, usage = _run(tmp_path, server, n=1)
    assert rows[0]["status"] == "valid" and rows[0]["attempts"] == 2 and usage["invalid_replies"] == 1

    other = tmp_path / "other"
    other.mkdir()
    with ChatServer(faults=["invalid", "invalid"]) as server:
        rows, usage = _run(other, server, n=1)
    assert rows[0]["status"] == "rejected"
    assert rows[0]["reason"].startswith("attempt 1: format") and "attempt 2: format" in rows[0]["reason"]
    assert rows[0]["raw_reply"] == "这不是一个合格的回答"
    assert usage["rejected_by_reason"] == {"attempt 1": 1}
    with ChatServer() as server:  # the verdict is replayed from the cache, not paid for again
        again, _ = _run(other, server, n=1)
    assert server.requests == 0 and again[0]["status"] == "rejected"


def test_exhausted_retries_stop_the_step_without_outputs(tmp_path, api_key):
    with ChatServer(faults=[500] * 20) as server, pytest.raises(TeacherError, match="rerun to resume"):
        _run(
            tmp_path, server, n=1, api={**distill_settings(tmp_path)["api"], "base_url": server.url, "max_retries": 2}
        )
    assert server.requests == 3
    assert not (tmp_path / "candidates.jsonl").exists() and not (tmp_path / "usage.json").exists()


def test_missing_key_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_TEACHER_KEY", raising=False)
    with ChatServer() as server, pytest.raises(TeacherError, match=r"variable TEST_TEACHER_KEY .* is not set"):
        _run(tmp_path, server, n=1)
    assert server.requests == 0


def test_chinese_share_ignores_tags():
    assert chinese_share("<L1>你好世界</L1>") == 1.0
    assert chinese_share("<L1>hello 你好</L1>") == pytest.approx(2 / 7)


def _spawn(tmp_path, server_url, log_path):
    settings = distill_settings(tmp_path, teacher="api", base_url=server_url, concurrency=1)
    cmd = [
        sys.executable, "-m", "workflow_scripts.distill.distill", "--selected", str(tmp_path / "selected.jsonl"),
        "--prompt", PROMPT, "--output", str(tmp_path / "candidates.jsonl"), "--usage", str(tmp_path / "usage.json"),
        "--params", json.dumps({"distill": settings}), "--rule", "distill",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log_path, "ab") as log:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=log, stdout=log)


def test_kill_mid_run_then_restart_loses_no_finished_reply(tmp_path, api_key):
    write_jsonl(tmp_path / "selected.jsonl", _items(8))
    log_path = tmp_path / "distill.log"
    with ChatServer(delay_s=0.25) as slow:
        proc = _spawn(tmp_path, slow.url, log_path)
        deadline = time.monotonic() + 60
        while len(list((tmp_path / "cache").rglob("*.json"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finished = {json.loads(p.read_text(encoding="utf-8"))["request"]["messages"][-1]["content"]
                for p in (tmp_path / "cache").rglob("*.json")}  # fmt: skip
    assert 3 <= len(finished) < 8
    assert not (tmp_path / "candidates.jsonl").exists()
    with ChatServer() as fresh:
        proc = _spawn(tmp_path, fresh.url, log_path)
        assert proc.wait(timeout=120) == 0
    assert fresh.requests == 8 - len(finished)
    assert not finished & set(fresh.per_prompt)
    rows = read_jsonl(tmp_path / "candidates.jsonl")
    assert len(rows) == 8 and all(r["status"] == "valid" for r in rows)
    usage = read_json(tmp_path / "usage.json")
    assert usage["calls_cached"] == len(finished) and usage["calls_made"] == 8 - len(finished)


def test_api_key_never_written(tmp_path, api_key):
    write_jsonl(tmp_path / "selected.jsonl", _items(3))
    with ChatServer(faults=[429, "malformed"]) as server:
        proc = _spawn(tmp_path, server.url, tmp_path / "distill.log")
        assert proc.wait(timeout=120) == 0
    assert server.auth_headers == {f"Bearer {KEY}"}  # the key was used...
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".prov.json") for p in files) and any(p.suffix == ".log" for p in files)
    leaked = [str(p) for p in files if KEY.encode() in p.read_bytes()]
    assert leaked == []  # ...and appears in no log, params, provenance record or cache file
