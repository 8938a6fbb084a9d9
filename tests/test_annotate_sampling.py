"""Evaluation-set sampling: seeded, stratified by topic, items join every system's generation."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workflow_scripts.annotate import sampling
from workflow_scripts.common.io import InputError, read_jsonl, write_jsonl, write_parquet


def test_allocate_is_proportional_with_largest_remainder():
    assert sampling.allocate({"T01": 35, "T02": 28, "T03": 22, "T04": 15}, 10) == {
        "T01": 4,
        "T02": 3,
        "T03": 2,
        "T04": 1,
    }
    assert sum(sampling.allocate({"a": 3, "b": 3, "c": 3}, 4).values()) == 4
    assert sampling.allocate({"a": 2, "b": 1}, 10) == {"a": 2, "b": 1}


def test_samples_stratified_and_seeded_and_items_built(tmp_path):
    topics = ["T01"] * 35 + ["T02"] * 28 + ["T03"] * 22 + ["T07"] * 15
    frame = pd.DataFrame({"qid": [f"q-{i}" for i in range(100)], "title": "t", "description": "d",
                          "topic_id": topics, "topic": topics, "answers": [["ref"]] * 100})  # fmt: skip
    write_parquet(tmp_path / "test.parquet", frame)
    params = json.dumps(
        {"human.seed": 5, "human.samples_per_testset": 20, "generate.test_sets.eqa": {"max_items": None}}
    )
    args = ["--make", "samples", "--testset", "eqa", "--test", str(tmp_path / "test.parquet"), "--params", params]
    sampling.main([*args, "--samples", str(tmp_path / "s1.jsonl")])
    sampling.main([*args, "--samples", str(tmp_path / "s2.jsonl")])
    s1 = read_jsonl(tmp_path / "s1.jsonl")
    assert s1 == read_jsonl(tmp_path / "s2.jsonl")
    counts = pd.Series([s["topic_id"] for s in s1]).value_counts().to_dict()
    assert counts == {"T01": 7, "T02": 6, "T03": 4, "T07": 3}  # 7, 5.6, 4.4, 3 -> largest remainder
    other = sampling.stratified_sample(frame, 20, 6, "eqa")
    assert {s["qid"] for s in other} != {s["qid"] for s in s1}
    gens = {}
    for system in ("sys_a", "sys_b"):
        rows = [{"id": f"q-{i}", "answer": f"{system} {i}", "parsed": True} for i in range(100)]
        write_jsonl(tmp_path / f"{system}.jsonl", rows)
        gens[system] = str(tmp_path / f"{system}.jsonl")
    sampling.main(["--make", "items", "--testset", "eqa", "--samples", str(tmp_path / "s1.jsonl"),
                   "--generations", *gens.values(), "--output", str(tmp_path / "items.jsonl")])  # fmt: skip
    items = read_jsonl(tmp_path / "items.jsonl")
    assert len(items) == 20 and all([r["system"] for r in it["responses"]] == ["sys_a", "sys_b"] for it in items)
    assert items[0]["responses"][0]["text"] == f"sys_a {items[0]['qid'].split('-')[1]}"
    write_jsonl(tmp_path / "sys_b.jsonl", [{"id": "q-0", "answer": "x"}])
    with pytest.raises(InputError, match="no generation for sampled question"):
        sampling.main(["--make", "items", "--testset", "eqa", "--samples", str(tmp_path / "s1.jsonl"),
                       "--generations", *gens.values(), "--output", str(tmp_path / "items.jsonl")])  # fmt: skip


def test_sample_only_from_items_generation_covers(tmp_path):
    frame = pd.DataFrame({"qid": [f"q-{i:02d}" for i in range(40)], "title": "t", "description": "d",
                          "topic_id": ["T01", "T02"] * 20, "answers": [["r"]] * 40})  # fmt: skip
    write_parquet(tmp_path / "test.parquet", frame)
    params = {"human.seed": 1, "human.samples_per_testset": 6, "generate.test_sets.eqa": {"max_items": 10}}
    sampling.main(["--make", "samples", "--testset", "eqa", "--test", str(tmp_path / "test.parquet"),
                   "--samples", str(tmp_path / "s.jsonl"), "--params", json.dumps(params)])  # fmt: skip
    qids = [s["qid"] for s in read_jsonl(tmp_path / "s.jsonl")]
    assert len(qids) == 6 and all(q < "q-10" for q in qids)
    with pytest.raises(InputError):
        sampling.main(["--make", "samples", "--testset", "../x", "--test", "t", "--samples", "s"])
