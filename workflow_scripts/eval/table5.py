"""Table 5: the rubric judge beside the paper's metrics, with its agreement with human rankings (rule table5).

Per test set and judged system, from results/judge/{testset}/{system}.jsonl only:

- pointwise: mean score per rubric dimension and of the total, with percentile bootstrap 95% CIs over items
  (``metrics.mean_ci``); items whose judge reply never validated are counted as failed, never averaged in;
- pairwise against the reference system: win / loss / tie shares where both presentation orders agree, the
  share of inconsistent items, and the position bias (share of decisive verdicts for the answer shown first);
- crisis safety, without a judge: posts with a crisis term (suicide, self-harm, abuse) and the share of their
  answers that point to professional or crisis help, with its CI, beside the judge's safety score on them;
- agreement with people, where the ranking app's results exist (results/human/{testset}/agreement.json,
  summary.json, samples.jsonl): per-sample Kendall's tau-b between the judge's ranking (total score) and the
  annotators' mean ranking over the human systems, with its CI over samples, and the judge's Win@1 on the
  human evaluation samples next to the annotators' Win@1. Nobody ranked yet: those cells say "pending".

Outputs: table5.csv (full precision), table5.md (3 decimals, a caption per test set), table5.png.
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
from workflow_scripts.common.io import InputError, atomic_path, read_json, read_jsonl
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.eval.judge import Rubric, load_rubric
from workflow_scripts.eval.metrics import mean_ci

log = logging.getLogger(__name__)
PENDING = "pending"
OUTCOMES = ("win", "loss", "tie", "inconsistent")
PAIR_ORDERS = ("system_first", "reference_first")


def kendall_tau(judge_scores: dict[str, float], human_ranks: dict[str, float]) -> float:
    """Kendall's tau-b between a judge's scores (higher is better) and mean human ranks (lower is better).

    Ties on either side are corrected for (tau-b); NaN when either side ranks every system equal.
    """
    from scipy.stats import kendalltau

    systems = sorted(human_ranks)
    tau = kendalltau([judge_scores[s] for s in systems], [-human_ranks[s] for s in systems]).statistic
    return float(tau)


def judge_win1(totals: dict[str, float]) -> dict[str, float]:
    """One sample's first place by judge total: 1 for the top system, shared equally among tied tops."""
    best = max(totals.values())
    top = [s for s, v in totals.items() if v == best]
    return {s: (1 / len(top) if s in top else 0.0) for s in totals}


def position_bias(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Decisive pairwise verdicts for the answer shown first, against 50% (two-sided binomial test)."""
    from scipy.stats import binomtest

    verdicts = [r["pairwise"][o].get("winner") for r in rows if r.get("pairwise") for o in PAIR_ORDERS]
    decisive = [w for w in verdicts if w in ("A", "B")]
    first = decisive.count("A")
    return {
        "decisive": len(decisive),
        "first": first,
        "first_share": 100.0 * first / len(decisive) if decisive else math.nan,
        "p_value": float(binomtest(first, len(decisive), 0.5).pvalue) if decisive else math.nan,
    }


def load_judged(paths: Sequence[str | os.PathLike[str]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Judged rows keyed by (test set, system), in the order the paths are given."""
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for path in paths:
        rows = read_jsonl(path)
        if not rows or not all("pointwise" in r and "testset" in r and "system" in r for r in rows):
            raise InputError(f"{path}: not a judge output (rows need testset, system, pointwise); rerun rule judge")
        found[(rows[0]["testset"], rows[0]["system"])] = rows
    return found


def _ci(values: Sequence[float], boot: dict[str, int], scale: float = 1.0) -> dict[str, float]:
    ci = mean_ci(values, int(boot["resamples"]), int(boot["seed"]))
    return {k: v * scale for k, v in ci.items()}


def system_figures(rows: list[dict[str, Any]], rubric: Rubric, boot: dict[str, int]) -> dict[str, Any]:
    """Pointwise means with CIs, pairwise shares, position bias and the crisis-safety share of one system."""
    ok = [r["pointwise"] for r in rows if r["pointwise"]["status"] == "ok"]
    fig: dict[str, Any] = {"n": len(rows), "failed": len(rows) - len(ok), "judge": rows[0].get("judge", "")}
    for key in rubric.keys:
        fig[key] = _ci([p["scores"][key] for p in ok], boot)
    fig["total"] = _ci([p["total"] for p in ok], boot)
    pairs = [r["pairwise"] for r in rows if r.get("pairwise")]
    done = [p for p in pairs if p["outcome"] != "failed"]
    fig["reference"] = pairs[0]["reference"] if pairs else None
    fig["pairwise_n"] = len(done)
    for outcome in OUTCOMES:
        fig[outcome] = _ci([100.0 * (p["outcome"] == outcome) for p in done], boot)
    fig["first_position_share"] = position_bias(rows)["first_share"]
    flagged = [r for r in rows if r["crisis"]["flagged"]]
    fig["crisis_flagged"] = len(flagged)
    fig["referral"] = _ci([100.0 * r["crisis"]["points_to_help"] for r in flagged], boot)
    safety = [r["pointwise"]["scores"]["safety"] for r in flagged if r["pointwise"]["status"] == "ok"]
    fig["safety_on_flagged"] = _ci(safety, boot) if "safety" in rubric.keys else _ci([], boot)
    return fig


def agreement(
    judged: dict[tuple[str, str], list[dict[str, Any]]], testset: str, human_dir: str | None, boot: dict[str, int]
) -> dict[str, Any]:
    """Judge vs annotators on one test set: per-sample tau-b, judge Win@1 on the evaluation samples, human Win@1."""
    paths = {n: Path(human_dir or "", f"{n}.json") for n in ("agreement", "summary")}
    if not human_dir or not all(p.exists() for p in paths.values()):
        return {
            "status": PENDING,
            "tau": _ci([], boot),
            "tau_n": 0,
            "judge_win1": {},
            "human_win1": {},
            "unjudged": [],
        }
    report, summary = read_json(paths["agreement"]), read_json(paths["summary"])
    systems = [s for s in report["systems"] if (testset, s) in judged]
    totals: dict[str, dict[str, float]] = {}
    for system in systems:
        for row in judged[(testset, system)]:
            if row["pointwise"]["status"] == "ok":
                totals.setdefault(row["id"], {})[system] = row["pointwise"]["total"]
    complete = {sid: t for sid, t in totals.items() if len(t) == len(systems)}
    sample_file = Path(human_dir, "samples.jsonl")
    ranked = report.get("mean_rank_per_sample") or {}
    samples = [r["sample_id"] for r in read_jsonl(sample_file)] if sample_file.exists() else sorted(ranked)
    taus = []
    for sid, ranks in sorted(ranked.items()):
        if sid in complete and len(systems) >= 2:
            tau = kendall_tau(complete[sid], {s: ranks[s] for s in systems})
            if not math.isnan(tau):
                taus.append(tau)
    on = [sid for sid in samples if sid in complete]
    wins = [judge_win1(complete[sid]) for sid in on]
    judge_w1 = {s: _ci([w[s] for w in wins], boot, scale=100.0) for s in systems}
    human = summary.get("systems", {})
    unjudged = [s for s in report["systems"] if s not in systems]
    return {
        "unjudged": unjudged,
        "status": "ok" if ranked else PENDING,
        "systems": systems,
        "tau": _ci(taus, boot),
        "tau_n": len(taus),
        "judge_win1": judge_w1,
        "judge_win1_n": len(wins),
        "human_win1": {s: human.get(s, {}) for s in systems},
        "human_judgments": summary.get("n_judgments", 0),
    }


CSV_BASE = ["test_set", "system", "judge", "n", "failed"]


def csv_columns(rubric: Rubric) -> list[str]:
    cols = list(CSV_BASE)
    for key in (*rubric.keys, "total"):
        cols += [key, f"{key} low", f"{key} high"]
    cols += ["reference", "pairwise n", *[f"{o} %" for o in OUTCOMES], "win % low", "win % high"]
    cols += ["first position %", "crisis flagged", "referral %", "referral % low", "referral % high"]
    cols += ["safety on flagged", "judge Win@1", "judge Win@1 low", "judge Win@1 high"]
    cols += ["human Win@1", "human Win@1 low", "human Win@1 high"]
    cols += ["tau", "tau low", "tau high", "tau n"]
    return cols


def build_records(
    judged: dict[tuple[str, str], list[dict[str, Any]]],
    rubric: Rubric,
    human_dirs: dict[str, str],
    boot: dict[str, int],
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """One CSV record per judged (test set, system) and the agreement per test set."""
    testsets = list(dict.fromkeys(t for t, _ in judged))
    agree = {t: agreement(judged, t, human_dirs.get(t), boot) for t in testsets}
    for t in testsets:
        agree[t]["position_bias"] = position_bias([r for (ts, _), rows in judged.items() if ts == t for r in rows])
    records = []
    for (testset, system), rows in judged.items():
        fig = system_figures(rows, rubric, boot)
        rec: dict[str, Any] = {"test_set": testset, "system": system, **{k: fig[k] for k in ("judge", "n", "failed")}}
        for key in (*rubric.keys, "total"):
            rec[key], rec[f"{key} low"], rec[f"{key} high"] = (fig[key][k] for k in ("value", "low", "high"))
        rec.update({"reference": fig["reference"] or "", "pairwise n": fig["pairwise_n"]})
        for outcome in OUTCOMES:
            rec[f"{outcome} %"] = fig[outcome]["value"]
        rec["win % low"], rec["win % high"] = fig["win"]["low"], fig["win"]["high"]
        rec["first position %"] = fig["first_position_share"]
        rec["crisis flagged"] = fig["crisis_flagged"]
        rec["referral %"], rec["referral % low"], rec["referral % high"] = (
            fig["referral"][k] for k in ("value", "low", "high")
        )
        rec["safety on flagged"] = fig["safety_on_flagged"]["value"]
        ag = agree[testset]
        judge_w1 = ag["judge_win1"].get(system) or {}
        rec["judge Win@1"], rec["judge Win@1 low"], rec["judge Win@1 high"] = (
            judge_w1.get(k, math.nan) for k in ("value", "low", "high")
        )
        human = ag["human_win1"].get(system) or {}
        rec["human Win@1"] = human.get("Win@1")
        rec["human Win@1 low"], rec["human Win@1 high"] = human.get("Win@1 low"), human.get("Win@1 high")
        rec["tau"], rec["tau low"], rec["tau high"] = (ag["tau"][k] for k in ("value", "low", "high"))
        rec["tau n"] = ag["tau_n"]
        records.append(rec)
    return records, agree


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


def write_csv(path: str | os.PathLike[str], records: Sequence[dict[str, Any]], rubric: Rubric) -> None:
    cols = csv_columns(rubric)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=cols)
        writer.writeheader()
        for rec in records:
            writer.writerow({c: _cell(rec.get(c)) for c in cols})


def _num(value: Any, decimals: int = 3, low: Any = None, high: Any = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:.{decimals}f}"
    if low is not None and high is not None and not (math.isnan(low) or math.isnan(high)):
        text += f" [{low:.{decimals}f}, {high:.{decimals}f}]"
    return text


def markdown(records: Sequence[dict[str, Any]], agree: dict[str, dict[str, Any]], rubric: Rubric) -> str:
    """Table 5 in Markdown: means with 95% CIs, pairwise shares, crisis safety, judge vs human Win@1."""
    dims = [f"{d.name} {d.key} (0-{d.max})" for d in rubric.dimensions]
    head = ["Test set", "System", "n", "Failed", *dims, f"Total (0-{rubric.max_total})", "Reference"]
    head += ["Win %", "Loss %", "Tie %", "Inconsistent %", "First shown %", "Crisis posts", "Referral %"]
    head += ["Safety on crisis posts", "Judge Win@1", "Human Win@1"]
    lines = ["# Table 5: rubric judge, crisis safety and agreement with human rankings", ""]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for rec in records:
        cells = [rec["test_set"], rec["system"], str(rec["n"]), str(rec["failed"])]
        cells += [_num(rec[k], 2, rec[f"{k} low"], rec[f"{k} high"]) for k in (*rubric.keys, "total")]
        cells.append(rec["reference"] or "—")
        cells.append(_num(rec["win %"], 1, rec["win % low"], rec["win % high"]))
        cells += [_num(rec[f"{o} %"], 1) for o in OUTCOMES[1:]]
        cells += [_num(rec["first position %"], 1), str(rec["crisis flagged"])]
        cells.append(_num(rec["referral %"], 1, rec["referral % low"], rec["referral % high"]))
        cells.append(_num(rec["safety on flagged"], 2))
        pending = agree[rec["test_set"]]["status"] == PENDING
        cells.append(_num(rec["judge Win@1"], 1, rec["judge Win@1 low"], rec["judge Win@1 high"]))
        human = rec["human Win@1"]
        cells.append(
            PENDING if pending or human is None else _num(human, 1, rec["human Win@1 low"], rec["human Win@1 high"])
        )
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    judges = sorted({r["judge"] for r in records})
    lines.append(f"Judge: {', '.join(judges)}; rubric version {rubric.version} (resources/prompts/judge_rubric.yaml).")
    for testset, ag in agree.items():
        bias = ag["position_bias"]
        if bias["decisive"]:
            lines.append(
                f"{testset}: position bias: {bias['first']} of {bias['decisive']} decisive pairwise verdicts "
                f"({bias['first_share']:.1f}%) chose the answer shown first (binomial test against 50%: "
                f"p = {bias['p_value']:.3g})."
            )
        if ag["unjudged"]:
            lines.append(
                f"{testset}: ranked by people but not judged: {', '.join(ag['unjudged'])}; the judge's ranking, its "
                "Win@1 and tau cover the other ranked systems only, the human Win@1 all of them."
            )
        if ag["status"] == PENDING:
            lines.append(f"{testset}: agreement with human rankings pending (no rankings yet).")
        else:
            tau = ag["tau"]
            lines.append(
                f"{testset}: Kendall's tau-b between the judge's and the annotators' mean ranking, mean over "
                f"{ag['tau_n']} samples {_num(tau['value'], 3, tau['low'], tau['high'])}; judge Win@1 on "
                f"{ag['judge_win1_n']} evaluation samples, human Win@1 from {ag['human_judgments']} judgments."
            )
    lines += [
        "",
        "Means over items whose judge reply validated (failed items are counted, never scored), 95% percentile "
        "bootstrap CI over items in brackets. Pairwise: the system's answer against the reference system's, judged "
        "in both presentation orders; win, loss and tie count only when both orders agree. First shown %: share of "
        "decisive verdicts for the answer shown first (50 without position bias). Crisis posts: posts with a term of "
        "the crisis lexicon (suicide, self-harm, abuse); Referral %: share of their answers that point to "
        "professional or crisis help (referral lexicon), checked without a judge. Judge Win@1: share of the human "
        "evaluation samples on which the judge ranks the system first (ties shared).",
        "",
    ]
    return "\n".join(lines)


def plot(path: str | os.PathLike[str], records: Sequence[dict[str, Any]], rubric: Rubric) -> None:
    """Per test set: each system's mean score per dimension as a share of its maximum, with 95% CI whiskers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    testsets = list(dict.fromkeys(r["test_set"] for r in records))
    fig, axes = plt.subplots(1, len(testsets), figsize=(7 * len(testsets), 4.8), squeeze=False)
    dims = [*rubric.dimensions]
    for ax, testset in zip(axes[0], testsets, strict=True):
        recs = [r for r in records if r["test_set"] == testset]
        width = 0.8 / max(1, len(recs))
        for i, rec in enumerate(recs):
            xs = [j + (i - (len(recs) - 1) / 2) * width for j in range(len(dims))]
            values = [_share(rec[d.key], d.max) for d in dims]
            errors = [
                [max(0.0, v - _share(rec[f"{d.key} low"], d.max)) for v, d in zip(values, dims, strict=True)],
                [max(0.0, _share(rec[f"{d.key} high"], d.max) - v) for v, d in zip(values, dims, strict=True)],
            ]
            ax.bar(xs, values, width, yerr=errors, capsize=2, label=rec["system"])
        ax.set_xticks(range(len(dims)), [d.key for d in dims], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("mean score / maximum")
        ax.set_title(testset, fontsize=9)
        ax.legend(fontsize=6, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
    judges = ", ".join(sorted({r["judge"] for r in records}))
    fig.suptitle(f"Table 5: rubric judge scores ({judges})", fontsize=10)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)


def _share(value: float | None, maximum: int) -> float:
    return 0.0 if value is None or math.isnan(value) else value / maximum


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--judged", nargs="+", required=True, help="results/judge/{testset}/{system}.jsonl files")
    parser.add_argument("--rubric", required=True, help="resources/prompts/judge_rubric.yaml")
    parser.add_argument("--human", nargs="*", default=[], help="TESTSET=results/human/{testset} directories")
    parser.add_argument("--outputs", nargs=3, required=True, help="table5.csv table5.md table5.png")
    args = parser.parse_args(argv)
    try:
        boot = args.params["judge.bootstrap"]
    except KeyError as err:
        raise InputError("--params lacks judge.bootstrap") from err
    human_dirs = dict(item.split("=", 1) for item in args.human)
    csv_path, md_path, png_path = args.outputs
    human_files = [
        Path(d, n) for d in human_dirs.values() for n in ("agreement.json", "summary.json", "samples.jsonl")
    ]
    inputs = [*args.judged, args.rubric, *[p for p in human_files if p.exists()]]
    with recorded_step(args.rule, inputs, args.outputs, args.params, int(boot["seed"])) as facts:
        rubric = load_rubric(args.rubric)
        records, agree = build_records(load_judged(args.judged), rubric, human_dirs, boot)
        write_csv(csv_path, records, rubric)
        with atomic_path(md_path) as tmp:
            tmp.write_text(markdown(records, agree, rubric), encoding="utf-8")
        plot(png_path, records, rubric)
        facts.update(rows=len(records), rubric_version=rubric.version)
        facts["agreement"] = {
            t: {"status": a["status"], "tau_n": a["tau_n"], "position_bias": a["position_bias"]}
            for t, a in agree.items()
        }
    log.info("table5 written: %d rows (%s)", len(records), facts["agreement"])


if __name__ == "__main__":
    run_main(main)
