"""Topic labels on real text: the labeller's offline text path against PsyQA's authors and against hand labels.

What a post without a usable site tag gets (keyword scores; the naive Bayes needs tag-labelled posts of
the same corpus, which neither set has) is compared with

1. the 9 coarse topics the PsyQA authors gave the 100 real posts of their public sample
   (``PsyQA_example.json`` of github.com/thu-coai/PsyQA, commit e224c7e; the first element of
   ``keywords`` is the coarse topic), after coarsening each Empathy-QA topic through its documented
   ``psyqa`` mapping (resources/taxonomy/README.md; a subtopic's own mapping first, and also with
   the topics' mapping only). The majority class alone scores 0.20 there.
   Printed: agreement on all 100 posts and on each half of a seeded split (the keywords were revised
   while looking at this sample: the half figures say how much of the gain carries across), plus a
   confusion summary (gold -> predicted counts).
2. with REAL_POSTS (the shared xinli001 corpus), the hand labels in ``bench/real_subtopic_labels.csv``
   (ids and labels only; see the labelling guide in bench/README.md): topic, subtopic and PsyQA-level
   agreement on those posts. These are test posts: look at their figures, not at their errors.
3. with REAL_POSTS, the PsyQA-level development labels in ``bench/real_psyqa_dev_labels.csv`` and
   ``bench/real_psyqa_dev_labels_2.csv`` (other posts, labelled before looking at predictions): the set to
   study errors on when revising the keywords; figures for each file and for both together.

Neither file is in the repository (the corpus and PsyQA's text stay outside it); both are arguments:

    python bench/bench_label_real.py PSYQA_JSON [REAL_POSTS] [--labels bench/real_subtopic_labels.csv]
        [--dev-labels bench/real_psyqa_dev_labels.csv bench/real_psyqa_dev_labels_2.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_label import default_settings  # noqa: E402
from workflow_scripts.data.label import Labeller, Taxonomy, load_taxonomy  # noqa: E402

TAXONOMY = ROOT / "resources" / "taxonomy" / "taxonomy.yaml"
HAND_LABELS = ROOT / "bench" / "real_subtopic_labels.csv"
DEV_LABELS = [ROOT / "bench" / "real_psyqa_dev_labels.csv", ROOT / "bench" / "real_psyqa_dev_labels_2.csv"]
SPLIT_SEED = 15


def label_text(taxonomy: Taxonomy, titles: list[str], descriptions: list[str]) -> pd.DataFrame:
    """Label untagged posts as the label rule does (keywords only: nothing here carries a site tag)."""
    frame = pd.DataFrame(
        {
            "qid": [f"q{i}" for i in range(len(titles))],
            "source": "bench",
            "title": titles,
            "description": descriptions,
            "tags": [[] for _ in titles],
        }
    )
    labeled, _ = Labeller(taxonomy, default_settings(), {}).label(frame)
    return labeled


def agreement(gold: list[str], pred: list[str]) -> float:
    return round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4) if gold else float("nan")


def psyqa_figures(psyqa_json: str, taxonomy: Taxonomy) -> dict[str, Any]:
    """Coarse-topic agreement with the PsyQA authors on all posts and on each seeded half."""
    items = json.loads(Path(psyqa_json).read_text(encoding="utf-8"))
    gold = [str(item["keywords"]).split(",")[0].strip() for item in items]
    labeled = label_text(taxonomy, [i["question"] for i in items], [i.get("description") or "" for i in items])
    pred = [taxonomy.psyqa_of(t, s) for t, s in zip(labeled["topic_id"], labeled["subtopic_id"], strict=True)]
    order = list(range(len(items)))
    random.Random(SPLIT_SEED).shuffle(order)
    halves = [sorted(order[: len(order) // 2]), sorted(order[len(order) // 2 :])]
    confusion = Counter(f"{g}->{p}" for g, p in zip(gold, pred, strict=True) if g != p)
    topic_level = [taxonomy.psyqa_of(t) for t in labeled["topic_id"]]
    return {
        "posts": len(items),
        "agreement": agreement(gold, pred),
        "agreement_topic_mapping_only": agreement(gold, topic_level),
        "halves": [agreement([gold[i] for i in h], [pred[i] for i in h]) for h in halves],
        "majority_class": round(Counter(gold).most_common(1)[0][1] / len(gold), 4),
        "per_topic": {
            g: f"{sum(p == g for gg, p in zip(gold, pred, strict=True) if gg == g)}/{gold.count(g)}"
            for g, _ in Counter(gold).most_common()
        },
        "top_confusions": dict(confusion.most_common(10)),
        "predicted": dict(Counter(pred).most_common()),
    }


def read_labels(path: Path) -> dict[str, dict[str, str]]:
    """A hand-label CSV (``id`` plus label columns), by post id."""
    with path.open(encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def label_posts(real_posts: str, ids: set[str], taxonomy: Taxonomy) -> tuple[list[str], pd.DataFrame]:
    """The corpus posts with these ids (file order) and their labels."""
    posts = []
    with open(real_posts, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["id"] in ids:
                posts.append(row)
    labeled = label_text(taxonomy, [p["title"] for p in posts], [p["content"] or "" for p in posts])
    return [p["id"] for p in posts], labeled


def dev_figures(real_posts: str, labels_csvs: list[Path], taxonomy: Taxonomy) -> dict[str, Any]:
    """PsyQA-level agreement with the development labels (each file and all together), and the confusions of
    all of them (the ones to study)."""
    files = {path.name: read_labels(path) for path in labels_csvs}
    dev = {i: row for rows in files.values() for i, row in rows.items()}
    ids, labeled = label_posts(real_posts, set(dev), taxonomy)
    gold = [dev[i]["psyqa_topic"] for i in ids]
    pred = [taxonomy.psyqa_of(t, s) for t, s in zip(labeled["topic_id"], labeled["subtopic_id"], strict=True)]
    return {
        "posts": len(ids),
        "missing_ids": len(dev) - len(ids),
        "psyqa_level_agreement": agreement(gold, pred),
        "per_file": {
            name: agreement(
                [g for i, g in zip(ids, gold, strict=True) if i in rows],
                [p for i, p in zip(ids, pred, strict=True) if i in rows],
            )
            for name, rows in files.items()
        },
        "top_confusions": dict(Counter(f"{g}->{p}" for g, p in zip(gold, pred, strict=True) if g != p).most_common(8)),
    }


def hand_figures(real_posts: str, labels_csv: Path, taxonomy: Taxonomy) -> dict[str, Any]:
    """Topic / subtopic / PsyQA-level agreement of the labeller with the hand labels."""
    hand = read_labels(labels_csv)
    ids, labeled = label_posts(real_posts, set(hand), taxonomy)
    gold_sub = [hand[i]["subtopic_id"] for i in ids]
    gold_topic = [s.split(".")[0] for s in gold_sub]
    return {
        "posts": len(ids),
        "missing_ids": len(hand) - len(ids),
        "topic_agreement": agreement(gold_topic, list(labeled["topic_id"])),
        "subtopic_agreement": agreement(gold_sub, list(labeled["subtopic_id"])),
        "subtopic_agreement_given_topic": agreement(
            [g for g, t, p in zip(gold_sub, gold_topic, labeled["topic_id"], strict=True) if t == p],
            [s for s, t, p in zip(labeled["subtopic_id"], gold_topic, labeled["topic_id"], strict=True) if t == p],
        ),
        "psyqa_level_agreement": agreement(
            [taxonomy.psyqa_of(t, s) for t, s in zip(gold_topic, gold_sub, strict=True)],
            [taxonomy.psyqa_of(t, s) for t, s in zip(labeled["topic_id"], labeled["subtopic_id"], strict=True)],
        ),
        "top_confusions": dict(
            Counter(f"{g}->{p}" for g, p in zip(gold_topic, labeled["topic_id"], strict=True) if g != p).most_common(8)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("psyqa_json", help="PsyQA_example.json (from github.com/thu-coai/PsyQA)")
    parser.add_argument("real_posts", nargs="?", help="../shared/data/real-posts/xinli001_questions.jsonl")
    parser.add_argument("--labels", type=Path, default=HAND_LABELS, help="hand labels: id,subtopic_id")
    parser.add_argument(
        "--dev-labels", type=Path, nargs="+", default=DEV_LABELS, help="development label files: id,psyqa_topic"
    )
    args = parser.parse_args()
    taxonomy = load_taxonomy(TAXONOMY)
    result: dict[str, Any] = {"psyqa": psyqa_figures(args.psyqa_json, taxonomy)}
    if args.real_posts:
        result["hand_labels"] = hand_figures(args.real_posts, args.labels, taxonomy)
        result["dev_labels"] = dev_figures(args.real_posts, args.dev_labels, taxonomy)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
