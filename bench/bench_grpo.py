"""GRPO figures side by side: mean val reward of each variant, initial vs trained model; reward trend, step time.

Reads what the grpo rule wrote (results/models/<variant>/eval.json and rewards.csv); trains nothing.

    python bench/bench_grpo.py [--models results/models]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from statistics import mean


def curve_summary(path: Path) -> dict:
    """First/last-quarter mean total reward of the training curve and the mean step time."""
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    totals = [float(r["total"]) for r in rows if r["total"]]
    quarter = max(1, len(totals) // 4)
    times = [float(r["step_time"]) for r in rows if r.get("step_time")]
    return {
        "steps": len(rows),
        "train_total_first_quarter": mean(totals[:quarter]) if totals else float("nan"),
        "train_total_last_quarter": mean(totals[-quarter:]) if totals else float("nan"),
        "step_seconds": mean(times) if times else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="results/models", help="dir holding the GRPO variant dirs")
    args = parser.parse_args()
    found = sorted(p.parent for p in Path(args.models).glob("*/eval.json") if (p.parent / "rewards.csv").exists())
    if not found:
        print(f"no GRPO outputs (eval.json + rewards.csv) under {args.models}; run `snakemake results/models/grpo`")
        return
    header = f"{'variant':<12}{'init':<11}{'part':<8}{'initial':>9}{'trained':>9}{'delta':>8}"
    print(header)
    for out in found:
        report = json.loads((out / "eval.json").read_text(encoding="utf-8"))
        init = Path(report.get("init", "?")).name
        for part in ("format", "answer", "total"):
            a, b = report["initial"][part], report["trained"][part]
            print(f"{out.name:<12}{init:<11}{part:<8}{a:>9.3f}{b:>9.3f}{b - a:>+8.3f}")
        curve = curve_summary(out / "rewards.csv")
        print(
            f"{'':<12}training curve: {curve['steps']} steps, mean total reward first quarter "
            f"{curve['train_total_first_quarter']:.3f} -> last quarter {curve['train_total_last_quarter']:.3f}; "
            f"{curve['step_seconds']:.2f} s/step; val {report['n_prompts']} prompts x "
            f"{report['sampling']['samples_per_prompt']} samples at temperature {report['sampling']['temperature']}"
        )


if __name__ == "__main__":
    main()
