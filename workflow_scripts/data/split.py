"""Split stage: seeded, grouped, topic-stratified train/val/test with a leakage check that fails the rule.

Reads ``results/labeled/posts.parquet``; writes ``results/splits/{train,val,test}.parquet`` (labeled
columns + ``group_id``) and ``results/splits/report.json``.

1. **Groups.** Questions whose normalised title + description are near duplicates (datasketch MinHash
   over character shingles, MinHashLSH candidates confirmed by estimated Jaccard >= threshold) are
   joined by union-find into one group; ``group_id`` is the group's smallest qid. The clean step
   already removed near duplicates at its own, stricter threshold; this one is looser on purpose,
   because a paraphrase that is not a duplicate can still leak an answer into training.
2. **Test, then val.** Whole groups are drawn (seeded shuffle) per topic so that each topic gets its
   share of the test size (largest-remainder allocation over topics): the test set has the corpus's
   topic distribution. Val is drawn the same way from what is left; the rest is train.
3. **Leakage check** (``check_leakage``), on the written frames and recomputed from text, not from
   ``group_id``: no qid in two splits, no group in two splits, and no test question with an LSH
   near duplicate (Jaccard >= threshold) in train or val. A failure raises ``LeakageError``, so the
   rule fails and no split is written.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, read_parquet, write_json, write_parquet
from workflow_scripts.common.provenance import recorded_step
from workflow_scripts.data.clean import normalise, shingles

logger = logging.getLogger(__name__)

SPLITS = ("train", "val", "test")
LABELED_REQUIRED = ("qid", "title", "description", "topic_id")


class LeakageError(RuntimeError):
    """A test question (or its near duplicate) is also in train or val: the split must not be used."""


@dataclasses.dataclass(frozen=True)
class SplitSettings:
    """The ``split`` config section plus the global seed."""

    test_size: float
    val_size: float
    num_perm: int
    shingle_size: int
    threshold: float
    seed: int

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> SplitSettings:
        try:
            split, near = params["split"], params["split"]["near_duplicate"]
            return cls(
                test_size=float(split["test_size"]),
                val_size=float(split["val_size"]),
                num_perm=int(near["num_perm"]),
                shingle_size=int(near["shingle_size"]),
                threshold=float(near["threshold"]),
                seed=int(params["seed"]),
            )
        except (KeyError, TypeError) as err:
            raise InputError(f"--params lacks split setting {err}; pass settings('split', 'seed')") from err


def resolve_size(size: float, n: int, what: str) -> int:
    """A size from config: < 1 is a share of ``n`` (rounded), >= 1 a count; more than ``n`` is an error."""
    count = round(size * n) if size < 1 else int(size)
    if count > n:
        raise InputError(f"split.{what} asks for {count} questions but only {n} are available; lower it")
    return count


# --------------------------------------------------------------------------- near-duplicate groups


def _minhashes(texts: Sequence[str], settings: SplitSettings) -> list[Any]:
    from datasketch import LeanMinHash, MinHash

    sets = [shingles(normalise(t), settings.shingle_size) or [b""] for t in texts]
    return [LeanMinHash(m) for m in MinHash.bulk(sets, num_perm=settings.num_perm, seed=settings.seed)]


def question_texts(frame: pd.DataFrame) -> list[str]:
    return (frame["title"].fillna("").astype(str) + "\n" + frame["description"].fillna("").astype(str)).tolist()


def near_duplicate_pairs(texts: Sequence[str], settings: SplitSettings) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) whose estimated Jaccard similarity reaches the threshold."""
    from datasketch import MinHashLSH

    hashes = _minhashes(texts, settings)
    lsh = MinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm)
    pairs = []
    for i, mh in enumerate(hashes):
        pairs.extend((j, i, round(sim, 4)) for j, sim in _confirmed_matches(lsh, mh, hashes, settings.threshold))
        lsh.insert(i, mh)
    return pairs


def _confirmed_matches(lsh: Any, mh: Any, indexed: Sequence[Any], threshold: float) -> list[tuple[int, float]]:
    """LSH candidates of ``mh`` whose estimated Jaccard with it reaches ``threshold`` (index order)."""
    found = []
    for j in sorted(lsh.query(mh)):
        sim = float(mh.jaccard(indexed[j]))
        if sim >= threshold:
            found.append((j, sim))
    return found


def group_ids(qids: Sequence[str], pairs: Sequence[tuple[int, int, float]]) -> list[str]:
    """Union-find over near-duplicate pairs; each question's group id is its group's smallest qid."""
    parent = list(range(len(qids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[str]] = defaultdict(list)
    for i, q in enumerate(qids):
        members[find(i)].append(q)
    smallest = {root: min(qs) for root, qs in members.items()}
    return [smallest[find(i)] for i in range(len(qids))]


# --------------------------------------------------------------------------- stratified group sampling


def allocate(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Largest-remainder allocation of ``total`` over keys in proportion to ``weights`` (ties by key)."""
    size = sum(weights.values())
    if size == 0 or total == 0:
        return dict.fromkeys(weights, 0)
    exact = {k: total * w / size for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def draw_groups(frame: pd.DataFrame, n: int, rng: random.Random) -> set[str]:
    """Whole groups totalling about ``n`` questions, each topic getting its share of ``n``.

    A group belongs to the topic of its first member (qid order). Groups are taken in a seeded random
    order per topic while they fit the topic's quota; a short topic quota is then topped up from the
    remaining groups so the total is exactly ``n`` whenever the group sizes allow it.
    """
    if n == 0:
        return set()
    groups = frame.sort_values("qid").groupby("group_id", sort=True)
    topic_of = {g: part["topic_id"].iloc[0] for g, part in groups}
    size_of = {g: len(part) for g, part in groups}
    by_topic: dict[str, list[str]] = defaultdict(list)
    for g in sorted(topic_of):
        by_topic[topic_of[g]].append(g)
    quota = allocate(n, {t: sum(size_of[g] for g in gs) for t, gs in by_topic.items()})
    chosen: set[str] = set()
    leftovers: list[str] = []
    for topic in sorted(by_topic):
        pool = list(by_topic[topic])
        rng.shuffle(pool)
        room = quota[topic]
        for g in pool:
            if size_of[g] <= room:
                chosen.add(g)
                room -= size_of[g]
            else:
                leftovers.append(g)
    room = n - sum(size_of[g] for g in chosen)
    rng.shuffle(leftovers)
    for g in leftovers:
        if room <= 0:
            break
        if size_of[g] <= room:
            chosen.add(g)
            room -= size_of[g]
    return chosen


def assign_splits(frame: pd.DataFrame, settings: SplitSettings) -> pd.DataFrame:
    """Add ``group_id`` and ``split`` columns (test first, then val, rest train)."""
    frame = frame.sort_values("qid", kind="stable").reset_index(drop=True)
    pairs = near_duplicate_pairs(question_texts(frame), settings)
    frame["group_id"] = group_ids(frame["qid"].tolist(), pairs)
    n = len(frame)
    n_test = resolve_size(settings.test_size, n, "test_size")
    n_val = resolve_size(settings.val_size, n, "val_size")
    if n_test + n_val > n:
        raise InputError(f"split: test ({n_test}) + val ({n_val}) exceed the {n} labelled questions")
    rng = random.Random(settings.seed)
    test_groups = draw_groups(frame, n_test, rng)
    rest = frame[~frame["group_id"].isin(test_groups)]
    val_groups = draw_groups(rest, n_val, rng)
    frame["split"] = "train"
    frame.loc[frame["group_id"].isin(val_groups), "split"] = "val"
    frame.loc[frame["group_id"].isin(test_groups), "split"] = "test"
    return frame


# --------------------------------------------------------------------------- leakage check


def check_leakage(splits: dict[str, pd.DataFrame], settings: SplitSettings) -> dict[str, Any]:
    """Raise LeakageError if a test question, its group or a near duplicate of it is in train or val.

    Recomputes near duplicates from text (not from ``group_id``), so a wrong grouping is caught too.
    Returns the counts checked.
    """
    problems: list[str] = []
    seen: dict[str, str] = {}
    for name in SPLITS:
        for qid in splits[name]["qid"]:
            if qid in seen:
                problems.append(f"qid {qid} is in both {seen[qid]} and {name}")
            seen.setdefault(qid, name)
    group_split: dict[str, str] = {}
    for name in SPLITS:
        for gid in set(splits[name]["group_id"]):
            if gid in group_split and group_split[gid] != name:
                problems.append(f"group {gid} is in both {group_split[gid]} and {name}")
            group_split.setdefault(gid, name)
    test = splits["test"]
    others = pd.concat([splits["train"], splits["val"]], ignore_index=True)
    near = 0
    if len(test) and len(others):
        from datasketch import MinHashLSH

        other_hashes = _minhashes(question_texts(others), settings)
        lsh = MinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm)
        for i, mh in enumerate(other_hashes):
            lsh.insert(i, mh)
        for qid, mh in zip(test["qid"], _minhashes(question_texts(test), settings), strict=True):
            for j, sim in _confirmed_matches(lsh, mh, other_hashes, settings.threshold):
                near += 1
                problems.append(f"test {qid} is a near duplicate (Jaccard {sim:.2f}) of {others['qid'].iloc[j]}")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; ... {len(problems) - 10} more" if len(problems) > 10 else "")
        raise LeakageError(f"split leakage, {len(problems)} problem(s): {shown}")
    return {
        "qids_checked": len(seen),
        "groups_checked": len(group_split),
        "near_duplicate_leaks": near,
        "passed": True,
    }


# --------------------------------------------------------------------------- step


def topic_shares(frame: pd.DataFrame) -> dict[str, float]:
    counts = frame["topic_id"].value_counts()
    return {t: round(int(c) / len(frame), 4) for t, c in sorted(counts.items())} if len(frame) else {}


def split_posts(frame: pd.DataFrame, settings: SplitSettings) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Split a labeled frame; return the three frames (leakage-checked) and the report."""
    assigned = assign_splits(frame, settings)
    splits = {
        name: assigned[assigned["split"] == name].drop(columns="split").reset_index(drop=True) for name in SPLITS
    }
    leakage = check_leakage(splits, settings)
    groups = assigned.groupby("group_id").size()
    report = {
        "settings": dataclasses.asdict(settings),
        "questions": len(assigned),
        "sizes": {name: len(part) for name, part in splits.items()},
        "groups": len(groups),
        "multi_question_groups": int((groups > 1).sum()),
        "largest_group": int(groups.max()) if len(groups) else 0,
        "topic_shares": {name: topic_shares(part) for name, part in splits.items()},
        "corpus_topic_shares": topic_shares(assigned),
        "leakage_check": leakage,
    }
    return splits, report


def run_split(
    labeled: str | Path, outputs: dict[str, str | Path], report_path: str | Path, params: dict[str, Any],
    rule: str = "split",
) -> dict[str, Any]:  # fmt: skip
    """The whole step with provenance; nothing is written when the leakage check fails."""
    settings = SplitSettings.from_params(params)
    frame = read_parquet(labeled, LABELED_REQUIRED)
    with recorded_step(rule, [labeled], [*outputs.values(), report_path], params, settings.seed) as facts:
        splits, report = split_posts(frame, settings)
        for name in SPLITS:
            write_parquet(outputs[name], splits[name])
        write_json(report_path, report)
        facts.update(sizes=report["sizes"], groups=report["groups"], leakage_check=report["leakage_check"])
    logger.info("split: %s, %d groups, leakage check passed", report["sizes"], report["groups"])
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--labeled", required=True, help="results/labeled/posts.parquet")
    for name in SPLITS:
        parser.add_argument(f"--{name}", required=True, help=f"results/splits/{name}.parquet")
    parser.add_argument("--report", required=True, help="results/splits/report.json")
    args = parser.parse_args(argv)
    outputs = {name: getattr(args, name) for name in SPLITS}
    run_split(args.labeled, outputs, args.report, args.params, rule=args.rule)


if __name__ == "__main__":
    run_main(main)
