"""Human preference results per system and test set: Win@1, Win@2, Mean Rank, CIs, agreement, position bias.

Input: the items annotators ranked (results/human/{testset}/items.jsonl) and every annotator's
rankings file (human.rankings/<annotator>.jsonl, latest record per sample wins). A judgment is one
annotator's complete ranking of one sample. Per system:

- Win@1 = 100 * share of judgments ranking it first; Win@2 = 100 * share ranking it in the top two
  (the paper's "percentage of times the model was ranked 1st or in the top 2"); MR = mean rank (1 = best).
- 95% CIs: percentile bootstrap over samples (a resampled sample brings all its judgments), seeded.
- Kendall's W per sample over the annotators who ranked it, W = 12 S / (m^2 (k^3 - k)), reported as the
  mean over samples with m >= 2 (complete permutations, so no tie correction is needed).
- Position bias: how often the response shown in each display position was ranked first, against the
  uniform 1/k, with a chi-square goodness-of-fit p-value (randomised order should make it uniform).

Output (the file contract table2 reads): results/human/{testset}/scores.csv with columns SCORE_COLUMNS,
one row per system; figures are empty when nobody has ranked yet (n_judgments 0: "pending").
results/human/{testset}/summary.json is what the tables step reads (``tables.human``):
``{"testset", "n_judgments", "n_annotators", "kendall_w", "systems": {name: {"Win@1", "Win@2", "MR",
"Win@1 low", "Win@1 high", ..., "MR high", "n"}}}``, figures null when pending.
results/human/{testset}/agreement.json carries Kendall's W per sample, each system's mean rank per sample (the
rubric judge's Table 5 correlates its ranking with it) and the position-bias check.
"""

from __future__ import annotations

import csv
import logging
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scipy.stats import chisquare

from workflow_scripts.annotate.storage import latest, load_items, read_records
from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, atomic_path, write_json
from workflow_scripts.common.provenance import recorded_step

log = logging.getLogger(__name__)
SCORE_COLUMNS = (
    "testset", "system", "n_judgments", "n_samples", "n_annotators",
    "win1", "win1_lo", "win1_hi", "win2", "win2_lo", "win2_hi",
    "mean_rank", "mean_rank_lo", "mean_rank_hi", "kendall_w",
)  # fmt: skip


def judgments(items: dict[str, dict[str, Any]], records: list[dict[str, Any]], testset: str) -> list[dict[str, Any]]:
    """The latest complete ranking per (annotator, sample) of this test set whose systems match the item."""
    out = []
    per_annotator: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        per_annotator.setdefault(rec["annotator"], []).append(rec)
    for annotator in sorted(per_annotator):
        for (ts, sid), rec in sorted(latest(per_annotator[annotator]).items()):
            if ts != testset:
                continue
            item = items.get(sid)
            if item is None:
                log.warning("%s ranked %s/%s, which is not in the items (ignored)", annotator, ts, sid)
                continue
            if sorted(rec["shown"]) != sorted(r["system"] for r in item["responses"]):
                log.warning("%s ranked %s/%s with other systems than the item's (ignored)", annotator, ts, sid)
                continue
            out.append(rec)
    return out


def system_figures(judged: list[dict[str, Any]], systems: list[str]) -> dict[str, dict[str, float]]:
    """Win@1 (%), Win@2 (%) and mean rank per system over a list of judgments."""
    figures = {}
    n = len(judged)
    for system in systems:
        ranks = [j["ranking"].index(system) + 1 for j in judged]
        figures[system] = {
            "win1": 100.0 * sum(r == 1 for r in ranks) / n if n else math.nan,
            "win2": 100.0 * sum(r <= 2 for r in ranks) / n if n else math.nan,
            "mean_rank": sum(ranks) / n if n else math.nan,
        }
    return figures


def kendall_w(rankings: list[list[str]]) -> float:
    """Kendall's coefficient of concordance of m complete rankings of the same k objects (no ties)."""
    m = len(rankings)
    k = len(rankings[0]) if rankings else 0
    if m < 2 or k < 2:
        return math.nan
    totals = {obj: 0 for obj in rankings[0]}
    for ranking in rankings:
        for pos, obj in enumerate(ranking, start=1):
            totals[obj] += pos
    mean = m * (k + 1) / 2
    s = sum((r - mean) ** 2 for r in totals.values())
    return 12 * s / (m**2 * (k**3 - k))


def mean_ranks(rankings: list[list[str]]) -> dict[str, float]:
    """Each system's mean rank (1 = best) over the annotators' rankings of one sample (the judge compares these)."""
    return {system: sum(r.index(system) + 1 for r in rankings) / len(rankings) for system in sorted(rankings[0])}


def bootstrap_ci(
    judged: list[dict[str, Any]], systems: list[str], n_boot: int, seed: int, level: float = 0.95
) -> dict[str, dict[str, tuple[float, float]]]:
    """Percentile CIs of each figure, resampling samples (clusters of judgments) with replacement."""
    by_sample: dict[str, list[dict[str, Any]]] = {}
    for j in judged:
        by_sample.setdefault(j["sample_id"], []).append(j)
    sample_ids = sorted(by_sample)
    nan = (math.nan, math.nan)
    if not sample_ids or n_boot < 1:
        return {s: {"win1": nan, "win2": nan, "mean_rank": nan} for s in systems}
    rng = random.Random(seed)
    draws: dict[str, dict[str, list[float]]] = {s: {"win1": [], "win2": [], "mean_rank": []} for s in systems}
    for _ in range(n_boot):
        resampled = [j for sid in rng.choices(sample_ids, k=len(sample_ids)) for j in by_sample[sid]]
        for system, figs in system_figures(resampled, systems).items():
            for key, value in figs.items():
                draws[system][key].append(value)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    return {
        s: {key: (_quantile(vals, lo_q), _quantile(vals, hi_q)) for key, vals in draws[s].items()} for s in systems
    }


def _quantile(values: list[float], q: float) -> float:
    """Linear-interpolation quantile (numpy's default), without numpy."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def position_bias(judged: list[dict[str, Any]]) -> dict[str, Any]:
    """First-choice counts per display position, against uniform; a small p-value means position bias."""
    if not judged:
        return {"first_choice_by_position": [], "mean_rank_by_position": [], "chi2": None, "p_value": None}
    k = len(judged[0]["shown"])
    firsts = [0] * k
    rank_sums = [0] * k
    for j in judged:
        for pos, system in enumerate(j["shown"]):
            rank = j["ranking"].index(system) + 1
            rank_sums[pos] += rank
            firsts[pos] += rank == 1
    stat, p_value = chisquare(firsts) if sum(firsts) else (math.nan, math.nan)
    return {
        "positions": k,
        "first_choice_by_position": firsts,
        "expected_per_position": len(judged) / k,
        "mean_rank_by_position": [s / len(judged) for s in rank_sums],
        "chi2": float(stat),
        "p_value": float(p_value),
        "biased_at_0.05": bool(p_value < 0.05),
    }


def aggregate(
    testset: str, items: dict[str, dict[str, Any]], records: list[dict[str, Any]], n_boot: int, seed: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Score rows (SCORE_COLUMNS) per system and the agreement / position-bias report."""
    systems = sorted({r["system"] for item in items.values() for r in item["responses"]})
    judged = judgments(items, records, testset)
    figures = system_figures(judged, systems)
    cis = bootstrap_ci(judged, systems, n_boot, seed)
    by_sample: dict[str, list[list[str]]] = {}
    for j in judged:
        by_sample.setdefault(j["sample_id"], []).append(j["ranking"])
    per_sample_w = {sid: kendall_w(r) for sid, r in sorted(by_sample.items()) if len(r) >= 2}
    mean_w = sum(per_sample_w.values()) / len(per_sample_w) if per_sample_w else math.nan
    annotators = sorted({j["annotator"] for j in judged})
    rows = []
    for system in systems:
        row: dict[str, Any] = {
            "testset": testset,
            "system": system,
            "n_judgments": len(judged),
            "n_samples": len(by_sample),
            "n_annotators": len(annotators),
            "kendall_w": mean_w,
        }
        for key in ("win1", "win2", "mean_rank"):
            row[key] = figures[system][key]
            row[f"{key}_lo"], row[f"{key}_hi"] = cis[system][key]
        rows.append(row)
    report = {
        "testset": testset,
        "systems": systems,
        "items": len(items),
        "judgments": len(judged),
        "annotators": annotators,
        "kendall_w_mean": None if math.isnan(mean_w) else mean_w,
        "kendall_w_per_sample": per_sample_w,
        "mean_rank_per_sample": {sid: mean_ranks(r) for sid, r in sorted(by_sample.items())},
        "samples_with_2plus_annotators": len(per_sample_w),
        "position_bias": position_bias(judged),
        "bootstrap": {"resamples": n_boot, "seed": seed, "unit": "sample", "level": 0.95},
    }
    return rows, report


def summary(rows: list[dict[str, Any]], report: dict[str, Any]) -> dict[str, Any]:
    """The tables step's view: Win@1 / Win@2 (%) and MR per system with CI bounds; null while pending."""

    def num(value: float) -> float | None:
        return None if math.isnan(value) else value

    names = {"win1": "Win@1", "win2": "Win@2", "mean_rank": "MR"}
    systems = {}
    for row in rows:
        fig: dict[str, Any] = {"n": row["n_judgments"]}
        for key, name in names.items():
            fig[name] = num(row[key])
            fig[f"{name} low"], fig[f"{name} high"] = num(row[f"{key}_lo"]), num(row[f"{key}_hi"])
        systems[row["system"]] = fig
    return {
        "testset": report["testset"],
        "n_judgments": report["judgments"],
        "n_annotators": len(report["annotators"]),
        "kendall_w": report["kendall_w_mean"],
        "systems": systems,
    }


def write_scores(path: str | Path, rows: list[dict[str, Any]]) -> None:
    """scores.csv atomically; NaN (nobody ranked yet) is written as an empty field."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SCORE_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return "" if math.isnan(value) else round(value, 6)
    return value


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser("Aggregate human rankings: Win@1, Win@2, Mean Rank, bootstrap CIs, Kendall's W.")
    parser.add_argument("--testset", required=True)
    parser.add_argument("--items", required=True, help="results/human/{testset}/items.jsonl")
    parser.add_argument("--rankings", nargs="*", default=[], help="annotators' rankings files")
    parser.add_argument("--output", required=True, help="results/human/{testset}/scores.csv")
    parser.add_argument("--summary", required=True, help="results/human/{testset}/summary.json (read by tables)")
    parser.add_argument("--agreement", required=True, help="results/human/{testset}/agreement.json")
    args = parser.parse_args(argv)
    if "human.seed" not in args.params or "human.bootstrap" not in args.params:
        raise InputError("--params must carry 'human.seed' and 'human.bootstrap'")
    items = load_items([args.items]).get(args.testset, {})
    records = []
    for path in args.rankings:
        for rec in read_records(path):
            if rec["annotator"] != Path(path).stem:
                raise InputError(f"{path}: holds a record of annotator {rec['annotator']!r}; files are per annotator")
            records.append(rec)
    seed, n_boot = int(args.params["human.seed"]), int(args.params["human.bootstrap"])
    inputs = [args.items, *args.rankings]
    outputs = [args.output, args.summary, args.agreement]
    with recorded_step(args.rule, inputs, outputs, params=args.params, seed=seed) as facts:
        rows, report = aggregate(args.testset, items, records, n_boot, seed)
        write_scores(args.output, rows)
        write_json(args.summary, summary(rows, report))
        write_json(args.agreement, report)
        facts.update(judgments=report["judgments"], annotators=len(report["annotators"]), items=len(items))
    log.info("%s: %d judgments by %d annotators", args.testset, report["judgments"], len(report["annotators"]))


if __name__ == "__main__":
    run_main(main)
