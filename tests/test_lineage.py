"""The lineage command walks provenance upstream and flags tampered or stale files."""

import json

from workflow_scripts import lineage
from workflow_scripts.common.provenance import recorded_step


def _chain(tmp_path):
    raw, clean, table = tmp_path / "raw.jsonl", tmp_path / "clean.parquet", tmp_path / "table.csv"
    with recorded_step("crawl", [], [raw], params={"source": "demo"}):
        raw.write_text("raw\n", encoding="utf-8")
    with recorded_step("clean", [raw], [clean], params={"min_answer_chars": 100}):
        clean.write_text("clean\n", encoding="utf-8")
    with recorded_step("stats", [clean], [table], seed=42):
        table.write_text("table\n", encoding="utf-8")
    return raw, clean, table


def test_tree_reaches_the_crawl(tmp_path, capsys):
    raw, clean, table = _chain(tmp_path)
    assert lineage.main([str(table)]) == 0
    out = capsys.readouterr().out
    assert out.index(str(table)) < out.index(str(clean)) < out.index(str(raw))
    assert "rule=crawl" in out and "min_answer_chars" in out and "seed=42" in out


def test_json_output_nests_inputs(tmp_path, capsys):
    raw, clean, table = _chain(tmp_path)
    lineage.main([str(table), "--json"])
    tree = json.loads(capsys.readouterr().out)
    assert tree["inputs"][0]["path"] == str(clean)
    assert tree["inputs"][0]["inputs"][0]["record"]["rule"] == "crawl"


def test_verify_passes_on_untouched_chain(tmp_path):
    _, _, table = _chain(tmp_path)
    assert lineage.main([str(table), "--verify"]) == 0


def test_verify_flags_an_edited_intermediate(tmp_path, capsys):
    _, clean, table = _chain(tmp_path)
    clean.write_text("edited by hand\n", encoding="utf-8")
    assert lineage.main([str(table), "--verify"]) == 1
    out = capsys.readouterr().out
    assert "tampered" in out and "stale" in out


def test_missing_artifact_is_an_error(tmp_path):
    assert lineage.main([str(tmp_path / "nope.csv")]) == 2
