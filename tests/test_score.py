"""Scoring: METRICS.md corpus scores of the answers, CIs, per-item scores, unparseable counts, input checks."""

import json

import pandas as pd
import pytest
from _train_fixtures import make_posts

from workflow_scripts.common.io import InputError, read_json, write_jsonl, write_parquet
from workflow_scripts.common.provenance import sidecar_path
from workflow_scripts.eval import metrics, score
from workflow_scripts.eval.generate import load_test_items


@pytest.fixture()
def test_set(tmp_path):
    posts = make_posts(6, seed=3)
    posts[0]["answers"] = [posts[0]["answers"][0], "你好，先照顾好自己的睡眠，再慢慢处理工作上的压力。"]
    path = tmp_path / "test.parquet"
    write_parquet(path, pd.DataFrame(posts).drop(columns=["_feel", "_problem"]))
    return path


def _rows(items, unparseable=()):
    rows = []
    for i, it in enumerate(items):
        bad = it["id"] in unparseable
        answer = "<empathy_think><L1>没写完" if bad else f"你好，能感受到你的辛苦。第{i}条建议：早点休息。"
        rows.append({"id": it["id"], "answer": answer, "parsed": not bad, "expects_format": True})
    return rows


def test_scores_are_the_metric_suite_on_answers_against_all_references(test_set):
    items = load_test_items(test_set)
    rows = _rows(items, unparseable={items[1]["id"], items[4]["id"]})
    result = score.score_system(list(reversed(rows)), items, n_boot=200, seed=7)
    hyps = [r["answer"] for r in rows]
    refs = [it["references"] for it in items]
    assert len(refs[0]) == 2
    assert result["corpus"] == metrics.corpus_scores(hyps, refs)
    assert result["unparseable"] == 2 and result["unparseable_ids"] == [items[1]["id"], items[4]["id"]]
    assert result["n"] == 6 and len(result["items"]) == 6
    first = metrics.sentence_scores(hyps[0], refs[0])
    assert result["items"][0]["BLEU-1"] == pytest.approx(first["BLEU-1"], abs=1e-12)
    for key, ci in result["ci95"].items():
        assert ci["low"] <= ci["value"] <= ci["high"], key
        assert ci["value"] == result["corpus"][key]
    assert result["ci95"] == score.score_system(rows, items, n_boot=200, seed=7)["ci95"]


@pytest.mark.parametrize("change", ["missing", "extra", "duplicate"])
def test_responses_must_match_the_test_set(test_set, change):
    items = load_test_items(test_set)
    rows = _rows(items)
    if change == "missing":
        rows = rows[1:]
    elif change == "extra":
        rows.append({"id": "demo-9999", "answer": "x", "parsed": True})
    else:
        rows.append(dict(rows[0]))
    with pytest.raises(InputError):
        score.score_system(rows, items, n_boot=10, seed=0)


def test_main_writes_metrics_json_with_provenance(test_set, tmp_path):
    items = load_test_items(test_set, 4)
    gens = tmp_path / "gens.jsonl"
    write_jsonl(gens, _rows(items, unparseable={items[0]["id"]}))
    out = tmp_path / "metrics" / "sys.json"
    params = {
        "generate.test_sets.t": {"path": str(test_set), "max_items": 4},
        "tables.bootstrap": {"resamples": 50, "seed": 1},
    }
    argv = ["--system", "sys", "--testset", "t", "--generations", str(gens), "--test", str(test_set)]
    score.main([*argv, "--output", str(out), "--params", json.dumps(params)])
    data = read_json(out)
    assert data["system"] == "sys" and data["testset"] == "t" and data["n"] == 4 and data["unparseable"] == 1
    assert data["bootstrap"]["resamples"] == 50
    assert set(data["corpus"]) >= {"BLEU-1", "Distinct-1", "ROUGE-L", "METEOR", "NAvg"}
    assert sidecar_path(out).exists()
