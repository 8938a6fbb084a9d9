"""Tables 2, 3 and 4 with the paper's published numbers side by side (rule tables).

Our numbers come only from the metrics JSONs passed in (results/metrics/{testset}/{system}.json);
the paper's come only from resources/paper_tables.csv (transcribed from the paper; Tables 3 and 4
are on Empathy-QA: their base-model row equals Table 2's Qwen3-8B NT row there). A table row whose
system has no metrics file is printed as "not run"; human-evaluation columns (Win@1, Win@2, MR) come
from the human-evaluation summary of the test set when it exists and say "pending" otherwise.
Nothing is filled in from anywhere else.

Human-evaluation summary (``tables.human`` with ``{testset}``): JSON ``{"systems": {name: {"Win@1":
percent, "Win@2": percent, "MR": mean rank}}}`` (a bare ``{name: {...}}`` mapping is read too).

Outputs per table: ``tableN.csv`` (full precision, CI bounds, paper columns prefixed ``paper ``),
``tableN.md`` (3 decimals) and ``tableN.png`` (ours beside the paper per metric).
"""

from __future__ import annotations

import csv
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, atomic_path, read_json
from workflow_scripts.common.provenance import recorded_step

log = logging.getLogger(__name__)

# Column -> key in the metrics JSON (METRICS.md names).
METRICS = {"B-1": "BLEU-1", "D-1": "Distinct-1", "R-L": "ROUGE-L", "MET.": "METEOR", "NAvg": "NAvg"}
HUMAN = ("Win@1", "Win@2", "MR")
PAPER_COLUMNS = (*METRICS, *HUMAN)
NOT_RUN, PENDING = "not run", "pending"
TABLES = ("table2", "table3", "table4")
TITLES = {
    "table2": "Table 2: model performance on the Empathy-QA and PsyQA test sets",
    "table3": "Table 3: ablation of the training strategy (Empathy-QA)",
    "table4": "Table 4: ablation of the Chain-of-Empathy reasoning (Empathy-QA)",
}


def load_paper_tables(path: str | os.PathLike[str]) -> dict[tuple[str, str, str], dict[str, str]]:
    """The published numbers keyed by (table, test set label, method), values as printed in the paper."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("table", "test_set", "method", *PAPER_COLUMNS) if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: missing columns {missing}")
        return {(r["table"], r["test_set"], r["method"]): {c: r[c] for c in PAPER_COLUMNS} for r in reader}


def load_metrics(paths: Sequence[str | os.PathLike[str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Metrics JSONs keyed by (test set, system), from the files' own fields."""
    found = {}
    for path in paths:
        data = read_json(path)
        try:
            found[(data["testset"], data["system"])] = data
        except (KeyError, TypeError) as err:
            raise InputError(f"{path}: not a metrics file (no testset/system); rerun the score rule") from err
    return found


def load_human(path: str | os.PathLike[str] | None) -> dict[str, dict[str, Any]]:
    """Human-evaluation figures per system, or {} when the summary does not exist yet."""
    if not path or not Path(path).exists():
        return {}
    data = read_json(path)
    systems = data.get("systems", data) if isinstance(data, dict) else None
    if not isinstance(systems, dict):
        raise InputError(f"{path}: expected {{'systems': {{name: {{'Win@1', 'Win@2', 'MR'}}}}}}")
    return systems


def _paper_row(paper, table: str, test_label: str, method: str | None) -> dict[str, str]:
    if not method:
        return {}
    key = (table, test_label, method)
    if key not in paper:
        raise InputError(f"resources/paper_tables.csv has no row {key}; check tables.{table} in the config")
    return paper[key]


def build_rows(
    table: str,
    spec: dict[str, Any],
    metrics: dict[tuple[str, str], dict],
    paper: dict[tuple[str, str, str], dict[str, str]],
    human: dict[str, dict[str, dict]],
) -> list[dict[str, Any]]:
    """One record per (test set, row): our figures or "not run", human figures or "pending", the paper's."""
    records = []
    for testset, test_label in spec["test_sets"].items():
        for row in spec["rows"]:
            system = row["system"]
            found = metrics.get((testset, system))
            rec: dict[str, Any] = {
                "test_set": test_label,
                "system": system,
                "label": row["label"],
                "status": "ok" if found else NOT_RUN,
                "n": found["n"] if found else None,
                "unparseable": found["unparseable"] if found else None,
            }
            for col, key in METRICS.items():
                rec[col] = found["corpus"][key] if found else None
                ci = found["ci95"][key] if found else {}
                rec[f"{col} low"], rec[f"{col} high"] = ci.get("low"), ci.get("high")
            if table == "table2":
                figures = human.get(testset, {}).get(system)
                for col in HUMAN:
                    rec[col] = figures[col] if figures and figures.get(col) is not None else PENDING
            rec["paper method"] = row.get("paper") or ""
            published = _paper_row(paper, table, test_label, row.get("paper"))
            for col in PAPER_COLUMNS if table == "table2" else METRICS:
                rec[f"paper {col}"] = published.get(col, "")
            records.append(rec)
    return records


def csv_columns(table: str) -> list[str]:
    cols = ["test_set", "system", "label", "status", "n"]
    for col in METRICS:
        cols += [col, f"{col} low", f"{col} high"]
    cols.append("unparseable")
    if table == "table2":
        cols += list(HUMAN)
    cols.append("paper method")
    cols += [f"paper {c}" for c in (PAPER_COLUMNS if table == "table2" else METRICS)]
    return cols


def write_csv(path: str | os.PathLike[str], table: str, records: Sequence[dict]) -> None:
    """Full-precision CSV; a not-run row has status "not run" and empty metric cells."""
    cols = csv_columns(table)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=cols)
        writer.writeheader()
        for rec in records:
            writer.writerow({c: "" if rec.get(c) is None else rec[c] for c in cols})


def _fmt(value: Any, decimals: int = 3) -> str:
    if value is None:
        return NOT_RUN
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.{decimals}f}"
    return str(value)


def markdown(table: str, records: Sequence[dict]) -> str:
    """The table in Markdown, 3 decimals, 95% CI after each value, the paper's number beside it."""
    head = ["Test set", "System"]
    for col in METRICS:
        head += [col, f"{col} (paper)"]
    if table == "table2":
        for col in HUMAN:
            head += [col, f"{col} (paper)"]
    head += ["n", "Unparseable", "Paper row"]
    lines = [f"# {TITLES[table]}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rec in records:
        cells = [rec["test_set"], rec["label"]]
        for col in METRICS:
            value = _fmt(rec[col])
            if rec[col] is not None and rec[f"{col} low"] is not None:
                value += f" [{rec[f'{col} low']:.3f}, {rec[f'{col} high']:.3f}]"
            cells += [value, rec[f"paper {col}"] or "—"]
        if table == "table2":
            for col in HUMAN:
                cells += [_fmt(rec[col], 2 if col != "MR" else 3), rec[f"paper {col}"] or "—"]
        cells += [
            "" if rec["n"] is None else str(rec["n"]),
            "" if rec["unparseable"] is None else str(rec["unparseable"]),
            rec["paper method"] or "—",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for test_set, labels in identical_rows(records):
        lines.append(
            f"{' and '.join(labels)} have identical figures on {test_set}: their scored answers are the same text "
            "(shown once would do; each row is kept so every configured system is accounted for)."
        )
    lines += [
        "Ours: mean over test items of the mean over references (workflow_scripts/eval/metrics.py), 95% bootstrap CI "
        "in brackets. Paper: the published figure (resources/paper_tables.csv); — where the system has no "
        f'counterpart in the paper. "{NOT_RUN}": the system is not enabled or not built yet; "{PENDING}": '
        "no human-evaluation results yet.",
        "",
    ]
    return "\n".join(lines)


def identical_rows(records: Sequence[dict]) -> list[tuple[str, list[str]]]:
    """(test set, row labels) of rows whose every metric is the same to full precision, e.g. the demo teacher and
    the retrieval baseline, which answer with the same retrieved train answer."""
    groups: dict[tuple, list[str]] = {}
    for rec in records:
        if rec["status"] == "ok":
            groups.setdefault((rec["test_set"], *(rec[c] for c in METRICS)), []).append(rec["label"])
    return [(key[0], labels) for key, labels in groups.items() if len(labels) > 1]


def plot(path: str | os.PathLike[str], table: str, records: Sequence[dict]) -> None:
    """Grouped bars per metric: each system's score (solid) beside the paper's (hatched); not-run rows omitted."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    test_sets = list(dict.fromkeys(r["test_set"] for r in records))
    fig, axes = plt.subplots(1, len(test_sets), figsize=(7 * len(test_sets), 5.2), squeeze=False)
    cols = list(METRICS)
    for ax, test_set in zip(axes[0], test_sets, strict=True):
        recs = [r for r in records if r["test_set"] == test_set]
        bars = [(r["label"], r, False) for r in recs if r["status"] == "ok"]
        bars += [(f"paper: {r['paper method']}", r, True) for r in recs if r["paper method"]]
        width = 0.8 / max(1, len(bars))
        cmap = plt.get_cmap("tab10")
        for i, (label, rec, is_paper) in enumerate(bars):
            values = [_number(rec[f"paper {c}"]) if is_paper else rec[c] for c in cols]
            xs = [j + (i - (len(bars) - 1) / 2) * width for j in range(len(cols))]
            ax.bar(
                xs,
                [0 if v is None else v for v in values],
                width,
                label=label,
                color=cmap(i % 10),
                hatch="//" if is_paper else None,
                alpha=0.55 if is_paper else 0.95,
            )
        not_run = [r["label"] for r in recs if r["status"] != "ok"]
        title = test_set + (f"\nnot run: {', '.join(not_run)}" if not_run else "")
        ax.set_title(title, fontsize=9)
        ax.set_xticks(range(len(cols)), cols)
        ax.set_ylim(0, 1.05)
        ax.legend(fontsize=6, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.08), frameon=False)
    fig.suptitle(TITLES[table], fontsize=10)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def build_tables(
    settings: dict[str, Any],
    metrics_paths: Sequence[str],
    paper_path: str,
    human_paths: dict[str, str],
    outputs: dict[str, dict[str, str]],
    facts: dict[str, Any],
) -> dict[str, list[dict]]:
    """Write CSV, Markdown and PNG for each table; return the records."""
    paper = load_paper_tables(paper_path)
    metrics = load_metrics(metrics_paths)
    human = {testset: load_human(path) for testset, path in human_paths.items()}
    result = {}
    for table in TABLES:
        spec = settings[table]
        records = build_rows(table, spec, metrics, paper, human)
        write_csv(outputs[table]["csv"], table, records)
        with atomic_path(outputs[table]["md"]) as tmp:
            tmp.write_text(markdown(table, records), encoding="utf-8")
        plot(outputs[table]["png"], table, records)
        facts[table] = {"rows": len(records), "not_run": sum(r["status"] != "ok" for r in records)}
        result[table] = records
    return result


def output_map(paths: Sequence[str]) -> dict[str, dict[str, str]]:
    """{table: {ext: path}} from output paths named tableN.ext; every table needs csv, md and png."""
    outputs: dict[str, dict[str, str]] = {t: {} for t in TABLES}
    for path in paths:
        stem, ext = Path(path).stem, Path(path).suffix.lstrip(".")
        if stem not in outputs or ext not in ("csv", "md", "png"):
            raise InputError(f"--outputs: {path} is not named table2|table3|table4 .csv|.md|.png")
        outputs[stem][ext] = path
    missing = [f"{t}.{e}" for t in TABLES for e in ("csv", "md", "png") if e not in outputs[t]]
    if missing:
        raise InputError(f"--outputs lacks {missing}")
    return outputs


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--metrics", nargs="*", default=[], help="results/metrics/{testset}/{system}.json files")
    parser.add_argument("--paper", required=True, help="resources/paper_tables.csv")
    parser.add_argument("--human", nargs="*", default=[], help="TESTSET=path of a human-evaluation summary")
    parser.add_argument("--outputs", nargs="+", required=True, help="the 9 files table{2,3,4}.{csv,md,png}")
    args = parser.parse_args(argv)
    try:
        settings = {table: args.params[f"tables.{table}"] for table in TABLES}
    except KeyError as err:
        raise InputError(f"--params lacks {err}: pass tables.table2, tables.table3 and tables.table4") from err
    human_paths = dict(item.split("=", 1) for item in args.human)
    outputs = output_map(args.outputs)
    out_files = [p for t in TABLES for p in outputs[t].values()]
    inputs = [*args.metrics, args.paper, *[p for p in human_paths.values() if Path(p).exists()]]
    with recorded_step(args.rule, inputs, out_files, args.params, None) as facts:
        build_tables(settings, args.metrics, args.paper, human_paths, outputs, facts)
    log.info("tables written: %s (%s)", ", ".join(out_files), facts)


if __name__ == "__main__":
    run_main(main)
