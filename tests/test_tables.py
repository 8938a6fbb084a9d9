"""Tables 2-4: our numbers only from metrics files, the paper's only from resources/paper_tables.csv."""

import csv
import json

import pytest

from workflow_scripts.common.io import InputError, write_json
from workflow_scripts.eval import tables

PAPER = "resources/paper_tables.csv"
SPECS = {
    "tables.table2": {
        "test_sets": {"empathy_qa": "Empathy-QA", "psyqa": "PsyQA"},
        "rows": [
            {"system": "empathy_r1", "label": "Empathy-R1 (demo)", "paper": "Empathy-R1"},
            {"system": "base_nt", "label": "Base NT", "paper": "Qwen3-8B NT"},
            {"system": "retrieval", "label": "Retrieval", "paper": None},
        ],
    },
    "tables.table3": {
        "test_sets": {"empathy_qa": "Empathy-QA"},
        "rows": [
            {"system": "base_nt", "label": "Base model", "paper": "Base Model"},
            {"system": "grpo_only", "label": "+ GRPO only", "paper": "+ GRPO only"},
        ],
    },
    "tables.table4": {
        "test_sets": {"empathy_qa": "Empathy-QA"},
        "rows": [
            {"system": "empathy_r1", "label": "w CoE", "paper": "w CoE"},
            {"system": "wo_coe", "label": "w/o CoE", "paper": "w/o CoE"},
        ],
    },
}


def _metrics(path, testset, system, value):
    corpus = {k: value for k in ("BLEU-1", "Distinct-1", "Distinct-1 (pooled)", "ROUGE-L", "METEOR", "NAvg")}
    ci = {k: {"value": v, "low": v - 0.01, "high": v + 0.01} for k, v in corpus.items()}
    write_json(path, {"testset": testset, "system": system, "n": 32, "corpus": corpus, "ci95": ci, "unparseable": 3})
    return str(path)


def _build(tmp_path, human=None):
    files = [
        _metrics(tmp_path / "m1.json", "empathy_qa", "base_nt", 0.1234567),
        _metrics(tmp_path / "m2.json", "psyqa", "base_nt", 0.2),
        _metrics(tmp_path / "m3.json", "empathy_qa", "retrieval", 0.3),
    ]
    human_args = []
    if human is not None:
        write_json(tmp_path / "human_eqa.json", human)
        human_args = ["--human", f"empathy_qa={tmp_path / 'human_eqa.json'}", f"psyqa={tmp_path / 'absent.json'}"]
    outs = [str(tmp_path / f"{t}.{e}") for t in tables.TABLES for e in ("csv", "md", "png")]
    tables.main(
        ["--metrics", *files, "--paper", PAPER, *human_args, "--outputs", *outs, "--params", json.dumps(SPECS)]
    )
    return {t: list(csv.DictReader(open(tmp_path / f"{t}.csv", encoding="utf-8"))) for t in tables.TABLES}


def test_paper_tables_are_transcribed_consistently():
    paper = tables.load_paper_tables(PAPER)
    assert len([k for k in paper if k[0] == "table2"]) == 12
    assert paper[("table2", "Empathy-QA", "Empathy-R1")]["Win@1"] == "44.30"
    assert paper[("table2", "PsyQA", "Deepseek-R1")]["MR"] == "2.837"
    assert paper[("table3", "Empathy-QA", "+ GRPO only")]["NAvg"] == "0.255"
    assert paper[("table4", "Empathy-QA", "w/o CoE")]["R-L"] == "0.054"
    # Table 3's base row is Table 2's Qwen3-8B NT row on Empathy-QA.
    base, nt = paper[("table3", "Empathy-QA", "Base Model")], paper[("table2", "Empathy-QA", "Qwen3-8B NT")]
    assert all(base[c] == nt[c] for c in tables.METRICS)
    for key, row in paper.items():  # every printed NAvg is the mean of the four metrics, to rounding
        mean = sum(float(row[c]) for c in ("B-1", "D-1", "R-L", "MET.")) / 4
        assert abs(mean - float(row["NAvg"])) <= 0.0011, key


def test_tables_put_paper_numbers_beside_ours_and_mark_missing_rows(tmp_path):
    out = _build(tmp_path)
    t2 = {(r["test_set"], r["system"]): r for r in out["table2"]}
    base = t2[("Empathy-QA", "base_nt")]
    assert base["status"] == "ok" and float(base["B-1"]) == 0.1234567 and base["unparseable"] == "3"
    assert base["paper method"] == "Qwen3-8B NT" and base["paper B-1"] == "0.253" and base["paper MR"] == "3.114"
    assert base["Win@1"] == "pending" and base["Win@2"] == "pending" and base["MR"] == "pending"
    missing = t2[("Empathy-QA", "empathy_r1")]
    assert missing["status"] == "not run"
    assert all(missing[c] == "" for c in (*tables.METRICS, "n", "unparseable", "B-1 low"))  # nothing invented
    assert missing["paper B-1"] == "0.314" and missing["paper Win@1"] == "44.30"
    retrieval_psyqa = t2[("PsyQA", "retrieval")]
    assert retrieval_psyqa["status"] == "not run" and retrieval_psyqa["paper method"] == ""
    assert [r["status"] for r in out["table3"]] == ["ok", "not run"]
    assert out["table3"][1]["paper NAvg"] == "0.255" and "Win@1" not in out["table3"][0]
    assert [r["status"] for r in out["table4"]] == ["not run", "not run"]
    md = (tmp_path / "table2.md").read_text(encoding="utf-8")
    assert "| Empathy-QA | Base NT | 0.123 [0.113, 0.133] | 0.253 |" in md
    assert "not run" in md and "pending" in md
    for t in tables.TABLES:
        assert (tmp_path / f"{t}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_human_results_fill_their_columns_when_they_exist(tmp_path):
    out = _build(tmp_path, human={"systems": {"base_nt": {"Win@1": 12.5, "Win@2": 40.0, "MR": 2.75}}})
    t2 = {(r["test_set"], r["system"]): r for r in out["table2"]}
    assert t2[("Empathy-QA", "base_nt")]["Win@1"] == "12.5" and t2[("Empathy-QA", "base_nt")]["MR"] == "2.75"
    assert t2[("Empathy-QA", "retrieval")]["Win@1"] == "pending"
    assert t2[("PsyQA", "base_nt")]["Win@1"] == "pending"


def test_unknown_paper_method_is_an_error(tmp_path):
    bad = {**SPECS["tables.table4"], "rows": [{"system": "x", "label": "x", "paper": "Made-up model"}]}
    with pytest.raises(InputError, match="Made-up model"):
        tables.build_rows("table4", bad, {}, tables.load_paper_tables(PAPER), {})


def test_rows_with_identical_figures_are_named_in_the_caption(tmp_path):
    files = [
        _metrics(tmp_path / "m1.json", "empathy_qa", "base_nt", 0.3),
        _metrics(tmp_path / "m2.json", "empathy_qa", "retrieval", 0.3),
        _metrics(tmp_path / "m3.json", "psyqa", "retrieval", 0.3),
    ]
    records = tables.build_rows(
        "table2", SPECS["tables.table2"], tables.load_metrics(files), tables.load_paper_tables(PAPER), {}
    )
    assert tables.identical_rows(records) == [("Empathy-QA", ["Base NT", "Retrieval"])]
    assert "Base NT and Retrieval have identical figures on Empathy-QA" in tables.markdown("table2", records)
