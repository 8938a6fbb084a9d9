"""Table 1: the rows per dataset, and `snakemake results/table1.csv` end to end (then a no-op rerun)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _split_fixtures import labeled_frame

from workflow_scripts.common.io import write_jsonl
from workflow_scripts.data.stats import PAPER, build_table, dataset_stats, render_markdown

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "resources" / "taxonomy" / "taxonomy.yaml"


def test_dataset_stats_rows():
    frame = labeled_frame(5)
    stats = dataset_stats(frame, 1, True)
    assert stats["# Questions"] == 15 and stats["# Answers"] == 30
    assert stats["# Main topics"] == 3 and stats["# Subtopics"] == 3
    assert stats["Avg. chars per question"] == 16.0 and stats["Avg. chars per description"] == 60.0
    assert stats["Avg. chars per answer"] == 135.0 and stats["Avg. responses per question"] == 2.0
    assert dataset_stats(frame, 1, False)["# Subtopics"] is None


def test_table_and_markdown():
    eqa = labeled_frame(10)
    pq = labeled_frame(4, seed=1).assign(topic="情绪", topic_id="PQ-情绪", subtopic_id=None)
    table = build_table(eqa, eqa.iloc[:10], pq, pq.iloc[:6], TAXONOMY, 1)
    stats = table[table["section"] == "statistics"].set_index("criterion")
    assert list(stats.index[: len(PAPER)]) == list(PAPER)
    assert stats.loc["# Test questions", "PsyQA"] == 6 and stats.loc["# Test questions", "Empathy-QA"] == 10
    shares = table[table["section"] == "test_topic_share_pct"].set_index("criterion")["Empathy-QA"]
    assert shares["T01 抑郁"] == 100.0 and len(shares) == 29
    coarse = table[table["section"] == "test_psyqa_topic_share_pct"].set_index("criterion")
    assert coarse.loc["情绪", "PsyQA"] == 100.0 and coarse.loc["情绪", "Empathy-QA"] == 100.0
    md = render_markdown(table, ["T01", "T02", "T03"], {"T01": "抑郁", "T02": "焦虑", "T03": "人际关系"})
    assert "| # Questions | 12 | 22,346 | 30 | 40,959 |" in md
    assert "| T01 抑郁 | 100.0 | 35.0 |" in md


@pytest.mark.e2e
def test_snakemake_table1_then_noop(tmp_path):
    """label -> split -> psyqa -> table1 through Snakemake on the demo config, from a fixture clean corpus."""
    sys.path.insert(0, str(ROOT / "bench"))
    bench = importlib.import_module("bench_label")
    frame = bench.demo_frame(300, 5)
    clean = frame.drop(columns=["true_topic_id", "true_subtopic_id"])
    clean = clean.assign(post_id=clean["qid"].str[5:], url="u", fetched_at="2024-01-01T00:00:00")
    (tmp_path / "results" / "clean").mkdir(parents=True)
    clean.to_parquet(tmp_path / "results" / "clean" / "posts.parquet")
    truth = [
        {"post_id": q[5:], "topic_id": t, "subtopic_id": s}
        for q, t, s in frame[["qid", "true_topic_id", "true_subtopic_id"]].itertuples(index=False)
    ]
    write_jsonl(tmp_path / "results" / "demo_site" / "ground_truth.jsonl", truth)  # the demo's label.score_against
    (tmp_path / "resources").symlink_to(ROOT / "resources")
    rules = "\n".join(f'include: "{ROOT}/rules/{r}.smk"' for r in ("common", "label", "split", "psyqa", "stats"))
    (tmp_path / "Snakefile").write_text(f'configfile: "{ROOT}/config/config.yaml"\n\n{rules}\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    cmd = [str(Path(sys.executable).parent / "snakemake"), "--cores", "1", "-d", str(tmp_path),
           "-s", str(tmp_path / "Snakefile"), "results/table1.csv"]  # fmt: skip
    run = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    table = pd.read_csv(tmp_path / "results" / "table1.csv")
    stats = table[table["section"] == "statistics"].set_index("criterion")
    assert int(stats.loc["# Questions", "Empathy-QA"]) == len(clean)
    assert int(stats.loc["# Questions", "PsyQA"]) > 100
    assert (tmp_path / "results" / "table1.md").exists()
    assert (tmp_path / "results" / "splits" / "test.parquet.prov.json").exists()
    report = json.loads((tmp_path / "results" / "labeled" / "report.json").read_text(encoding="utf-8"))
    assert report["ground_truth_accuracy"]["all"]["posts"] == len(clean)
    again = subprocess.run([*cmd, "-n"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
