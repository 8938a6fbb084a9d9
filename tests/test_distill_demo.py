"""Prompt rendering, topic-stratified candidate selection and the offline demo teacher."""

import json
from collections import Counter
from pathlib import Path

import pytest
from _distill_fixtures import LEXICONS, ROOT, distill_settings, train_frame, write_train

from workflow_scripts import coe
from workflow_scripts.common.io import read_json, read_jsonl, write_jsonl
from workflow_scripts.distill import candidates as cand_step
from workflow_scripts.distill import distill as distill_step
from workflow_scripts.distill.candidates import allocate, select_candidates
from workflow_scripts.distill.demo_teacher import DEMO_LABEL, DemoTeacher, load_lexicons
from workflow_scripts.distill.prompts import load_prompt, parse_user_message
from workflow_scripts.distill.teacher import Bounds, validate_reply

PROMPT = ROOT / "resources/prompts/coe_distill.yaml"


def test_prompt_carries_the_coe_format_and_the_post_verbatim():
    prompt = load_prompt(PROMPT)
    system, user = (m["content"] for m in prompt.messages("标题{x}", "描述 {answer}", "回答"))
    example = next(line.strip() for line in system.splitlines() if line.strip().startswith("<empathy_think>"))
    assert coe.parse_coe(example) is not None  # the format shown is the one parse_coe accepts
    assert all(coe.LEVEL_NAMES[lvl] in system for lvl in coe.LEVELS)
    assert parse_user_message(user) == {"title": "标题{x}", "description": "描述 {answer}", "answer": "回答"}


def test_allocation_is_proportional_and_exact():
    assert allocate({"T01": 40, "T02": 30, "T03": 20, "T04": 10}, 10) == {"T01": 4, "T02": 3, "T03": 2, "T04": 1}
    counts = allocate({"a": 5, "b": 5, "c": 1}, 7)
    assert sum(counts.values()) == 7 and counts["c"] <= 1
    assert allocate({"a": 2}, 5) == {"a": 2}


def test_selection_is_stratified_and_seeded():
    train = train_frame(40)  # topics 16 / 12 / 8 / 4
    picked = select_candidates(train, 10, seed=42)
    assert Counter(p["topic_id"] for p in picked) == {"T01": 4, "T02": 3, "T03": 2, "T04": 1}
    assert picked == select_candidates(train, 10, seed=42)
    assert [p["qid"] for p in picked] != [p["qid"] for p in select_candidates(train, 10, seed=7)]
    assert all(p["answer"].startswith("你好") for p in picked)  # the first answer is the reference


def test_selection_step_writes_provenance(tmp_path):
    train = write_train(tmp_path / "train.parquet")
    out = tmp_path / "selected.jsonl"
    cand_step.main(["--train", str(train), "--output", str(out),
                    "--params", json.dumps({"seed": 42, "distill.n_candidates": 8})])  # fmt: skip
    assert len(read_jsonl(out)) == 8
    facts = read_json(str(out) + ".prov.json")["facts"]
    assert facts["selected"] == 8 and sum(facts["per_topic"].values()) == 8


def test_demo_teacher_output_always_parses_and_validates(tmp_path):
    lexicons, digest = load_lexicons(LEXICONS)
    teacher = DemoTeacher(lexicons, digest)
    prompt = load_prompt(PROMPT)
    bounds = Bounds.from_settings(distill_settings(tmp_path)["validation"])
    for post in select_candidates(train_frame(40), 40, seed=0):
        messages = prompt.messages(post["title"], post["description"], post["answer"])
        reply = teacher.complete(messages, {})
        chain, reason = validate_reply(reply.content, bounds)
        assert reason is None, (post["qid"], reason)
        assert chain.answer == post["answer"]
        assert teacher.complete(messages, {}).content == reply.content  # deterministic
    assert teacher.label == DEMO_LABEL == "demo-lexicon-teacher (not a language model)"


def test_demo_distillation_labels_every_chain_and_reuses_the_cache(tmp_path):
    write_jsonl(tmp_path / "selected.jsonl", select_candidates(train_frame(40), 6, seed=3))
    argv = ["--selected", str(tmp_path / "selected.jsonl"), "--prompt", str(PROMPT),
            "--output", str(tmp_path / "c.jsonl"), "--usage", str(tmp_path / "u.json"),
            "--params", json.dumps({"distill": distill_settings(tmp_path)})]  # fmt: skip
    distill_step.main(argv)
    first = (tmp_path / "c.jsonl").read_bytes()
    rows = read_jsonl(tmp_path / "c.jsonl")
    assert {r["teacher"] for r in rows} == {DEMO_LABEL} and {r["status"] for r in rows} == {"valid"}
    assert all(coe.parse_coe(r["completion"]) for r in rows)
    prov = read_json(tmp_path / "c.jsonl.prov.json")["facts"]
    assert prov["teacher"] == DEMO_LABEL and prov["api_calls_made"] == 6
    distill_step.main(argv)
    assert (tmp_path / "c.jsonl").read_bytes() == first
    assert read_json(tmp_path / "u.json")["calls_cached"] == 6


def test_changing_a_lexicon_changes_the_cache_key(tmp_path):
    copies = {}
    for kind, path in LEXICONS.items():
        copies[kind] = tmp_path / Path(path).name
        copies[kind].write_text(Path(path).read_text(encoding="utf-8"), encoding="utf-8")
    _, before = load_lexicons(copies)
    copies["intents"].write_text(copies["intents"].read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    _, after = load_lexicons(copies)
    assert before != after


@pytest.mark.parametrize("missing", ["emotions", "strategies"])
def test_demo_lexicons_must_all_be_named(missing):
    from workflow_scripts.common.io import InputError

    with pytest.raises(InputError, match=missing):
        load_lexicons({k: v for k, v in LEXICONS.items() if k != missing})
