"""The lineage command walks provenance upstream and flags tampered or stale files."""

import json
from pathlib import Path

from workflow_scripts import lineage
from workflow_scripts.common.provenance import recorded_step


def _chain(tmp_path):
    tmp_path.mkdir(exist_ok=True)
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
    _, clean, table = _chain(tmp_path)
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


def test_rocrate_export_links_steps(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # artifacts are named relative to the workflow root, as in results/
    raw, clean, table = _chain(Path("."))
    assert lineage.main([str(table), "--rocrate", str(tmp_path / "crate")]) == 0
    graph = json.loads((tmp_path / "crate" / "ro-crate-metadata.json").read_text(encoding="utf-8"))["@graph"]
    by_id = {entity["@id"]: entity for entity in graph}
    assert by_id[str(raw)]["sha256"] == json.loads((tmp_path / "raw.jsonl.prov.json").read_text())["sha256"]
    absolute = _chain(tmp_path / "abs")[2]
    assert lineage.main([str(absolute), "--rocrate", str(tmp_path / "crate2")]) == 0
    actions = [e for e in graph if e["@type"] == "CreateAction"]
    assert {a["instrument"]["@id"] for a in actions} == {"#rule-crawl", "#rule-clean", "#rule-stats"}
    clean_action = next(a for a in actions if a["instrument"]["@id"] == "#rule-clean")
    assert clean_action["object"] == [{"@id": str(raw)}]
    assert clean_action["result"] == [{"@id": str(clean)}]
