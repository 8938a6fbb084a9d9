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

With ``--trained``, the experiment of bench/README.md that was not adopted: a logistic regression trained on the
development labels and blended with the keyword shares (cross-validated on them, measured on the other two sets).

Neither file is in the repository (the corpus and PsyQA's text stay outside it); both are arguments:

    python bench/bench_label_real.py PSYQA_JSON [REAL_POSTS] [--trained] [--labels bench/real_subtopic_labels.csv]
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

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_label import default_settings  # noqa: E402
from workflow_scripts.data.label import (  # noqa: E402
    KeywordScorer,
    Labeller,
    Taxonomy,
    _jieba_tokenizer,
    load_taxonomy,
    pick_subtopic,
    post_text,
)

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


def seeded_halves(n: int) -> list[list[int]]:
    """The tuning half and the held-out half of PsyQA's posts (seed 15)."""
    order = list(range(n))
    random.Random(SPLIT_SEED).shuffle(order)
    return [sorted(order[: n // 2]), sorted(order[n // 2 :])]


def psyqa_figures(psyqa_json: str, taxonomy: Taxonomy) -> dict[str, Any]:
    """Coarse-topic agreement with the PsyQA authors on all posts and on each seeded half."""
    items = json.loads(Path(psyqa_json).read_text(encoding="utf-8"))
    gold = [str(item["keywords"]).split(",")[0].strip() for item in items]
    labeled = label_text(taxonomy, [i["question"] for i in items], [i.get("description") or "" for i in items])
    pred = [taxonomy.psyqa_of(t, s) for t, s in zip(labeled["topic_id"], labeled["subtopic_id"], strict=True)]
    halves = seeded_halves(len(items))
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


def read_posts(real_posts: str, ids: set[str]) -> list[dict[str, Any]]:
    """The corpus posts with these ids, in file order."""
    with open(real_posts, encoding="utf-8") as handle:
        return [row for row in map(json.loads, handle) if row["id"] in ids]


def label_posts(real_posts: str, ids: set[str], taxonomy: Taxonomy) -> tuple[list[str], pd.DataFrame]:
    """The corpus posts with these ids (file order) and their labels."""
    posts = read_posts(real_posts, ids)
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


class TrainedBlend:
    """The experiment of bench/README.md (not in the label rule): logistic regression over jieba tokens, trained
    on PsyQA-level labels of real posts, blended per topic with the keyword shares as
    ``keyword_weight * share(topic) + (1 - keyword_weight) * P(the PsyQA topic of the topic's label)``."""

    def __init__(self, taxonomy: Taxonomy, keyword_weight: float = 0.7, c: float = 0.3, chars: int = 400) -> None:
        self.taxonomy, self.keyword_weight, self.c, self.chars = taxonomy, keyword_weight, c, chars
        self.scorer = KeywordScorer(taxonomy, default_settings().title_weight)
        self.tokenize = _jieba_tokenizer(taxonomy)

    def fit(self, posts: list[tuple[str, str]], labels: list[str]) -> TrainedBlend:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = CountVectorizer(tokenizer=self.tokenize, lowercase=False, token_pattern=None)
        features = self.vectorizer.fit_transform([post_text(t, d[: self.chars]) for t, d in posts])
        self.model = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced").fit(features, labels)
        return self

    def predict(self, posts: list[tuple[str, str]], blend: bool = True) -> list[str]:
        """PsyQA topics: the blend's, or the classifier's alone (blend False)."""
        texts = [post_text(t, d[: self.chars]) for t, d in posts]
        proba = self.model.predict_proba(self.vectorizer.transform(texts))
        classes = [str(c) for c in self.model.classes_]
        if not blend:
            return [str(classes[int(row.argmax())]) for row in proba]
        out = []
        for (title, desc), row in zip(posts, proba, strict=True):
            shares = self.scorer.topic_shares(title, desc)
            _, subs = self.scorer.score(title, desc)
            coarse = [
                self.taxonomy.psyqa_of(t.id, pick_subtopic(t, subs, f"{title}\n{desc}")[0].id)
                for t in self.taxonomy.topics
            ]
            p = dict(zip(classes, row, strict=True))
            score = [
                self.keyword_weight * s + (1 - self.keyword_weight) * p.get(c, 0.0)
                for s, c in zip(shares, coarse, strict=True)
            ]
            out.append(coarse[int(np.argmax(score))])
        return out


def trained_figures(psyqa_json: str, real_posts: str, dev_csvs: list[Path], hand_csv: Path, taxonomy: Taxonomy):
    """The trained blend: 5-fold cross-validation on the development labels, then trained on all of them and
    measured on PsyQA's posts (another corpus, none trained on) and on the hand-labelled test posts."""
    from sklearn.model_selection import StratifiedKFold

    dev = {i: row["psyqa_topic"] for path in dev_csvs for i, row in read_labels(path).items()}
    dev_posts = read_posts(real_posts, set(dev))
    posts = [(p["title"], p["content"] or "") for p in dev_posts]
    gold = [dev[p["id"]] for p in dev_posts]
    cv_pred = [""] * len(posts)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=SPLIT_SEED).split(posts, gold):
        blend = TrainedBlend(taxonomy).fit([posts[i] for i in train], [gold[i] for i in train])
        for i, label in zip(test, blend.predict([posts[i] for i in test]), strict=True):
            cv_pred[i] = label
    blend = TrainedBlend(taxonomy).fit(posts, gold)
    items = json.loads(Path(psyqa_json).read_text(encoding="utf-8"))
    psyqa = [(i["question"], i.get("description") or "") for i in items]
    psyqa_gold = [str(i["keywords"]).split(",")[0].strip() for i in items]
    psyqa_pred = blend.predict(psyqa)
    halves = seeded_halves(len(items))
    hand = read_labels(hand_csv)
    hand_posts = read_posts(real_posts, set(hand))
    hand_gold = [taxonomy.psyqa_of(hand[p["id"]]["subtopic_id"].split(".")[0], hand[p["id"]]["subtopic_id"])
                 for p in hand_posts]  # fmt: skip
    hand_input = [(p["title"], p["content"] or "") for p in hand_posts]
    return {
        "trained_on": f"{len(posts)} development labels",
        "dev_cv_agreement": agreement(gold, cv_pred),
        "psyqa_agreement": agreement(psyqa_gold, psyqa_pred),
        "psyqa_halves": [agreement([psyqa_gold[i] for i in h], [psyqa_pred[i] for i in h]) for h in halves],
        "hand_labels_psyqa_level": agreement(hand_gold, blend.predict(hand_input)),
        "classifier_alone": {
            "psyqa_agreement": agreement(psyqa_gold, blend.predict(psyqa, blend=False)),
            "hand_labels_psyqa_level": agreement(hand_gold, blend.predict(hand_input, blend=False)),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("psyqa_json", help="PsyQA_example.json (from github.com/thu-coai/PsyQA)")
    parser.add_argument("real_posts", nargs="?", help="../shared/data/real-posts/xinli001_questions.jsonl")
    parser.add_argument("--labels", type=Path, default=HAND_LABELS, help="hand labels: id,subtopic_id")
    parser.add_argument(
        "--dev-labels", type=Path, nargs="+", default=DEV_LABELS, help="development label files: id,psyqa_topic"
    )
    parser.add_argument(
        "--trained", action="store_true", help="also the trained-classifier experiment (needs REAL_POSTS)"
    )
    args = parser.parse_args()
    taxonomy = load_taxonomy(TAXONOMY)
    result: dict[str, Any] = {"psyqa": psyqa_figures(args.psyqa_json, taxonomy)}
    if args.real_posts:
        result["hand_labels"] = hand_figures(args.real_posts, args.labels, taxonomy)
        result["dev_labels"] = dev_figures(args.real_posts, args.dev_labels, taxonomy)
    if args.real_posts and args.trained:
        result["trained_classifier"] = trained_figures(
            args.psyqa_json, args.real_posts, args.dev_labels, args.labels, taxonomy
        )
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
