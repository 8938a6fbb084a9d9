"""Table 1: dataset statistics of PsyQA and Empathy-QA, plus the test sets' topic distributions.

Reads the labelled Empathy-QA corpus (``results/labeled/posts.parquet``), its test split, the imported
PsyQA posts and PsyQA test set, and the taxonomy; writes ``results/table1.csv`` (section, criterion,
PsyQA, Empathy-QA) and ``results/table1.md`` (ours beside the paper's numbers).

Definitions: a question's characters are its title's; "answers" are the cleaned answers (each > 100
characters); averages are arithmetic means over questions (title, description) or answers; topics and
subtopics are the distinct labels present. Test-set shares are over each dataset's test questions;
Empathy-QA topics are also coarsened to PsyQA's 9 topics through the taxonomy's ``psyqa`` field so the
two test sets can be compared row by row.
"""

from __future__ import annotations

import logging
import numbers
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, atomic_path, read_parquet
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.data.label import load_taxonomy
from workflow_scripts.data.psyqa import PSYQA_TOPICS

logger = logging.getLogger(__name__)

REQUIRED = ("qid", "title", "description", "answers", "n_answers", "topic_id", "topic", "subtopic_id")
# The paper's Table 1 (PsyQA, Empathy-QA) and its test-set topic shares (Sec. 4).
PAPER = {
    "# Questions": ("22,346", "40,959"),
    "# Answers": ("56,063", "168,470"),
    "# Main topics": ("9", "29"),
    "# Subtopics": ("—", "182"),
    "Avg. chars per question": ("21.6", "22.7"),
    "Avg. chars per description": ("168.9", "275.9"),
    "Avg. chars per answer": ("524.6", "775.6"),
    "Avg. responses per question": ("2.51", "4.11"),
}
PAPER_TEST_SHARES = {"T01": 35.0, "T02": 28.0, "T03": 22.0}


def dataset_stats(frame: pd.DataFrame, decimals: int, has_subtopics: bool) -> dict[str, Any]:
    """The Table 1 rows of one dataset."""
    n = len(frame)
    answers = [len(a) for answers in frame["answers"] for a in answers]
    n_answers = int(frame["n_answers"].sum())

    def avg(total: float, count: int, places: int = decimals) -> float | None:
        return round(total / count, places) if count else None

    return {
        "# Questions": n,
        "# Answers": n_answers,
        "# Main topics": int(frame["topic_id"].nunique()),
        "# Subtopics": int(frame["subtopic_id"].dropna().nunique()) if has_subtopics else None,
        "Avg. chars per question": avg(frame["title"].str.len().sum(), n),
        "Avg. chars per description": avg(frame["description"].str.len().sum(), n),
        "Avg. chars per answer": avg(sum(answers), len(answers)),
        "Avg. responses per question": avg(n_answers, n, decimals + 1),
    }


def shares(labels: pd.Series, decimals: int) -> dict[str, float]:
    """Percentage of each label among ``labels``."""
    if not len(labels):
        return {}
    return {k: round(100 * int(v) / len(labels), decimals) for k, v in labels.value_counts().items()}


def build_table(
    eqa: pd.DataFrame, eqa_test: pd.DataFrame, pq: pd.DataFrame, pq_test: pd.DataFrame, taxonomy_path: str | Path,
    decimals: int,
) -> pd.DataFrame:  # fmt: skip
    """Long table: section, criterion, PsyQA, Empathy-QA."""
    taxonomy = load_taxonomy(taxonomy_path)
    rows = []
    ours_pq, ours_eqa = dataset_stats(pq, decimals, False), dataset_stats(eqa, decimals, True)
    for criterion in PAPER:
        rows.append(("statistics", criterion, ours_pq[criterion], ours_eqa[criterion]))
    rows.append(("statistics", "# Test questions", len(pq_test), len(eqa_test)))
    eqa_shares = shares(eqa_test["topic_id"], decimals)
    for topic in taxonomy.topics:
        rows.append(("test_topic_share_pct", f"{topic.id} {topic.name}", None, eqa_shares.get(topic.id, 0.0)))
    coarse = [taxonomy.psyqa_of(t, s) for t, s in zip(eqa_test["topic_id"], eqa_test["subtopic_id"], strict=True)]
    eqa_coarse = shares(pd.Series(coarse, dtype=object), decimals)
    pq_coarse = shares(pq_test["topic"], decimals)
    for topic in PSYQA_TOPICS:
        rows.append(("test_psyqa_topic_share_pct", topic, pq_coarse.get(topic, 0.0), eqa_coarse.get(topic, 0.0)))
    return pd.DataFrame(rows, columns=["section", "criterion", "PsyQA", "Empathy-QA"], dtype=object)


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, numbers.Integral):
        return f"{value:,}"
    return str(value)


def render_markdown(table: pd.DataFrame, highlight: Sequence[str], names: dict[str, str]) -> str:
    """Table 1 in Markdown, ours beside the paper's figures, then the test-set topic shares."""
    stats = table[table["section"] == "statistics"].set_index("criterion")
    lines = [
        "# Table 1: dataset statistics (ours vs. the paper)",
        "",
        "| Criterion | PsyQA (ours) | PsyQA (paper) | Empathy-QA (ours) | Empathy-QA (paper) |",
        "|---|---|---|---|---|",
    ]
    for criterion, (paper_pq, paper_eqa) in PAPER.items():
        row = stats.loc[criterion]
        lines.append(f"| {criterion} | {_fmt(row['PsyQA'])} | {paper_pq} | {_fmt(row['Empathy-QA'])} | {paper_eqa} |")
    test = stats.loc["# Test questions"]
    lines.append(f"| # Test questions | {_fmt(test['PsyQA'])} | 2,000 | {_fmt(test['Empathy-QA'])} | 2,000 |")
    eqa_shares = table[table["section"] == "test_topic_share_pct"].set_index("criterion")["Empathy-QA"]
    lines += ["", "## Test-set topic shares named in the paper (Empathy-QA, %)", "",
              "| Topic | ours | paper |", "|---|---|---|"]  # fmt: skip
    for tid in highlight:
        key = f"{tid} {names.get(tid, '')}"
        ours = eqa_shares.get(key)
        lines.append(f"| {key} | {_fmt(ours)} | {_fmt(PAPER_TEST_SHARES.get(tid))} |")
    coarse = table[table["section"] == "test_psyqa_topic_share_pct"]
    lines += ["", "## Test-set shares at PsyQA's 9 topics (%)", "", "| PsyQA topic | PsyQA test | Empathy-QA test |",
              "|---|---|---|"]  # fmt: skip
    for _, row in coarse.iterrows():
        lines.append(f"| {row['criterion']} | {_fmt(row['PsyQA'])} | {_fmt(row['Empathy-QA'])} |")
    lines += ["", "## All Empathy-QA test-set topic shares (%)", "", "| Topic | share |", "|---|---|"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in eqa_shares.items()]
    lines += [
        "",
        "Ours: questions and answers after cleaning (answers > 100 characters); question characters are title",
        "characters; topics/subtopics are the distinct labels present. The paper's figures are for its full",
        "crawl and the original PsyQA; the demo's are for a small synthetic site and a synthetic PsyQA-format file.",
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--labeled", required=True, help="results/labeled/posts.parquet")
    parser.add_argument("--test", required=True, help="results/splits/test.parquet")
    parser.add_argument("--psyqa-posts", required=True, help="results/psyqa/posts.parquet")
    parser.add_argument("--psyqa-test", required=True, help="results/psyqa/test.parquet")
    parser.add_argument("--taxonomy", required=True)
    parser.add_argument("--csv", required=True, help="results/table1.csv")
    parser.add_argument("--md", required=True, help="results/table1.md")
    args = parser.parse_args(argv)
    try:
        decimals = int(args.params["stats"]["decimals"])
        highlight = list(args.params["stats"]["highlight_topics"])
    except (KeyError, TypeError) as err:
        raise InputError(f"--params lacks stats setting {err}; pass settings('stats')") from err
    inputs = [args.labeled, args.test, args.psyqa_posts, args.psyqa_test, args.taxonomy]
    with recorded_step(args.rule, inputs, [args.csv, args.md], args.params) as facts:
        frames = [read_parquet(p, REQUIRED) for p in inputs[:4]]
        table = build_table(*frames, args.taxonomy, decimals)
        names = {t.id: t.name for t in load_taxonomy(args.taxonomy).topics}
        with atomic_path(args.csv) as tmp:
            table.to_csv(tmp, index=False)
        with atomic_path(args.md) as tmp:
            tmp.write_text(render_markdown(table, highlight, names), encoding="utf-8")
        facts.update(rows=len(table))
    logger.info("table1: %d rows", len(table))


if __name__ == "__main__":
    run_main(main)
