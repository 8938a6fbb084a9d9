"""The human-evaluation set: a seeded, topic-stratified sample per test set, and the items to rank.

``--make samples`` draws ``human.samples_per_testset`` questions from a test set (paper: 100) --
from the items generation covers (``generate.test_sets.{testset}.max_items``: the first N by qid) --
allocated to topics in proportion to their share of the test set (largest remainder), seeded, so
the evaluation set looks like the test set and the same config always draws the same questions.
``--make items`` joins the sample with every ranked system's generation
(results/generations/{testset}/{system}.jsonl: one object per test question with ``id`` (the qid)
and ``answer``, the scored text with the CoE stripped) into results/human/{testset}/items.jsonl,
the file the ranking app serves and the aggregation reads. System names stay in this file on the
server; annotators only see letters.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from typing import Any

import pandas as pd

from workflow_scripts import coe
from workflow_scripts.annotate.storage import SAMPLE_PATTERN, check_id
from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, read_jsonl, read_parquet, write_jsonl
from workflow_scripts.common.provenance import recorded_step

log = logging.getLogger(__name__)
# Where a generation row keeps the text that is scored (the CoE stripped): first key present wins.
RESPONSE_KEYS = ("answer", "response", "final_answer", "text", "output", "completion")


def allocate(counts: dict[str, int], n: int) -> dict[str, int]:
    """Split ``n`` over strata in proportion to ``counts`` (largest remainder, ties by stratum id)."""
    total = sum(counts.values())
    if n >= total:
        return dict(counts)
    quotas = {k: n * c / total for k, c in counts.items()}
    alloc = {k: min(counts[k], math.floor(q)) for k, q in quotas.items()}
    order = sorted(counts, key=lambda k: (-(quotas[k] - math.floor(quotas[k])), k))
    while sum(alloc.values()) < n:
        for key in order:
            if sum(alloc.values()) >= n:
                break
            if alloc[key] < counts[key]:
                alloc[key] += 1
    return alloc


def stratified_sample(frame: pd.DataFrame, n: int, seed: int, testset: str) -> list[dict[str, Any]]:
    """``n`` questions stratified by topic_id, seeded; rows carry what annotators need to read."""
    frame = frame.sort_values("qid", kind="stable")
    counts = frame.groupby("topic_id", dropna=False).size().to_dict()
    counts = {str(k): int(v) for k, v in counts.items()}
    alloc = allocate(counts, n)
    rng = random.Random(f"{seed}|{testset}")
    picked: list[dict[str, Any]] = []
    for topic in sorted(alloc):
        rows = frame[frame["topic_id"].astype(str) == topic].to_dict("records")
        picked.extend(rng.sample(rows, alloc[topic]))
    rng.shuffle(picked)
    out = []
    for row in picked:
        answers = list(row.get("answers") if row.get("answers") is not None else [])
        out.append(
            {
                "testset": testset,
                "sample_id": check_id(str(row["qid"]), "qid", SAMPLE_PATTERN),
                "qid": str(row["qid"]),
                "topic_id": str(row.get("topic_id")),
                "topic": row.get("topic"),
                "title": row.get("title") or "",
                "description": row.get("description") or "",
                "references": [str(a) for a in answers],
            }
        )
    return out


def response_text(row: dict[str, Any], where: str) -> str:
    """The scored answer of one generation row (a full CoE completion is reduced to its answer)."""
    for key in RESPONSE_KEYS:
        if isinstance(row.get(key), str):
            text = row[key]
            return coe.extract_answer(text)[0] if key == "completion" else text
    raise InputError(f"{where}: no response text (expected one of {list(RESPONSE_KEYS)})")


def build_items(
    samples: list[dict[str, Any]], generations: dict[str, list[dict[str, Any]]], where: dict[str, str]
) -> list[dict[str, Any]]:
    """One item per sample: the question and every system's response (system names kept server-side)."""
    by_system: dict[str, dict[str, str]] = {}
    for system, rows in generations.items():
        check_id(system, "system")
        by_system[system] = {
            str(r.get("id", r.get("qid"))): response_text(r, f"{where[system]}:{n}")
            for n, r in enumerate(rows, start=1)
        }
    items = []
    for sample in samples:
        responses = []
        for system in sorted(by_system):
            text = by_system[system].get(sample["qid"])
            if text is None:
                raise InputError(
                    f"{where[system]}: no generation for sampled question {sample['qid']}; rerun generation"
                )
            responses.append({"system": system, "text": text})
        items.append({**sample, "responses": responses})
    return items


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser("Sample the human-evaluation set (stratified by topic) and build the items to rank.")
    parser.add_argument("--make", choices=("samples", "items"), required=True)
    parser.add_argument("--testset", required=True, help="test set name (the {testset} wildcard)")
    parser.add_argument("--test", help="test split parquet (--make samples)")
    parser.add_argument("--samples", required=True, help="results/human/{testset}/samples.jsonl")
    parser.add_argument("--generations", nargs="*", default=[], help="generations/{testset}/{system}.jsonl")
    parser.add_argument("--output", help="results/human/{testset}/items.jsonl (--make items)")
    args = parser.parse_args(argv)
    check_id(args.testset, "testset")
    if args.make == "samples":
        test_set = args.params.get(f"generate.test_sets.{args.testset}") or {}
        if not args.test or "human.seed" not in args.params or "human.samples_per_testset" not in args.params:
            raise InputError("--make samples needs --test and 'human.seed', 'human.samples_per_testset' in --params")
        seed, n = int(args.params["human.seed"]), int(args.params["human.samples_per_testset"])
        cap = test_set.get("max_items")
        with recorded_step(args.rule, [args.test], [args.samples], params=args.params, seed=seed) as facts:
            frame = read_parquet(args.test, required=("qid", "title", "description", "topic_id"))
            frame = frame.sort_values("qid", kind="stable")
            if cap is not None:
                frame = frame.head(int(cap))  # generation covers only these
            samples = stratified_sample(frame, n, seed, args.testset)
            write_jsonl(args.samples, samples)
            topics: dict[str, int] = {}
            for s in samples:
                topics[s["topic_id"]] = topics.get(s["topic_id"], 0) + 1
            facts.update(test_rows=len(frame), sampled=len(samples), per_topic=dict(sorted(topics.items())))
        log.info("sampled %d of %d questions from %s", len(samples), len(frame), args.test)
        return
    if not (args.output and args.generations):
        raise InputError("--make items needs --output and --generations")
    inputs = [args.samples, *args.generations]
    with recorded_step(args.rule, inputs, [args.output], params=args.params) as facts:
        samples = read_jsonl(args.samples)
        where = {}
        generations = {}
        for path in args.generations:
            system = path.rsplit("/", 1)[-1].removesuffix(".jsonl")
            where[system] = path
            generations[system] = read_jsonl(path)
        items = build_items(samples, generations, where)
        write_jsonl(args.output, items)
        facts.update(items=len(items), systems=sorted(generations))


if __name__ == "__main__":
    run_main(main)
