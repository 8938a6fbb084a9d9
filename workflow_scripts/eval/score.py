"""Automatic metrics of one system on one test set (rule score): ../shared/METRICS.md, exactly.

Each response (its answer, CoE stripped; unparseable output as is) is scored against every human
answer of its test item, averaged over references. The JSON holds the corpus scores, bootstrap 95%
confidence intervals over items, per-item scores and the count of unparseable outputs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, read_jsonl, write_json
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.eval import metrics
from workflow_scripts.eval.generate import load_test_items

log = logging.getLogger(__name__)


def pair_with_references(rows: Sequence[dict], items: Sequence[dict], where: str) -> tuple[list[str], list[list[str]]]:
    """Hypotheses and their reference lists in test order; every test item answered exactly once."""
    by_id: dict[str, dict] = {}
    for row in rows:
        rid = row.get("id")
        if rid in by_id:
            raise InputError(f"{where}: test id {rid!r} answered twice; delete the file and rerun generation")
        by_id[rid] = row
    expected = {it["id"] for it in items}
    extra = sorted(set(by_id) - expected)
    missing = sorted(expected - set(by_id))
    if extra or missing:
        raise InputError(
            f"{where}: responses do not match the test set (missing {missing[:3]}, unknown {extra[:3]}); "
            "rerun generation with the same generate.test_sets settings"
        )
    hyps = []
    for it in items:
        answer = by_id[it["id"]].get("answer")
        if not isinstance(answer, str):
            raise InputError(f"{where}: row {it['id']!r} has no string 'answer'")
        hyps.append(answer)
    return hyps, [it["references"] for it in items]


def score_system(
    rows: Sequence[dict], items: Sequence[dict], n_boot: int, seed: int, where: str = "generations"
) -> dict[str, Any]:
    """Corpus scores, 95% CIs, per-item scores and unparseable counts of one system's responses."""
    hyps, refs = pair_with_references(rows, items, where)
    corpus = metrics.corpus_scores(hyps, refs)
    per_item = metrics.item_scores(hyps, refs)
    ci = metrics.bootstrap_ci(hyps, refs, n_boot=n_boot, seed=seed, level=0.95)
    by_id = {r["id"]: r for r in rows}
    unparseable = [it["id"] for it in items if not by_id[it["id"]].get("parsed", False)]
    return {
        "n": len(items),
        "corpus": corpus,
        "ci95": ci,
        "bootstrap": {"resamples": n_boot, "seed": seed, "level": 0.95, "method": "percentile, items resampled"},
        "unparseable": len(unparseable),
        "unparseable_share": len(unparseable) / len(items),
        "unparseable_ids": unparseable,
        "expects_format": bool(rows[0].get("expects_format", False)) if rows else False,
        "empty_answers": sum(not h.strip() for h in hyps),
        "items": [
            {"id": it["id"], **{key: per_item[key][i] for key in metrics.ITEM_KEYS}} for i, it in enumerate(items)
        ],
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--system", required=True, help="system name")
    parser.add_argument("--testset", required=True, help="test set name under generate.test_sets")
    parser.add_argument("--generations", required=True, help="results/generations/{testset}/{system}.jsonl")
    parser.add_argument("--test", required=True, help="the test parquet (references: its answers column)")
    parser.add_argument("--output", required=True, help="results/metrics/{testset}/{system}.json")
    args = parser.parse_args(argv)
    params = args.params
    testset = params[f"generate.test_sets.{args.testset}"]
    boot = params["tables.bootstrap"]
    seed = int(boot["seed"])
    with recorded_step(args.rule, [args.generations, args.test], [args.output], params, seed) as facts:
        items = load_test_items(args.test, testset.get("max_items"))
        rows = read_jsonl(args.generations)
        result = score_system(rows, items, int(boot["resamples"]), seed, where=args.generations)
        result.update(system=args.system, testset=args.testset)
        write_json(args.output, result)
        facts.update(n=result["n"], unparseable=result["unparseable"], NAvg=result["corpus"]["NAvg"])
    log.info("%s on %s: %s", args.system, args.testset, {k: round(v, 4) for k, v in result["corpus"].items()})


if __name__ == "__main__":
    run_main(main)
