"""The LLM topic labeller (label.method llm) against a loopback chat-completions server."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from _distill_fixtures import ChatServer

from workflow_scripts.common.io import read_json, write_parquet
from workflow_scripts.data.label import run_label
from workflow_scripts.data.label_llm import LabelPrompt, parse_label

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
KEY_ENV = "TEST_LABEL_KEY"
# title -> the ids the fake model answers with (the keyword path would label these posts otherwise)
POSTS = {
    "总是拖延": ("T07", "T07.04"),
    "和室友闹矛盾": ("T03", "T03.02"),
    "失眠很久了": ("T10", "T10.01"),
}


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "sk-loopback-label")


@pytest.fixture(scope="module")
def taxonomy():
    from workflow_scripts.data.label import load_taxonomy

    return load_taxonomy(ROOT / CONFIG["label"]["taxonomy"])


def _title(messages: list[dict]) -> str:
    first_user = next(m for m in messages if m["role"] == "user")["content"]
    return first_user.split("【标题】")[1].split("【问题描述】")[0].strip()


def _reply(topic: str, sub: str) -> str:
    return json.dumps({"topic_id": topic, "subtopic_id": sub})


def _run(tmp_path: Path, server: ChatServer, tags: dict[str, list[str]] | None = None, name: str = "a"):
    frame = pd.DataFrame(
        {
            "qid": [f"x-{i}" for i in range(len(POSTS))],
            "source": "x",
            "title": list(POSTS),
            "description": ["最近一直这样，不知道怎么办。"] * len(POSTS),
            "tags": [(tags or {}).get(t, []) for t in POSTS],
            "answers": [["回答"]] * len(POSTS),
            "n_answers": 1,
        }
    )
    clean = tmp_path / "clean.parquet"
    write_parquet(clean, frame)
    label = json.loads(json.dumps(CONFIG["label"]))
    label.update(method="llm", score_against=None, taxonomy=str(ROOT / label["taxonomy"]), tag_maps_dir=None)
    llm = label["llm"]
    llm.update(prompt=str(ROOT / llm["prompt"]), cache_dir=str(tmp_path / "cache"))
    llm["api"].update(base_url=server.url, api_key_env=KEY_ENV, backoff_base_s=0.0, backoff_max_s=0.0, timeout_s=5)
    out, report = tmp_path / f"{name}.parquet", tmp_path / f"{name}.json"
    run_label(clean, out, report, {"label": label, "seed": 42})
    return pd.read_parquet(out).set_index("title"), read_json(report)


def test_valid_replies_label_every_untagged_post_with_pinned_settings_and_cost(tmp_path):
    with ChatServer(content=lambda m: _reply(*POSTS[_title(m)])) as server:
        labeled, report = _run(tmp_path, server)
    assert server.requests == len(POSTS)
    for title, (topic, sub) in POSTS.items():
        assert (labeled.loc[title, "topic_id"], labeled.loc[title, "subtopic_id"]) == (topic, sub)
        assert labeled.loc[title, "label_source"] == "llm"
    llm = report["llm"]
    settings = CONFIG["label"]["llm"]
    assert llm["model"] == settings["api"]["model"] and llm["prompt_version"] == 1
    assert (llm["temperature"], llm["seed"], llm["max_tokens"]) == tuple(
        settings["generation"][k] for k in ("temperature", "seed", "max_tokens")
    )
    assert llm["labelled"] == len(POSTS) and llm["failed"] == 0
    assert llm["usage"]["calls_made"] == len(POSTS) and llm["usage"]["cost"]["this_run"] > 0
    body = server.bodies[0]
    assert (body["temperature"], body["seed"], body["max_tokens"]) == (0.0, 42, settings["generation"]["max_tokens"])
    assert "T27.01" in body["messages"][0]["content"]  # the taxonomy is in the system prompt
    prov = read_json(tmp_path / "a.parquet.prov.json")
    assert prov["facts"]["llm"]["prompt_version"] == 1
    assert str(ROOT / settings["prompt"]) in {i["path"] for i in prov["inputs"]}
    with ChatServer(content=lambda m: "{}") as again:  # a rerun replays the cache: no request, same labels
        relabeled, report2 = _run(tmp_path, again, name="b")
    assert again.requests == 0 and report2["llm"]["usage"]["calls_cached"] == len(POSTS)
    assert relabeled["topic_id"].equals(labeled["topic_id"])


def test_unknown_id_is_asked_again_with_the_reason_then_recorded_as_failed(tmp_path):
    def content(messages):
        title = _title(messages)
        if title == "总是拖延":  # unknown the first time, right after the follow-up
            return _reply("T07", "T07.04") if len(messages) > 2 else _reply("T99", "T99.01")
        if title == "和室友闹矛盾":
            return _reply("T03", "T05.03")  # a subtopic of another topic, every time
        return _reply(*POSTS[title])

    with ChatServer(content=content) as server:
        labeled, report = _run(tmp_path, server)
    assert labeled.loc["总是拖延", "label_source"] == "llm" and labeled.loc["总是拖延", "subtopic_id"] == "T07.04"
    follow_ups = [b["messages"] for b in server.bodies if len(b["messages"]) > 2]
    assert any("T99" in m[-1]["content"] and m[-2]["role"] == "assistant" for m in follow_ups)
    assert all('{"topic_id": "T01"' in m[-1]["content"] for m in follow_ups)  # the template's own braces kept
    failed = labeled.loc["和室友闹矛盾"]
    assert failed["label_source"] == "llm_failed" and failed["subtopic_id"].startswith(failed["topic_id"] + ".")
    tries = CONFIG["label"]["llm"]["max_invalid_retries"] + 1
    assert server.requests == 1 + 2 + tries
    assert report["llm"]["failed"] == 1 and report["label_source"]["llm_failed"] == 1
    (example,) = report["llm"]["failed_examples"]
    assert example["qid"] == "x-1" and "not in topic T03" in example["reason"]


def test_malformed_replies_are_retried_or_recorded(tmp_path):
    def content(messages):
        title = _title(messages)
        return "好的，我认为属于人际关系。" if title == "和室友闹矛盾" else _reply(*POSTS[title])

    # a malformed HTTP body is a transport fault (retried); prose without JSON is an invalid answer (re-asked)
    with ChatServer(faults=["malformed"], content=content) as server:
        labeled, report = _run(tmp_path, server)
    assert report["llm"]["usage"]["transient_retries"] == 1
    assert labeled.loc["和室友闹矛盾", "label_source"] == "llm_failed"
    assert "no JSON object" in report["llm"]["failed_examples"][0]["reason"]
    assert (labeled.drop(index="和室友闹矛盾")["label_source"] == "llm").all()


def test_site_tags_still_win(tmp_path):
    with ChatServer(content=lambda m: _reply(*POSTS[_title(m)])) as server:
        labeled, _ = _run(tmp_path, server, tags={"失眠很久了": ["睡眠问题"]})
    assert server.requests == len(POSTS) - 1
    assert labeled.loc["失眠很久了", "label_source"] == "site_tag"


def test_parse_label_accepts_fenced_json_and_names_what_is_wrong(taxonomy):
    assert parse_label('```json\n{"topic_id": "T01", "subtopic_id": "T01.02"}\n```', taxonomy) == (
        ("T01", "T01.02"),
        None,
    )
    assert parse_label('{"topic_id": "T01"}', taxonomy)[1] == "unknown subtopic_id ''"
    assert parse_label('{"topic_id": T01}', taxonomy)[1].startswith("not valid JSON")


def test_prompt_file_needs_its_placeholders(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("version: 1\nsystem: 分类\nuser: '{title}{description}'\nfollow_up: '{reason}'\n", encoding="utf-8")
    with pytest.raises(Exception, match="taxonomy"):
        LabelPrompt.load(bad)
