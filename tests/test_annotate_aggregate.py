"""Aggregation against figures computed by hand on a tiny example (2 annotators x 2 samples x 3 systems)."""

from __future__ import annotations

import csv
import json
import math

import pytest

from workflow_scripts.annotate import aggregate
from workflow_scripts.common.io import write_jsonl

SYSTEMS = ["X", "Y", "Z"]


def rec(annotator, sample, ranking, shown=SYSTEMS, saved="2025-01-01T00:00:00"):
    return {"annotator": annotator, "testset": "t", "sample_id": sample, "shown": list(shown),
            "ranking": list(ranking), "saved_at": saved}  # fmt: skip


def items(samples=("s1", "s2")):
    return {
        s: {"testset": "t", "sample_id": s, "responses": [{"system": x, "text": x} for x in SYSTEMS]} for s in samples
    }


# a/s1: X>Y>Z   b/s1: X>Z>Y   a/s2: Y>X>Z   b/s2: Z>Y>X
RECORDS = [
    rec("a", "s1", ["X", "Y", "Z"]),
    rec("b", "s1", ["X", "Z", "Y"]),
    rec("a", "s2", ["Y", "X", "Z"]),
    rec("b", "s2", ["Z", "Y", "X"]),
]


def test_win_rates_and_mean_rank_by_hand():
    # ranks X: 1,1,2,3  Y: 2,3,1,2  Z: 3,2,3,1
    rows, report = aggregate.aggregate("t", items(), RECORDS, n_boot=50, seed=1)
    got = {r["system"]: r for r in rows}
    assert got["X"]["win1"] == pytest.approx(50.0) and got["X"]["win2"] == pytest.approx(75.0)
    assert got["X"]["mean_rank"] == pytest.approx(1.75)
    assert got["Y"]["win1"] == pytest.approx(25.0) and got["Y"]["win2"] == pytest.approx(75.0)
    assert got["Y"]["mean_rank"] == pytest.approx(2.0)
    assert got["Z"]["win1"] == pytest.approx(25.0) and got["Z"]["win2"] == pytest.approx(50.0)
    assert got["Z"]["mean_rank"] == pytest.approx(2.25)
    assert {r["n_judgments"] for r in rows} == {4} and {r["n_annotators"] for r in rows} == {2}
    # mean ranks of k systems always sum to k(k+1)/2
    assert sum(r["mean_rank"] for r in rows) == pytest.approx(6.0)
    assert report["judgments"] == 4
    # per-sample mean ranks (what the judge's ranking is correlated with): s1 X=1 Y=2.5 Z=2.5; s2 X=2.5 Y=1.5 Z=2
    per_sample = report["mean_rank_per_sample"]
    assert per_sample == {"s1": {"X": 1.0, "Y": 2.5, "Z": 2.5}, "s2": {"X": 2.5, "Y": 1.5, "Z": 2.0}}


def test_kendall_w_by_hand():
    # s1: rank sums X=2 Y=5 Z=5, mean 4, S=4+1+1=6, W=12*6/(4*24)=0.75
    assert aggregate.kendall_w([["X", "Y", "Z"], ["X", "Z", "Y"]]) == pytest.approx(0.75)
    # s2: X=5 Y=3 Z=4, S=1+1+0=2, W=24/96=0.25
    assert aggregate.kendall_w([["Y", "X", "Z"], ["Z", "Y", "X"]]) == pytest.approx(0.25)
    # perfect agreement is 1; full reversal of two raters is 0
    assert aggregate.kendall_w([["X", "Y", "Z"]] * 3) == pytest.approx(1.0)
    assert aggregate.kendall_w([["X", "Y", "Z"], ["Z", "Y", "X"]]) == pytest.approx(0.0)
    assert math.isnan(aggregate.kendall_w([["X", "Y", "Z"]]))
    rows, report = aggregate.aggregate("t", items(), RECORDS, n_boot=10, seed=1)
    assert report["kendall_w_per_sample"] == pytest.approx({"s1": 0.75, "s2": 0.25})
    assert rows[0]["kendall_w"] == pytest.approx(0.5)


def test_position_bias_by_hand():
    # everything shown as X,Y,Z: first choices per position 2,1,1 of 4; expected 4/3 each
    # chi2 = ((2-4/3)^2 + 2*(1-4/3)^2) / (4/3) = 0.5
    bias = aggregate.position_bias(RECORDS)
    assert bias["first_choice_by_position"] == [2, 1, 1]
    assert bias["chi2"] == pytest.approx(0.5)
    assert bias["mean_rank_by_position"] == pytest.approx([1.75, 2.0, 2.25])
    assert not bias["biased_at_0.05"]
    # always picking whatever is shown first, over many judgments, is flagged
    shown = [SYSTEMS[i:] + SYSTEMS[:i] for i in range(3)]
    biased = [rec("a", f"s{n}", shown[n % 3], shown=shown[n % 3]) for n in range(30)]
    assert aggregate.position_bias(biased)["biased_at_0.05"]


def test_bootstrap_ci_brackets_estimate_and_is_seeded():
    rows1, _ = aggregate.aggregate("t", items(), RECORDS, n_boot=200, seed=3)
    rows2, _ = aggregate.aggregate("t", items(), RECORDS, n_boot=200, seed=3)
    assert rows1 == rows2
    for row in rows1:
        for key in ("win1", "win2", "mean_rank"):
            assert row[f"{key}_lo"] <= row[key] <= row[f"{key}_hi"]
    # resampling s1 twice gives X win1 100%, s2 twice gives 0%: the CI spans [0, 100]
    x = next(r for r in rows1 if r["system"] == "X")
    assert x["win1_lo"] == pytest.approx(0.0) and x["win1_hi"] == pytest.approx(100.0)
    # one sample only: every resample is that sample, so the CI collapses onto the estimate
    one, _ = aggregate.aggregate("t", items(("s1",)), RECORDS[:2], n_boot=50, seed=3)
    assert all(r["win1_lo"] == r["win1"] == r["win1_hi"] for r in one)


def test_latest_record_wins_and_foreign_records_ignored():
    later = rec("a", "s1", ["Z", "Y", "X"], saved="2025-01-02T00:00:00")
    wrong_systems = rec("c", "s1", ["X", "Y", "Q"], shown=["X", "Y", "Q"])
    other_sample = rec("c", "s9", ["X", "Y", "Z"])
    judged = aggregate.judgments(items(), [*RECORDS, later, wrong_systems, other_sample], "t")
    assert len(judged) == 4
    assert next(j for j in judged if j["annotator"] == "a" and j["sample_id"] == "s1")["ranking"] == ["Z", "Y", "X"]


def test_cli_writes_scores_contract_and_pending_when_unranked(tmp_path):
    item_rows = [dict(v, title="q", description="d") for v in items().values()]
    write_jsonl(tmp_path / "items.jsonl", item_rows)
    for who in ("a", "b"):
        write_jsonl(tmp_path / f"{who}.jsonl", [r for r in RECORDS if r["annotator"] == who])
    params = json.dumps({"human.seed": 1, "human.bootstrap": 100})
    out, agree, summ = tmp_path / "scores.csv", tmp_path / "agreement.json", tmp_path / "summary.json"
    aggregate.main(["--testset", "t", "--items", str(tmp_path / "items.jsonl"), "--rankings",
                    str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "--output", str(out),
                    "--agreement", str(agree), "--summary", str(summ), "--params", params])  # fmt: skip
    rows = list(csv.DictReader(out.open()))
    assert tuple(rows[0]) == aggregate.SCORE_COLUMNS
    assert {r["system"]: float(r["mean_rank"]) for r in rows} == {"X": 1.75, "Y": 2.0, "Z": 2.25}
    assert json.loads(agree.read_text())["kendall_w_mean"] == pytest.approx(0.5)
    assert (tmp_path / "scores.csv.prov.json").exists()
    # the tables step's contract (workflow_scripts.eval.tables.load_human)
    from workflow_scripts.eval.tables import load_human

    human = load_human(summ)
    assert human["X"]["Win@1"] == pytest.approx(50.0) and human["Z"]["MR"] == pytest.approx(2.25)
    assert human["Y"]["Win@2"] == pytest.approx(75.0) and human["X"]["Win@1 low"] <= 50.0
    # nobody ranked yet: one row per system, figures empty (pending)
    aggregate.main(["--testset", "t", "--items", str(tmp_path / "items.jsonl"), "--output", str(out),
                    "--agreement", str(agree), "--summary", str(summ), "--params", params])  # fmt: skip
    rows = list(csv.DictReader(out.open()))
    assert [r["system"] for r in rows] == SYSTEMS
    assert all(r["n_judgments"] == "0" and r["win1"] == "" and r["mean_rank"] == "" for r in rows)
    assert all(v["Win@1"] is None and v["MR"] is None for v in load_human(summ).values())  # tables: "pending"
