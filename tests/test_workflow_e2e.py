"""The whole demo DAG in a copy of the workflow: no-op rerun, partial reruns, lineage.

One module-scoped run of `snakemake` on the embedded demo config; then, for several
config keys, a changed copy of the config must plan exactly the rules that read the key
and everything downstream of them, and nothing upstream.
"""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COPIED = ["Snakefile", "rules", "workflow_scripts", "config", "resources", "envs", "profiles", "report"]

# The first test to use the `demo` fixture runs the whole demo DAG in its setup (14-19 min on 2 cores, varying
# with the machine), over the suite-wide 900 s limit that suits every other test.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(2400)]

# (dotted config key, new value, rules whose params carry the key)
CHANGES = [
    ("clean.min_answer_chars", 120, {"clean", "psyqa"}),
    ("split.near_duplicate.threshold", 0.65, {"split"}),
    ("review.target_approved", 40, {"review_gate"}),
    ("sft.learning_rate", 1.0e-3, {"sft"}),
    ("reward.training.margin", 0.25, {"reward_model"}),
    ("grpo.train.learning_rate", 1.0e-5, {"grpo"}),
    ("tables.bootstrap.resamples", 200, {"score"}),
]


def copy_workflow(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def snakemake(work: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args], cwd=work, env=env, capture_output=True, text=True
    )
    if check:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return proc


def planned_rules(work: Path, *args: str) -> set[str]:
    """Rules `snakemake -n` would run (from its job-stats table), `all` excluded."""
    out = snakemake(work, "-n", *args).stdout
    if "Nothing to be done" in out:
        return set()
    table = out.split("Job stats:", 1)[1]
    rules = set(re.findall(r"^(\w+)\s+\d+\s*$", table, flags=re.MULTILINE))
    return rules - {"all", "total"}


def downstream(work: Path, rules: set[str]) -> set[str]:
    """The rules plus all their descendants in the rule graph."""
    dot = snakemake(work, "--rulegraph").stdout
    names = dict(re.findall(r"^\s*(\d+)\[label = \"(\w+)\"", dot, flags=re.MULTILINE))
    children: dict[str, set[str]] = {}
    for src, dst in re.findall(r"^\s*(\d+) -> (\d+)", dot, flags=re.MULTILINE):
        children.setdefault(names[src], set()).add(names[dst])
    seen, todo = set(), list(rules)
    while todo:
        rule = todo.pop()
        if rule not in seen:
            seen.add(rule)
            todo.extend(children.get(rule, ()))
    return seen - {"all"}


def set_key(config: dict, dotted: str, value) -> None:
    *parents, leaf = dotted.split(".")
    node = config
    for part in parents:
        node = node[part]
    assert leaf in node, f"{dotted} is not a config key"
    node[leaf] = value


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    work = copy_workflow(tmp_path_factory.mktemp("demo") / "wf")
    started = time.perf_counter()
    snakemake(work)
    print(f"\ndemo DAG end to end: {time.perf_counter() - started:.0f} s on {os.cpu_count()} cores")
    return work


def test_rerun_is_a_no_op(demo):
    started = time.perf_counter()
    assert planned_rules(demo) == set()
    print(f"\nno-op dry rerun: {time.perf_counter() - started:.1f} s")


@pytest.mark.parametrize(("key", "value", "readers"), CHANGES, ids=[c[0] for c in CHANGES])
def test_changing_a_key_plans_only_its_readers_and_downstream(demo, tmp_path, key, value, readers):
    config = yaml.safe_load((demo / "config" / "config.yaml").read_text(encoding="utf-8"))
    set_key(config, key, value)
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    planned = planned_rules(demo, "--configfile", str(changed))
    # The readers rerun and the change reaches the tables; nothing outside their downstream cone does
    # (a rule in the cone may stay, when none of its jobs depends on the changed step).
    assert readers | {"tables"} <= planned <= downstream(demo, readers)
    assert not planned & {"demo_site", "crawl"}


def test_lineage_of_a_final_table_reaches_the_crawl(demo):
    env = {**os.environ, "PYTHONPATH": str(demo)}
    proc = subprocess.run(
        [sys.executable, "-m", "workflow_scripts.lineage", "results/table1.csv", "--verify"],
        cwd=demo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for rule in ("table1", "split", "label", "clean", "crawl", "demo_site"):
        assert f"\nrule {rule} · " in proc.stdout


def test_compact_lineage_of_table2_names_every_upstream_rule_once(demo):
    """Issue 20: at most 150 lines, each rule upstream of Table 2 (Snakemake's rule graph) named once."""
    proc = subprocess.run(
        [sys.executable, "-m", "workflow_scripts.lineage", "results/table2.csv"],
        cwd=demo,
        env={**os.environ, "PYTHONPATH": str(demo)},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    print(f"\ncompact lineage of results/table2.csv: {len(lines)} lines")
    upstream = set(re.findall(r'label = "(\w+)"', snakemake(demo, "results/table2.csv", "--rulegraph").stdout))
    headers = [line.split(" · ")[0].removeprefix("rule ") for line in lines if line.startswith("rule ")]
    assert len(lines) <= 150
    assert sorted(headers) == sorted(upstream - {"all"})


def test_lineage_verify_flags_an_edited_intermediate(demo, tmp_path):
    work = tmp_path / "wf"
    shutil.copytree(demo, work, symlinks=True)
    labeled = work / "results" / "labeled" / "posts.parquet"
    labeled.write_bytes(labeled.read_bytes() + b"\0")
    proc = subprocess.run(
        [sys.executable, "-m", "workflow_scripts.lineage", "results/table1.csv", "--verify"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "results/labeled/posts.parquet" in proc.stdout and "tampered" in proc.stdout


def test_lineage_why_names_a_changed_key_and_diff_reports_it_with_its_cone(demo, tmp_path):
    """Issue 20: before the rerun `lineage why` names the key; after it `lineage diff` reports exactly that key and
    the artifacts in its cone (every score file Table 2 reads, and the table). Reruns score + tables in a copy."""
    work = tmp_path / "wf"
    shutil.copytree(demo, work, symlinks=True)
    config = yaml.safe_load((work / "config" / "config.yaml").read_text(encoding="utf-8"))
    set_key(config, "tables.bootstrap.resamples", 200)
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(work), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}

    def lineage(*args):
        cmd = [sys.executable, "-m", "workflow_scripts.lineage", *args]
        return subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)

    why = lineage("why", "results/table2.csv", "--json", "--", "--configfile", str(changed))
    assert why.returncode == 1, why.stdout[-2000:] + why.stderr[-3000:]
    plan = json.loads(why.stdout)
    assert {(c["rule"], c["kind"], c["key"]) for c in plan["causes"]} == {
        ("score", "params", "tables.bootstrap.resamples")
    }
    snakemake(work, "results/table2.csv", "--configfile", str(changed))
    diff = lineage("diff", "results/table2.csv", "--json")
    assert diff.returncode == 1, diff.stderr[-3000:]
    report = json.loads(diff.stdout)
    causes = {(c["kind"], c["key"], c["old"], c["new"]) for c in report["causes"]}
    assert causes == {("params", "tables.bootstrap.resamples", 1000, 200)}
    table = json.loads((work / "results/table2.csv.prov.json").read_text(encoding="utf-8"))
    metrics = {i["path"] for i in table["inputs"] if i["path"].startswith("results/metrics/")}
    assert {e["artifact"] for e in report["changed"]} == metrics | {"results/table2.csv"}


def test_html_report_holds_the_tables(demo, tmp_path):
    report = tmp_path / "report.html"
    snakemake(demo, "--report", str(report))
    html = report.read_text(encoding="utf-8", errors="replace")
    for name in ("table1.csv", "table2.csv", "table3.csv", "table4.csv"):
        assert name in html
    # Issue 20: the lineage page, one graph per table of the default target
    tables = sorted(p.stem for p in (demo / "results").glob("table[0-9].csv"))
    assert sorted(p.stem for p in (demo / "results/lineage").glob("*.svg")) == tables
    for table in tables:
        assert f"{table}.svg" in html


def test_demo_labels_are_scored_against_the_ground_truth(demo):
    """Issue 4: topic and subtopic accuracy of the label rule's real output, in results/labeled/report.json."""
    accuracy = json.loads((demo / "results/labeled/report.json").read_text(encoding="utf-8"))["ground_truth_accuracy"]
    overall = accuracy["all"]
    topic, subtopic = overall["topic_accuracy"], overall["subtopic_accuracy"]
    print(f"\nlabels vs demo ground truth: topic {topic:.3f}, subtopic {subtopic:.3f}")
    assert overall["posts"] > 300 and overall["topic_accuracy"] >= 0.9


def test_demo_reward_model_reaches_target(demo):
    """Issue 7: held-out triplet accuracy >= 0.9 on the demo, Chinese handled (unknown tokens < 1%)."""
    report = json.loads((demo / "results/models/reward/reward.json").read_text(encoding="utf-8"))
    trained, base = report["metrics"]["trained"], report["metrics"]["base"]
    print(
        f"\nreward model: triplet accuracy {base['triplet_accuracy']:.3f} -> {trained['triplet_accuracy']:.3f}, "
        f"ROC AUC {base['roc_auc']:.3f} -> {trained['roc_auc']:.3f}, T = {report['threshold']:.4f}"
    )
    assert trained["triplet_accuracy"] >= 0.9
    assert trained["roc_auc"] > base["roc_auc"]
    assert report["unknown_token_rate_val"]["extended"] < 0.01
    assert report["threshold"] == pytest.approx(report["calibration"]["threshold"], abs=1e-4)


def test_demo_sft_and_grpo_figures(demo):
    """Issue 6/8 figures: SFT format adherence (>= 0.9) and GRPO val reward, initial vs trained, side by side."""
    sft = json.loads((demo / "results/models/sft/eval.json").read_text(encoding="utf-8"))
    print(f"\nSFT format adherence on val: {sft['format_adherence']:.3f}")
    for variant in ("grpo", "grpo_only", "grpo_nocoe"):
        report = json.loads((demo / f"results/models/{variant}/eval.json").read_text(encoding="utf-8"))
        before, after = report["initial"], report["trained"]
        print(
            f"{variant}: total {before['total']:.3f} -> {after['total']:.3f}, format {before['format']:.3f} -> "
            f"{after['format']:.3f}, answer {before['answer']:.3f} -> {after['answer']:.3f}"
        )
    assert sft["format_adherence"] >= 0.9


def test_demo_release_round_trips_with_its_reports(demo, tmp_path):
    """Issue 18: the demo's release passes its gate, loads with datasets as the splits' rows, validates as Croissant,
    and every figure of its card equals the report it names."""
    import datasets
    import mlcroissant as mlc
    import pandas as pd

    snakemake(demo, "results/release/empathy_qa")
    out = demo / "results/release/empathy_qa"
    audit = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    truth = audit["anonymisation"]["ground_truth"]
    print(
        f"\nrelease: posts {audit['release']['posts']}, chains {audit['release']['chains']}; PII recall "
        f"{truth['pii_recall']} ({truth['pii_leaked']} of {truth['pii_spans']} left), non-PII kept "
        f"{truth['keep_preserved']}, residual PII {audit['anonymisation']['residual_pii']}"
    )
    files = {split: str(out / f"posts/{split}.parquet") for split in ("train", "val", "test")}
    loaded = datasets.load_dataset("parquet", data_files=files, cache_dir=str(tmp_path / "hf"))
    for split in files:
        frame = pd.read_parquet(demo / f"results/splits/{split}.parquet")
        assert loaded[split]["question"] == frame["title"].tolist()
        assert loaded[split]["answers"] == [list(answers) for answers in frame["answers"]]
    assert not mlc.Dataset(jsonld=str(out / "croissant.json")).metadata.ctx.issues.warnings
    card = (out / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (\S+\.json) \| `(.+?)` \|$", card, flags=re.MULTILINE)
    assert len(rows) > 30
    for _label, value, source, key in rows:
        node = json.loads(((out if source == "audit.json" else demo) / source).read_text(encoding="utf-8"))
        for part in key.split("."):
            node = node[part]
        assert value == str(node), (source, key)
    assert audit["anonymisation"]["residual_pii"] == 0 and truth["pii_recall"] >= 0.99


def test_demo_table5_from_the_demo_judge(demo):
    """Issue 17: Table 5 rows for every judged system and test set, scored by the demo judge (not a language model)."""
    rows = list(csv.DictReader((demo / "results/table5.csv").open(encoding="utf-8")))
    for row in rows:
        print(
            f"\n{row['test_set']}/{row['system']}: total {float(row['total']):.2f} (n {row['n']}), "
            f"win {row['win %'] or '-'}%, crisis posts {row['crisis flagged']}, referral {row['referral %'] or '-'}%"
        )
    assert len(rows) == 12 and all(
        r["judge"] == "demo-lexicon-judge (not a language model)" and r["failed"] == "0" for r in rows
    )
