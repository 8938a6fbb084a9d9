"""Label stage: give every clean question a topic and a subtopic from the taxonomy.

Reads ``results/clean/posts.parquet`` and ``resources/taxonomy/taxonomy.yaml``; writes
``results/labeled/posts.parquet`` (clean columns + ``topic_id``, ``topic``, ``subtopic_id``,
``subtopic``, ``label_source``, ``label_confidence``) and ``results/labeled/report.json``.

How, and why in this order:

1. **Site tags** (``label_source = "site_tag"``): a tag that is a topic's or subtopic's Chinese name,
   or that a per-source tag map (``<tag_maps_dir>/<source>.yaml``: ``tag: T01`` or ``tag: T01.02``)
   sends to an id, labels the topic with confidence 1. Sites' own categories are the most reliable
   signal there is, so they win.
2. **Classifier** (``label_source = "classifier"``) for the rest: a keyword scorer over the taxonomy's
   keywords (longest match first, so ``考试焦虑`` counts for T07 and not also as ``焦虑`` for T02;
   title hits weigh more), blended with a multinomial naive Bayes over jieba tokens trained on the
   tag-labelled posts of this very corpus (when there are enough of them). The blend is
   ``keyword_weight * keyword_share + (1 - keyword_weight) * nb_probability``; its top value is the
   confidence.
   With ``label.method: llm`` (the paper setting) a chat model labels these posts instead
   (``label_source = "llm"``, topic and subtopic; ``workflow_scripts.data.label_llm``); a post it fails on
   keeps the classifier's label as ``llm_failed``.
3. **Subtopic** within the chosen topic: a subtopic tag if there is one, else the subtopic whose
   keywords score highest (ties and no hits: character-bigram overlap with its name and keywords).

The report says how each label was made and, as an accuracy estimate that needs no ground truth, how
well the classifier (tags hidden) recovers the site tags of a held-out share of the tag-labelled posts.
With ``label.score_against`` set (the demo: the demo site's ground truth) the finished labels are also
scored against the true topics and subtopics in ``report.json``; that file is read only after labelling,
so no label depends on it. ``bench/bench_label.py`` measures the labeller on freshly generated demo posts.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import InputError, read_jsonl, read_parquet, write_json, write_parquet
from workflow_scripts.common.provenance import recorded_step

logger = logging.getLogger(__name__)

CLEAN_REQUIRED = ("qid", "source", "title", "description", "tags", "answers", "n_answers")
LABEL_COLUMNS = ("topic_id", "topic", "subtopic_id", "subtopic", "label_source", "label_confidence")
LABEL_SOURCES = ("site_tag", "classifier", "llm", "llm_failed")
METHODS = ("keywords", "llm")
_TOPIC_ID = re.compile(r"^T\d{2}$")
_SUBTOPIC_ID = re.compile(r"^T\d{2}\.\d{2}$")


# --------------------------------------------------------------------------- taxonomy


@dataclasses.dataclass(frozen=True)
class Subtopic:
    id: str
    name: str
    keywords: tuple[str, ...]
    psyqa: str  # the PsyQA coarse topic: the topic's, unless the subtopic names its own
    gloss: str = ""


@dataclasses.dataclass(frozen=True)
class Topic:
    id: str
    name: str
    psyqa: str
    keywords: tuple[str, ...]
    subtopics: tuple[Subtopic, ...]
    gloss: str = ""


@dataclasses.dataclass(frozen=True)
class Taxonomy:
    """The topic tree with the lookups labelling needs."""

    topics: tuple[Topic, ...]

    @property
    def by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}

    @property
    def subtopic_by_id(self) -> dict[str, tuple[Topic, Subtopic]]:
        return {s.id: (t, s) for t in self.topics for s in t.subtopics}

    @property
    def n_subtopics(self) -> int:
        return sum(len(t.subtopics) for t in self.topics)

    def psyqa_of(self, topic_id: str, subtopic_id: str | None = None) -> str:
        """The PsyQA coarse topic of a label: the subtopic's mapping when there is one (PsyQA files
        procrastination and health anxiety under 行为, diagnosis and medication under 治疗), else the topic's."""
        if subtopic_id:
            return self.subtopic_by_id[subtopic_id][1].psyqa
        return self.by_id[topic_id].psyqa


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and check a taxonomy YAML (ids, names, keywords); a bad entry raises InputError naming it."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"{path}: cannot read taxonomy ({err.strerror})") from err
    except yaml.YAMLError as err:
        raise InputError(f"{path}: not valid YAML ({err})") from err
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list) or not data["topics"]:
        raise InputError(f"{path}: expected a mapping with a non-empty 'topics' list")
    topics, seen = [], set()
    for n, raw in enumerate(data["topics"]):
        where = f"{path}: topics[{n}]"
        if not isinstance(raw, dict):
            raise InputError(f"{where}: expected a mapping")
        for key in ("id", "name", "psyqa", "keywords", "subtopics"):
            if key not in raw:
                raise InputError(f"{where}: missing '{key}'")
        tid = str(raw["id"])
        if not _TOPIC_ID.match(tid) or tid in seen:
            raise InputError(f"{where}: id {tid!r} must be unique and look like T01")
        seen.add(tid)
        subs = []
        for m, sraw in enumerate(raw["subtopics"] or []):
            swhere = f"{where}.subtopics[{m}]"
            if not isinstance(sraw, dict) or not {"id", "name", "keywords"} <= set(sraw):
                raise InputError(f"{swhere}: needs id, name and keywords")
            sid = str(sraw["id"])
            if not _SUBTOPIC_ID.match(sid) or not sid.startswith(tid + ".") or sid in seen:
                raise InputError(f"{swhere}: id {sid!r} must be unique and look like {tid}.01")
            seen.add(sid)
            psyqa = str(sraw.get("psyqa", raw["psyqa"]))
            keywords = _keywords(sraw["keywords"], swhere)
            subs.append(Subtopic(sid, str(sraw["name"]), keywords, psyqa, str(sraw.get("gloss", ""))))
        if not subs:
            raise InputError(f"{where}: topic {tid} has no subtopics")
        keywords = _keywords(raw["keywords"], where)
        topics.append(
            Topic(tid, str(raw["name"]), str(raw["psyqa"]), keywords, tuple(subs), str(raw.get("gloss", "")))
        )
    return Taxonomy(tuple(topics))


def _keywords(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(k, str | int) and str(k) for k in value):
        raise InputError(f"{where}: keywords must be a non-empty list of strings")
    return tuple(str(k).lower() for k in value)


def load_tag_map(path: str | Path, taxonomy: Taxonomy) -> dict[str, str]:
    """A per-source tag map (``tag: T01`` or ``tag: T01.02``); unknown ids raise InputError."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"{path}: cannot read tag map ({err})") from err
    if not isinstance(data, dict):
        raise InputError(f"{path}: a tag map is a mapping of site tag -> topic or subtopic id")
    known = set(taxonomy.by_id) | set(taxonomy.subtopic_by_id)
    out = {}
    for tag, target in data.items():
        if str(target) not in known:
            raise InputError(f"{path}: tag {tag!r} maps to {target!r}, which is not a taxonomy id")
        out[str(tag)] = str(target)
    return out


def tag_map_paths(tag_maps_dir: str | Path | None, sources: Iterable[str]) -> dict[str, Path]:
    """The tag-map files that exist for these sources (a source without one uses names only)."""
    if not tag_maps_dir:
        return {}
    found = {s: Path(tag_maps_dir) / f"{s}.yaml" for s in sources}
    return {s: p for s, p in found.items() if p.is_file()}


# --------------------------------------------------------------------------- site tags


def tag_label(tags: Sequence[str], taxonomy: Taxonomy, tag_map: dict[str, str]) -> tuple[str | None, str | None]:
    """(topic_id, subtopic_id or None) from a post's tags, or (None, None) when no tag maps.

    The first tag that maps decides the topic; a later subtopic tag of that topic adds the subtopic.
    """
    names = {t.name: t.id for t in taxonomy.topics}
    names.update({s.name: s.id for t in taxonomy.topics for s in t.subtopics})
    topic_id, subtopic_id = None, None
    for tag in tags:
        target = tag_map.get(tag) or names.get(tag.strip())
        if target is None:
            continue
        t_id = target.split(".")[0]
        if topic_id is None:
            topic_id = t_id
        if t_id == topic_id and "." in target and subtopic_id is None:
            subtopic_id = target
    return topic_id, subtopic_id


# --------------------------------------------------------------------------- keyword scorer


class KeywordScorer:
    """Scores text against every keyword at once, longest match first and without overlaps."""

    def __init__(self, taxonomy: Taxonomy, title_weight: float) -> None:
        self.taxonomy = taxonomy
        self.title_weight = title_weight
        owner: dict[str, tuple[str, str | None]] = {}
        for topic in taxonomy.topics:
            for kw in topic.keywords:
                owner.setdefault(kw, (topic.id, None))
            for sub in topic.subtopics:
                for kw in sub.keywords:
                    owner.setdefault(kw, (topic.id, sub.id))
        self.owner = owner
        ordered = sorted(owner, key=lambda k: (-len(k), k))
        self.pattern = re.compile("|".join(re.escape(k) for k in ordered))
        self.topic_ids = [t.id for t in taxonomy.topics]

    def hits(self, text: str) -> list[str]:
        """Keywords found in ``text`` (lower-cased), scanning left to right, longest first."""
        return self.pattern.findall(text.lower())

    def score(self, title: str, description: str) -> tuple[Counter, Counter]:
        """(topic scores, subtopic scores): a keyword found ``n`` times weighs ``1 + ln(n)`` times
        ``title_weight`` in the title, 1 in the description. Sublinear, because real posts repeat their
        setting (工作, 孩子, 学校) more often than they name their problem, which the title usually does."""
        topics: Counter = Counter()
        subs: Counter = Counter()
        for text, weight in ((title, self.title_weight), (description, 1.0)):
            for kw, count in Counter(self.hits(text)).items():
                topic_id, sub_id = self.owner[kw]
                topics[topic_id] += weight * (1 + math.log(count))
                if sub_id is not None:
                    subs[sub_id] += weight * (1 + math.log(count))
        return topics, subs

    def topic_shares(self, title: str, description: str) -> np.ndarray:
        """Topic scores as shares summing to 1 (all zero when nothing matched)."""
        topics, _ = self.score(title, description)
        vec = np.array([topics.get(t, 0.0) for t in self.topic_ids], dtype=float)
        total = vec.sum()
        return vec / total if total > 0 else vec


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def pick_subtopic(topic: Topic, sub_scores: Counter, text: str) -> tuple[Subtopic, float]:
    """The best subtopic of ``topic`` and its share of the topic's subtopic score.

    With no keyword hit, the subtopic whose name and keywords share most character bigrams with the
    text wins (first in taxonomy order on ties) with confidence 0. A subtopic with its own PsyQA topic
    (健康焦虑 under 焦虑 is 行为) is not a candidate then: moving a post to another coarse topic takes one of
    its keywords, not a shared bigram such as 自己.
    """
    scores = [(sub_scores.get(s.id, 0.0), -i, s) for i, s in enumerate(topic.subtopics)]
    total = sum(s for s, _, _ in scores)
    if total > 0:
        best = max(scores, key=lambda x: (x[0], x[1]))
        return best[2], best[0] / total
    grams = _bigrams(text.lower())
    same = [s for s in topic.subtopics if s.psyqa == topic.psyqa] or list(topic.subtopics)
    overlap = [(len(grams & _bigrams(s.name + "".join(s.keywords))), -i, s) for i, s in enumerate(same)]
    return max(overlap, key=lambda x: (x[0], x[1]))[2], 0.0


def keyword_label(scorer: KeywordScorer, title: str, description: str) -> tuple[str, str, float] | None:
    """(topic id, subtopic id, topic share) from keywords alone, chosen as the label rule's text path chooses
    them without a trained classifier; None when no keyword matched. For importers that coarsen the label
    (``Taxonomy.psyqa_of``) and so need the subtopic too."""
    shares = scorer.topic_shares(title, description)
    if shares.sum() == 0:
        return None
    topic = scorer.taxonomy.topics[int(shares.argmax())]
    _, subs = scorer.score(title, description)
    return topic.id, pick_subtopic(topic, subs, f"{title}\n{description}")[0].id, float(round(shares.max(), 4))


# --------------------------------------------------------------------------- text classifier


def _jieba_tokenizer(taxonomy: Taxonomy):
    """A private jieba tokenizer that knows the taxonomy keywords.

    Private, because adding words to jieba's global tokenizer would change segmentation for
    everything else in the process (the metrics must use jieba's default dictionary only).
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    for topic in taxonomy.topics:
        for kw in (*topic.keywords, *(k for s in topic.subtopics for k in s.keywords)):
            segmenter.add_word(kw)

    def tokenize(text: str) -> list[str]:
        return [tok for tok in segmenter.lcut(text.lower()) if tok.strip()]

    return tokenize


class TextClassifier:
    """Multinomial naive Bayes over jieba tokens (scikit-learn), trained on tag-labelled posts."""

    def __init__(self, taxonomy: Taxonomy, alpha: float = 0.1) -> None:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.naive_bayes import MultinomialNB

        self.topic_ids = [t.id for t in taxonomy.topics]
        self.vectorizer = CountVectorizer(tokenizer=_jieba_tokenizer(taxonomy), lowercase=False, token_pattern=None)
        self.model = MultinomialNB(alpha=alpha)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TextClassifier:
        self.model.fit(self.vectorizer.fit_transform(texts), labels)
        return self

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities over *all* taxonomy topics (zero for topics unseen in training)."""
        out = np.zeros((len(texts), len(self.topic_ids)))
        if not texts:
            return out
        part = self.model.predict_proba(self.vectorizer.transform(texts))
        index = {t: i for i, t in enumerate(self.topic_ids)}
        for j, cls in enumerate(self.model.classes_):
            out[:, index[cls]] = part[:, j]
        return out


# --------------------------------------------------------------------------- settings and labelling


@dataclasses.dataclass(frozen=True)
class LabelSettings:
    """The ``label`` config section (plus the global seed)."""

    taxonomy: str
    tag_maps_dir: str | None
    title_weight: float
    model: str
    min_train_posts: int
    keyword_weight: float
    nb_alpha: float
    holdout_fraction: float
    seed: int
    score_against: str | None = None
    method: str = "keywords"  # keywords: the offline text path; llm: a chat model (label.llm)
    llm: dict[str, Any] | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> LabelSettings:
        try:
            label = params["label"]
            clf = label["classifier"]
            return cls(
                method=str(label["method"]),
                llm=label["llm"],
                taxonomy=str(label["taxonomy"]),
                tag_maps_dir=label.get("tag_maps_dir"),
                title_weight=float(label["title_weight"]),
                model=str(clf["model"]),
                min_train_posts=int(clf["min_train_posts"]),
                keyword_weight=float(clf["keyword_weight"]),
                nb_alpha=float(clf["nb_alpha"]),
                holdout_fraction=float(clf["holdout_fraction"]),
                seed=int(params.get("seed", 42)),
                score_against=label.get("score_against"),
            )
        except (KeyError, TypeError) as err:
            raise InputError(f"--params lacks label setting {err}; pass settings('label', 'seed')") from err


def post_text(title: str, description: str) -> str:
    """What the text classifier reads: the title twice (it is the densest signal) and the description."""
    return f"{title}\n{title}\n{description}"


class Labeller:
    """Topic + subtopic for posts: tags first, then keywords blended with a corpus-trained classifier."""

    def __init__(
        self, taxonomy: Taxonomy, settings: LabelSettings, tag_maps: dict[str, dict[str, str]], llm: Any = None
    ) -> None:
        self.taxonomy = taxonomy
        self.settings = settings
        self.tag_maps = tag_maps
        self.llm = llm  # an LLMLabeller (label_llm) for label.method llm: it labels the untagged posts
        self.scorer = KeywordScorer(taxonomy, settings.title_weight)
        self.classifier: TextClassifier | None = None

    def train(self, titles: Sequence[str], descriptions: Sequence[str], topic_ids: Sequence[str]) -> bool:
        """Fit the text classifier when the config asks for one and there are enough labelled posts."""
        if self.settings.model != "nb" or len(topic_ids) < self.settings.min_train_posts or len(set(topic_ids)) < 2:
            self.classifier = None
            return False
        texts = [post_text(t, d) for t, d in zip(titles, descriptions, strict=True)]
        self.classifier = TextClassifier(self.taxonomy, self.settings.nb_alpha).fit(texts, list(topic_ids))
        return True

    def classify(self, titles: Sequence[str], descriptions: Sequence[str]) -> tuple[list[str], list[float]]:
        """Topic ids and confidences from text alone (keywords, blended with the classifier if trained)."""
        kw = np.vstack([self.scorer.topic_shares(t, d) for t, d in zip(titles, descriptions, strict=True)])
        if kw.size == 0:
            return [], []
        if self.classifier is not None:
            texts = [post_text(t, d) for t, d in zip(titles, descriptions, strict=True)]
            nb = self.classifier.proba(texts)
            w = self.settings.keyword_weight
            # A post with no keyword hit relies on the classifier alone.
            no_hit = kw.sum(axis=1) == 0
            blend = np.where(no_hit[:, None], nb, w * kw + (1 - w) * nb)
        else:
            blend = kw
        ids = [t.id for t in self.taxonomy.topics]
        best = blend.argmax(axis=1)
        return [ids[i] for i in best], [float(round(blend[r, i], 4)) for r, i in enumerate(best)]

    def label(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
        """Add the label columns to a clean frame; return it and the training facts."""
        titles = frame["title"].fillna("").astype(str).tolist()
        descs = frame["description"].fillna("").astype(str).tolist()
        tagged = [
            tag_label(list(tags), self.taxonomy, self.tag_maps.get(src, {}))
            for tags, src in zip(frame["tags"], frame["source"], strict=True)
        ]
        tagged_idx = [i for i, (t, _) in enumerate(tagged) if t is not None]
        facts = {"tag_labelled": len(tagged_idx), "holdout": self._holdout(titles, descs, tagged, tagged_idx)}
        trained = self.train([titles[i] for i in tagged_idx], [descs[i] for i in tagged_idx],
                             [tagged[i][0] for i in tagged_idx])  # fmt: skip
        facts["classifier_trained"] = trained
        rest = [i for i, (t, _) in enumerate(tagged) if t is None]
        pred, conf = self.classify([titles[i] for i in rest], [descs[i] for i in rest])
        topic_ids: list[str] = [""] * len(frame)
        confidence = [1.0] * len(frame)
        sources = ["site_tag"] * len(frame)
        for i, t, c in zip(rest, pred, conf, strict=True):
            topic_ids[i], confidence[i], sources[i] = t, c, "classifier"
        if self.llm is not None:  # the keyword label stays only where the model failed (llm_failed)
            outcomes = self.llm.label([titles[i] for i in rest], [descs[i] for i in rest])
            for i, outcome in zip(rest, outcomes, strict=True):
                if outcome.chain is None:
                    sources[i] = "llm_failed"
                else:
                    (topic_ids[i], _), confidence[i], sources[i] = outcome.chain, float("nan"), "llm"
                    tagged[i] = (None, outcome.chain[1])
            facts["llm"] = self.llm.lineage(outcomes, [str(frame["qid"].iloc[i]) for i in rest])
        sub_ids = []
        for i, (tag_topic, tag_sub) in enumerate(tagged):
            if tag_topic is not None:
                topic_ids[i] = tag_topic
            if tag_sub is not None:
                sub_ids.append(tag_sub)
                continue
            topic = self.taxonomy.by_id[topic_ids[i]]
            _, subs = self.scorer.score(titles[i], descs[i])
            sub_ids.append(pick_subtopic(topic, subs, f"{titles[i]}\n{descs[i]}")[0].id)
        lookup = self.taxonomy.subtopic_by_id
        out = frame.copy()
        out["topic_id"] = topic_ids
        out["topic"] = [self.taxonomy.by_id[t].name for t in topic_ids]
        out["subtopic_id"] = sub_ids
        out["subtopic"] = [lookup[s][1].name for s in sub_ids]
        out["label_source"] = sources
        out["label_confidence"] = np.array(confidence, dtype=float)
        return out, facts

    def _holdout(
        self, titles: list[str], descs: list[str], tagged: list[tuple[str | None, str | None]], idx: list[int]
    ) -> dict[str, Any] | None:
        """Accuracy of the text-only classifier on a seeded held-out share of the tag-labelled posts."""
        n_test = round(len(idx) * self.settings.holdout_fraction)
        if n_test < 1 or len(idx) - n_test < 1:
            return None
        order = list(idx)
        random.Random(self.settings.seed).shuffle(order)
        test, train = order[:n_test], order[n_test:]
        self.train([titles[i] for i in train], [descs[i] for i in train], [tagged[i][0] for i in train])
        pred, _ = self.classify([titles[i] for i in test], [descs[i] for i in test])
        gold = [tagged[i][0] for i in test]
        keyword_only = Labeller(self.taxonomy, dataclasses.replace(self.settings, model="none"), self.tag_maps)
        kw_pred, _ = keyword_only.classify([titles[i] for i in test], [descs[i] for i in test])
        return {
            "n_train": len(train),
            "n_test": n_test,
            "classifier_trained": self.classifier is not None,
            "topic_accuracy": round(sum(p == g for p, g in zip(pred, gold, strict=True)) / n_test, 4),
            "keyword_only_topic_accuracy": round(sum(p == g for p, g in zip(kw_pred, gold, strict=True)) / n_test, 4),
        }


def build_report(labeled: pd.DataFrame, facts: dict[str, Any], settings: LabelSettings, taxonomy: Taxonomy) -> dict:
    """Label-source counts, confidence statistics and topic counts: everything but ground truth."""
    conf = labeled.loc[labeled["label_source"] == "classifier", "label_confidence"].to_numpy(dtype=float)

    def stats(values: np.ndarray) -> dict[str, float] | None:
        if values.size == 0:
            return None
        q = np.quantile(values, [0.1, 0.5, 0.9])
        return {"mean": round(float(values.mean()), 4), "p10": round(float(q[0]), 4),
                "median": round(float(q[1]), 4), "p90": round(float(q[2]), 4),
                "min": round(float(values.min()), 4)}  # fmt: skip

    counts = labeled["topic_id"].value_counts()
    return {
        "settings": dataclasses.asdict(settings),
        "posts": len(labeled),
        "label_source": {s: int((labeled["label_source"] == s).sum()) for s in LABEL_SOURCES},
        "classifier_confidence": stats(conf),
        "low_confidence_posts": int((conf < 0.5).sum()),
        "classifier_trained": facts["classifier_trained"],
        "tag_holdout": facts["holdout"],
        "topics": {t.id: {"name": t.name, "posts": int(counts.get(t.id, 0))} for t in taxonomy.topics},
        "topics_used": int(labeled["topic_id"].nunique()),
        "subtopics_used": int(labeled["subtopic_id"].nunique()),
    }


def accuracy_against(labeled: pd.DataFrame, ground_truth: str | Path) -> dict[str, Any]:
    """Topic and subtopic accuracy of finished labels against a ground-truth JSONL (post_id, topic_id,
    subtopic_id), overall and per label source; posts the truth gives no topic (noise) are left out."""
    truth = {row["post_id"]: (row["topic_id"], row["subtopic_id"]) for row in read_jsonl(ground_truth)}
    pairs = [(r.topic_id, r.subtopic_id, r.label_source, truth.get(r.post_id)) for r in labeled.itertuples()]
    pairs = [p for p in pairs if p[3] is not None and p[3][0] is not None]
    out: dict[str, Any] = {"ground_truth": str(ground_truth), "posts": len(pairs)}
    for name in ("all", "site_tag", "classifier"):
        part = [p for p in pairs if name == "all" or p[2] == name]
        out[name] = {
            "posts": len(part),
            "topic_accuracy": round(sum(p[0] == p[3][0] for p in part) / len(part), 4) if part else None,
            "subtopic_accuracy": round(sum(p[1] == p[3][1] for p in part) / len(part), 4) if part else None,
        }
    return out


def run_label(
    clean: str | Path, output: str | Path, report_path: str | Path, params: dict[str, Any], rule: str = "label"
) -> dict[str, Any]:
    """The whole step: read, label, write parquet + report atomically with provenance."""
    settings = LabelSettings.from_params(params)
    taxonomy = load_taxonomy(settings.taxonomy)
    frame = read_parquet(clean, CLEAN_REQUIRED)
    sources = sorted(frame["source"].unique()) if len(frame) else []
    maps = tag_map_paths(settings.tag_maps_dir, sources)
    truth = [settings.score_against] if settings.score_against else []
    llm = None
    if settings.method == "llm":
        from workflow_scripts.data.label_llm import LLMLabeller, LLMSettings

        llm = LLMLabeller(taxonomy, LLMSettings.from_config(settings.llm or {}))
    prompt = [llm.settings.prompt] if llm is not None else []
    with recorded_step(rule, [clean, settings.taxonomy, *maps.values(), *truth, *prompt], [output, report_path],
                       params, settings.seed) as facts:  # fmt: skip
        tag_maps = {s: load_tag_map(p, taxonomy) for s, p in maps.items()}
        labeled, train_facts = Labeller(taxonomy, settings, tag_maps, llm).label(frame)
        report = build_report(labeled, train_facts, settings, taxonomy)
        if "llm" in train_facts:
            report["llm"] = train_facts["llm"]
            facts.update(llm=train_facts["llm"])
        if truth:  # measured on the finished labels: the labeller above never sees the ground truth
            report["ground_truth_accuracy"] = accuracy_against(labeled, settings.score_against)
            facts.update(ground_truth_accuracy=report["ground_truth_accuracy"]["all"])
        write_parquet(output, labeled)
        write_json(report_path, report)
        facts.update(posts=len(labeled), label_source=report["label_source"], tag_holdout=report["tag_holdout"])
    logger.info("label: %d posts, sources %s, holdout %s", len(labeled), report["label_source"], report["tag_holdout"])
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser(__doc__.splitlines()[0])
    parser.add_argument("--clean", required=True, help="results/clean/posts.parquet")
    parser.add_argument("--output", required=True, help="results/labeled/posts.parquet")
    parser.add_argument("--report", required=True, help="results/labeled/report.json")
    args = parser.parse_args(argv)
    run_label(args.clean, args.output, args.report, args.params, rule=args.rule)


if __name__ == "__main__":
    run_main(main)
