"""Table 5 from hand-made judge and human files, against figures computed by hand."""

import csv
import json
import math

import pytest
from _distill_fixtures import ROOT

from workflow_scripts.common.io import write_json, write_jsonl
from workflow_scripts.common.provenance import sidecar_path
from workflow_scripts.eval import table5
from workflow_scripts.eval.judge import load_rubric
from workflow_scripts.eval.table5 import judge_win1, kendall_tau

RUBRIC = ROOT / "resources/prompts/judge_rubric.yaml"
KEYS = ["comprehensiveness", "professionalism", "authenticity", "safety", "empathy"]


def test_kendall_tau_by_hand():
    # judge X>Y>Z; people X, Z, Y: pairs XY and XZ concordant, YZ discordant -> (2 - 1) / 3
    assert kendall_tau({"X": 10, "Y": 8, "Z": 5}, {"X": 1, "Y": 3, "Z": 2}) == pytest.approx(1 / 3)
    assert kendall_tau({"X": 6, "Y": 8, "Z": 7}, {"X": 3, "Y": 1, "Z": 2}) == pytest.approx(1.0)
    assert kendall_tau({"X": 1, "Y": 2, "Z": 3}, {"X": 1, "Y": 2, "Z": 3}) == pytest.approx(-1.0)
    # a judge tie (X = Y): tau-b = (nc - nd) / sqrt((n0 - n1)(n0 - n2)) = 2 / sqrt(2 * 3)
    assert kendall_tau({"X": 10, "Y": 10, "Z": 5}, {"X": 1, "Y": 2, "Z": 3}) == pytest.approx(2 / math.sqrt(6))
    assert math.isnan(kendall_tau({"X": 4, "Y": 4}, {"X": 1, "Y": 2}))


def test_judge_win1_shares_ties():
    assert judge_win1({"X": 10, "Y": 8}) == {"X": 1.0, "Y": 0.0}
    assert judge_win1({"X": 9, "Y": 9, "Z": 2}) == {"X": 0.5, "Y": 0.5, "Z": 0.0}


def row(system, sid, scores, flagged=False, helps=False, pairwise=None):
    point = (
        {"status": "failed", "error": "format: not a JSON object", "attempts": 2}
        if scores is None
        else {"status": "ok", "scores": dict(zip(KEYS, scores, strict=True)), "total": sum(scores), "attempts": 1}
    )
    return {
        "testset": "t", "system": system, "id": sid, "judge": "test-judge @ loopback", "pointwise": point,
        "pairwise": pairwise, "crisis": {"flagged": flagged, "terms": [], "points_to_help": helps},
    }  # fmt: skip


def pair(first, second, outcome):
    return {
        "reference": "Z",
        "system_first": {"status": "ok", "winner": first},
        "reference_first": {"status": "ok", "winner": second},
        "outcome": outcome,
    }


@pytest.fixture
def fixture_files(tmp_path):
    x = [
        row("X", "s1", [2, 3, 3, 1, 1], flagged=True, helps=True, pairwise=pair("A", "B", "win")),
        row("X", "s2", [1, 2, 1, 1, 1], flagged=True, helps=False, pairwise=pair("A", "A", "inconsistent")),
        row("X", "s3", None, pairwise={"reference": "Z", "system_first": {"status": "failed"},
                                       "reference_first": {"status": "failed"}, "outcome": "failed"}),
    ]  # fmt: skip
    y = [row("Y", "s1", [2, 2, 2, 1, 1]), row("Y", "s2", [2, 2, 2, 1, 1])]
    z = [row("Z", "s1", [1, 1, 1, 1, 1]), row("Z", "s2", [1, 2, 2, 1, 1])]
    paths = []
    for name, rows in (("X", x), ("Y", y), ("Z", z)):
        paths.append(tmp_path / f"judge/{name}.jsonl")
        write_jsonl(paths[-1], rows)
    human = tmp_path / "human"
    write_jsonl(human / "samples.jsonl", [{"sample_id": "s1"}, {"sample_id": "s2"}])
    write_json(
        human / "agreement.json",
        {
            "systems": ["W", "X", "Y", "Z"],  # W: ranked by people, not judged
            "mean_rank_per_sample": {"s1": {"W": 4, "X": 1, "Y": 3, "Z": 2}, "s2": {"W": 4, "X": 3, "Y": 1, "Z": 2}},
        },
    )
    write_json(
        human / "summary.json",
        {"n_judgments": 4, "systems": {s: {"Win@1": w, "Win@1 low": 0.0, "Win@1 high": 100.0} for s, w in
                                       (("X", 50.0), ("Y", 25.0), ("Z", 25.0))}},
    )  # fmt: skip
    return paths, human


def run(tmp_path, paths, human_args):
    outs = [tmp_path / f"table5.{ext}" for ext in ("csv", "md", "png")]
    params = json.dumps({"judge.bootstrap": {"resamples": 200, "seed": 1}})
    table5.main(["--judged", *map(str, paths), "--rubric", str(RUBRIC), "--human", *human_args,
                 "--outputs", *map(str, outs), "--params", params, "--rule", "table5"])  # fmt: skip
    rows = {r["system"]: r for r in csv.DictReader(outs[0].open(encoding="utf-8"))}
    return rows, outs[1].read_text(encoding="utf-8"), outs


def test_table5_from_fixture_files(tmp_path, fixture_files):
    paths, human = fixture_files
    rows, md, outs = run(tmp_path, paths, [f"t={human}"])
    x, y, z = rows["X"], rows["Y"], rows["Z"]
    assert (x["n"], x["failed"]) == ("3", "1")  # the failed reply is counted, not averaged in
    assert float(x["comprehensiveness"]) == pytest.approx(1.5) and float(x["total"]) == pytest.approx(8.0)
    assert float(x["total low"]) <= 8.0 <= float(x["total high"])
    assert float(y["total"]) == pytest.approx(8.0) and float(y["total low"]) == float(y["total high"]) == 8.0
    # pairwise: s1 agrees (win), s2 disagrees (inconsistent), s3 failed; 3 of 4 decisive verdicts chose "A"
    assert x["pairwise n"] == "2" and float(x["win %"]) == 50.0 and float(x["inconsistent %"]) == 50.0
    assert float(x["loss %"]) == 0.0 and float(x["first position %"]) == pytest.approx(75.0)
    assert y["reference"] == "" and y["pairwise n"] == "0"
    # crisis: two flagged posts, one answer refers to help
    assert x["crisis flagged"] == "2" and float(x["referral %"]) == 50.0 and float(x["safety on flagged"]) == 1.0
    assert z["crisis flagged"] == "0" and z["referral %"] == ""
    # agreement: judge first on s1 (X) and s2 (Y); tau 1/3 on s1, 1 on s2
    assert [float(r["judge Win@1"]) for r in (x, y, z)] == [50.0, 50.0, 0.0]
    assert (float(x["judge Win@1 low"]), float(x["judge Win@1 high"])) == (0.0, 100.0)  # 2 samples: 0, 50 or 100
    assert [float(r["human Win@1"]) for r in (x, y, z)] == [50.0, 25.0, 25.0]
    assert float(x["tau"]) == pytest.approx(2 / 3) and x["tau n"] == "2"
    assert float(x["tau low"]) == pytest.approx(1 / 3) and float(x["tau high"]) == pytest.approx(1.0)
    assert "mean over 2 samples 0.667 [0.333, 1.000]" in md and "| t | X | 3 | 1 |" in md
    # 3 of 4 decisive verdicts for the first-shown answer: two-sided binomial p = 2 * (4 + 1) / 16
    assert "3 of 4 decisive pairwise verdicts (75.0%) chose the answer shown first" in md and "p = 0.625" in md
    assert "t: ranked by people but not judged: W;" in md
    assert outs[2].stat().st_size > 0 and sidecar_path(outs[0]).exists()


def test_table5_says_pending_without_human_rankings(tmp_path, fixture_files):
    paths, _ = fixture_files
    rows, md, _ = run(tmp_path, paths, [])
    assert rows["X"]["tau n"] == "0" and rows["X"]["human Win@1"] == "" and rows["X"]["judge Win@1"] == ""
    assert "t: agreement with human rankings pending" in md and "not judged" not in md
    assert md.count("| pending |") == 3


def test_rubric_dimensions_are_the_table_columns():
    assert load_rubric(RUBRIC).keys == KEYS
    assert table5.csv_columns(load_rubric(RUBRIC))[5:8] == [
        "comprehensiveness",
        "comprehensiveness low",
        "comprehensiveness high",
    ]
