"""Pick the posts the teacher is asked about: a seeded sample of train, stratified by topic.

Stratifying keeps the SFT chains' topic mix equal to the training set's, so a rare topic is
not lost by chance. Allocation is proportional (largest remainder); order is shuffled by the
seed so the first N approved chains are themselves a fair sample.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from typing import Any

import pandas as pd

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, read_parquet, write_jsonl
from workflow_scripts.common.provenance import recorded_step

log = logging.getLogger(__name__)
REQUIRED = ("qid", "title", "description", "answers", "topic_id", "topic")


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Split ``total`` over strata proportionally to ``sizes`` (largest remainder, capped by size)."""
    available = sum(sizes.values())
    total = min(total, available)
    if total <= 0:
        return dict.fromkeys(sizes, 0)
    quotas = {key: total * size / available for key, size in sizes.items()}
    counts = {key: min(int(q), sizes[key]) for key, q in quotas.items()}
    # Hand out what is left by largest remainder; ties broken by stratum name for stable output.
    order = sorted(sizes, key=lambda k: (-(quotas[k] - int(quotas[k])), k))
    while sum(counts.values()) < total:
        for key in order:
            if sum(counts.values()) >= total:
                break
            if counts[key] < sizes[key]:
                counts[key] += 1
    return counts


def reference_answer(answers: Any) -> str:
    """The human answer the chain must lead to: the first (clean keeps the site's order)."""
    answers = [str(a).strip() for a in (list(answers) if answers is not None else []) if str(a).strip()]
    return answers[0] if answers else ""


def select_candidates(train: pd.DataFrame, n: int, seed: int) -> list[dict[str, Any]]:
    """Seeded, topic-stratified sample of ``n`` posts that have a reference answer."""
    rows = [
        {
            "qid": str(r.qid),
            "topic_id": str(r.topic_id),
            "topic": str(r.topic),
            "title": str(r.title or ""),
            "description": str(r.description or ""),
            "answer": reference_answer(r.answers),
        }
        for r in train.itertuples(index=False)
    ]
    rows = [row for row in rows if row["answer"]]
    strata: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: r["qid"]):
        strata.setdefault(row["topic_id"], []).append(row)
    counts = allocate({key: len(items) for key, items in strata.items()}, n)
    rng = random.Random(seed)
    picked: list[dict[str, Any]] = []
    for key in sorted(strata):
        picked.extend(rng.sample(strata[key], counts[key]))
    rng.shuffle(picked)
    return picked


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser("Select distillation candidates from the train split, stratified by topic.")
    parser.add_argument("--train", required=True, help="results/splits/train.parquet")
    parser.add_argument("--output", required=True, help="results/distill/selected.jsonl")
    args = parser.parse_args(argv)
    if "seed" not in args.params or "distill.n_candidates" not in args.params:
        raise InputError("--params must carry 'seed' and 'distill.n_candidates'")
    seed, n = int(args.params["seed"]), int(args.params["distill.n_candidates"])
    if n <= 0:
        raise InputError("--params: distill.n_candidates must be a positive integer")
    with recorded_step(args.rule, [args.train], [args.output], params=args.params, seed=seed) as facts:
        train = read_parquet(args.train, required=REQUIRED)
        picked = select_candidates(train, n, seed)
        if len(picked) < n:
            log.warning("asked for %d candidates, train has only %d posts with an answer", n, len(picked))
        write_jsonl(args.output, picked)
        facts.update(
            train_rows=len(train),
            requested=n,
            selected=len(picked),
            per_topic=pd.Series([p["topic_id"] for p in picked]).value_counts().sort_index().to_dict(),
        )
        log.info("selected %d candidates over %d topics", len(picked), len(facts["per_topic"]))


if __name__ == "__main__":
    run_main(main)
