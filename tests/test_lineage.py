"""The lineage command walks provenance upstream and flags tampered or stale files."""

import copy
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _lineage_fixtures import CONFIG, SOURCES, TINY_CONFIG, build_demo, steps, write_tiny_workflow

from workflow_scripts import lineage
from workflow_scripts.common.provenance import load_record, prev_sidecar_path, recorded_step


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
    assert lineage.main([str(table), "--tree"]) == 0
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


@pytest.fixture
def demo(tmp_path, monkeypatch):
    """A demo-shaped set of sidecars (every rule upstream of Table 2), paths relative to the cwd as in results/."""
    monkeypatch.chdir(tmp_path)
    build_demo(tmp_path)
    return tmp_path


def test_compact_view_names_each_rule_and_artifact_once(demo, capsys):
    assert lineage.main(["results/table2.csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    lineage.main(["results/table2.csv", "--tree"])
    tree = capsys.readouterr().out.splitlines()
    with capsys.disabled():
        print(f"\ndemo-shaped results/table2.csv: compact lineage {len(lines)} lines, full tree {len(tree)} lines")
    assert len(lines) <= 150 < len(tree)
    headers = [line.split(" · ")[0].removeprefix("rule ") for line in lines if line.startswith("rule ")]
    rules = {rule for rule, *_ in steps(CONFIG)}
    assert sorted(headers) == sorted(rules)  # every upstream rule, each once
    entries = [re.match(r"  \[(\d+)\] (\S+)", line) for line in lines]
    entries = [m for m in entries if m]
    paths = [m.group(2) for m in entries]
    assert len(paths) == len(set(paths))  # each artifact once
    assert set(SOURCES) - {"resources/lexicons/coe_emotions.yaml"} < set(paths)
    assert [int(m.group(1)) for m in entries] == list(range(1, len(entries) + 1))
    # DAG order: the table first, the rule that made the demo site last among rules
    assert headers[0] == "tables" and headers[-1] == "demo_site"
    assert headers.index("generate") < headers.index("grpo") < headers.index("sft") < headers.index("split")
    # Inputs are references to numbered entries: table2's 14 score files are [2-15]
    table = next(line for line in lines if " results/table2.csv " in line)
    assert "← [2-15]" in table
    # Key facts on the artifact's line: reviewer decisions, teacher calls, seed
    gate = next(line for line in lines if "distill/approved.jsonl" in line)
    assert "decisions.approved=30" in gate and "decisions.pending=25" in gate
    assert "api_calls_cached=60" in next(line for line in lines if "distill/candidates.jsonl" in line)
    split_facts = lines[lines.index(next(line for line in lines if "splits/val.parquet" in line)) + 1]
    assert "seed=42" in split_facts and "sizes.train=252" in split_facts  # one facts line for the job's 3 outputs


def test_compact_filters_by_depth_and_rule(demo, capsys):
    lineage.main(["results/table2.csv", "--depth", "1"])
    out = capsys.readouterr().out
    assert "rule score" in out and "rule generate" not in out
    assert "results/generations/psyqa/base_t.jsonl" in out  # a hidden input is named by its path
    lineage.main(["results/table2.csv", "--rule", "grpo"])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" · ")[0] for line in lines if line.startswith("rule ")] == ["rule grpo"]
    assert sum(bool(re.match(r"  \[\d+\] ", line)) for line in lines) == 3


def test_compact_verify_flags_a_stale_input_once_per_consumer(demo, capsys):
    Path("results/splits/test.parquet").write_text("edited\n", encoding="utf-8")
    assert lineage.main(["results/table2.csv", "--verify"]) == 1
    out = capsys.readouterr().out
    assert out.count("tampered: content differs") == 1
    assert "stale: changed since results/metrics/empathy_qa/base_nt.json was built from it" in out


def test_a_rerun_keeps_the_previous_record(tmp_path):
    out = tmp_path / "out.txt"
    for value in (1, 2):
        with recorded_step("step", [], [out], params={"k": value}):
            out.write_text(f"{value}\n", encoding="utf-8")
    assert load_record(out)["params"] == {"k": 2}
    assert load_record(out, previous=True)["params"] == {"k": 1}
    assert prev_sidecar_path(out).name == "out.txt.prov.prev.json"


def _diff(capsys, *args):
    code = lineage.main(["diff", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_diff_after_one_changed_key_names_exactly_that_key_and_its_cone(demo, capsys):
    config = copy.deepcopy(CONFIG)
    config["clean"]["min_answer_chars"] = 120
    rewritten = set(build_demo(demo, config))
    code, diff = _diff(capsys, "results/table2.csv")
    assert code == 1
    causes = [(c["kind"], c["key"], c["old"], c["new"], c["rule"]) for c in diff["causes"]]
    assert causes == [("params", "clean.min_answer_chars", 100, 120, "clean")]
    upstream = set(lineage.build_graph("results/table2.csv"))
    changed = {entry["artifact"] for entry in diff["changed"]}
    assert changed == rewritten & upstream  # the cone: every rewritten artifact Table 2 rests on, nothing else
    assert "results/psyqa/test.parquet" not in changed and "results/crawl" not in " ".join(changed)
    by_path = {entry["artifact"]: entry for entry in diff["changed"]}
    assert by_path["results/labeled/posts.parquet"]["changed_inputs"] == ["results/clean/posts.parquet"]
    # The text form says the same: the key, then each artifact with what explains it
    lineage.main(["diff", "results/table2.csv"])
    text = capsys.readouterr().out
    assert "params clean.min_answer_chars: 100 -> 120  (rule clean, results/clean/posts.parquet)" in text
    assert "results/labeled/posts.parquet [rule label] <- input results/clean/posts.parquet" in text


def test_diff_names_a_changed_source_file_and_nothing_for_an_untouched_artifact(demo, capsys):
    Path("resources/paper_tables.csv").write_text("edited\n", encoding="utf-8")
    build_demo(demo)
    _, diff = _diff(capsys, "results/table2.csv")
    assert [(c["kind"], c["key"]) for c in diff["causes"]] == [("source", "resources/paper_tables.csv")]
    assert lineage.main(["diff", "results/clean/posts.parquet"]) == 2  # never rerun: no previous record
    assert "results/clean/posts.parquet has no previous record" in capsys.readouterr().err


def test_diff_of_two_artifacts_pairs_their_inputs_by_role(demo, capsys):
    _, diff = _diff(capsys, "results/metrics/psyqa/base_nt.json", "results/metrics/psyqa/base_t.json")
    keys = {c["key"] for c in diff["causes"]}
    assert keys == {"generate.systems.base_nt.temperature", "generate.systems.base_t.temperature"}
    assert diff["changed"][0]["changed_inputs"] == [
        "results/generations/psyqa/base_nt.jsonl vs results/generations/psyqa/base_t.jsonl"
    ]


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A three-rule workflow (a -> b -> c) run once with Snakemake; the cwd is its root."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    write_tiny_workflow(tmp_path)
    _snakemake()
    return tmp_path


def _snakemake():
    proc = subprocess.run([sys.executable, "-m", "snakemake", "-c1"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_why_names_the_changed_key_before_the_rerun_then_diff_after_it(tiny, capsys):
    """One Snakemake workflow, five Snakemake calls (about 3 s each): why, rerun, diff, why, why."""
    write_tiny_workflow(tiny, {**TINY_CONFIG, "a": {"size": 2, "name": "x"}})
    assert lineage.main(["why", "results/c.txt", "--json"]) == 1
    plan = json.loads(capsys.readouterr().out)
    assert plan["planned_jobs"] == 3
    assert [(c["rule"], c["kind"], c["key"], c["old"], c["new"]) for c in plan["causes"]] == [
        ("a", "params", "a.size", 1, 2)
    ]
    assert plan["causes"][0]["outputs"] == ["results/a.txt"] and plan["downstream"] == {"b": 1, "c": 1}
    _snakemake()
    _, diff = _diff(capsys, "results/c.txt")
    assert [(c["kind"], c["key"], c["old"], c["new"]) for c in diff["causes"]] == [("params", "a.size", 1, 2)]
    assert [e["artifact"] for e in diff["changed"]] == ["results/c.txt", "results/b.txt", "results/a.txt"]
    assert lineage.main(["why", "results/c.txt"]) == 0
    assert "up to date" in capsys.readouterr().out
    # A newer source file and a missing output: Snakemake's own words, per rule
    time.sleep(0.01)
    Path("resources/src.txt").write_text("edited source\n", encoding="utf-8")
    Path("results/b.txt").unlink()
    lineage.main(["why", "results/c.txt"])
    out = capsys.readouterr().out
    assert "rule a (results/a.txt): Updated input files: resources/src.txt" in out
    assert "rule b (results/b.txt): Missing output files" in out
    assert "then rebuilt because an input is rebuilt: c (1)" in out


def test_prov_json_export_holds_the_same_dag(demo):
    from prov.model import ProvDocument

    assert lineage.main(["results/table2.csv", "--prov", "out/table2.prov.json"]) == 0
    doc = ProvDocument.deserialize(Path("out/table2.prov.json"), format="json")
    graph = lineage.build_graph("results/table2.csv")
    records = doc.get_records()
    entities = {str(r.identifier).removeprefix("artifact:") for r in records if r.get_type().localpart == "Entity"}
    assert entities == set(graph)
    used = [r for r in records if r.get_type().localpart == "Usage"]
    assert len(used) == sum(len(n.inputs) for n in {n.job: n for n in graph.values() if n.record}.values())
    tables = next(r for r in records if str(r.identifier) == "job:tables/results/table2.csv")
    assert dict(tables.attributes)[doc.valid_qualified_name("wf:rule")] == "tables"


def test_lineage_graph_draws_each_upstream_rule_once_with_its_facts(demo):
    import xml.etree.ElementTree as ET

    from workflow_scripts import lineage_graph

    assert lineage_graph.main(["--table", "results/table2.csv", "--output", "results/lineage/table2.svg"]) is None
    svg = ET.parse("results/lineage/table2.svg").getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    groups = svg.findall("s:g", ns)
    names = [g.get("id").removeprefix("rule-") for g in groups]
    assert sorted(names) == sorted({rule for rule, *_ in steps(CONFIG)})
    texts = {g.get("id"): [t.text for t in g.findall("s:text", ns)] for g in groups}
    assert texts["rule-score"][1].startswith("14 jobs · code ")
    assert any("decisions.approved=30" in line for line in texts["rule-review_gate"])
    assert texts["rule-clean"][1].endswith(" · 4 source files")
    assert all(len(line) <= lineage_graph.CHARS for lines in texts.values() for line in lines[2:])
    edges = svg.findall("s:path", ns)
    _, expected = lineage_graph.rule_nodes(lineage.build_graph("results/table2.csv"))
    assert len(edges) == len(expected) and ("split", "generate") in expected and ("score", "tables") in expected
    boxes = [(float(r.get("x")), float(r.get("y"))) for r in svg.findall("s:g/s:rect", ns)]
    assert len(set(boxes)) == len(boxes)  # no two rules drawn on top of each other
    by_name = dict(zip(names, boxes, strict=True))
    assert by_name["demo_site"][1] < by_name["split"][1] < by_name["generate"][1] < by_name["tables"][1]
    assert load_record("results/lineage/table2.svg")["facts"] == {"rules": 17}
