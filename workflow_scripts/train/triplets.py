"""Triplets (question, own answer, mismatched answer) that teach the reward encoder what "on topic" means.

The paper trains its answer-reward encoder with a triplet loss whose negatives are
emotion-mismatched answers and generic high-frequency sentences, plus in-batch negatives
(added by the loss, not stored here). Here:

- anchor: the question as the policy sees it (``chat.user_message(title, description)``);
- positive: one of the question's own (human) answers;
- ``mismatch`` negative: an answer to a question with a different ``topic_id``. The taxonomy's
  topics (depression, anxiety, relationships, ...) stand in for the emotion label: PsyQA-style
  topics are defined by the help-seeker's predominant problem and emotion, and every post has one;
- ``generic`` negative: one of the most frequent short sentences of the corpus answers
  ("抱抱你", "加油", "你并不孤单" kind), mined by :func:`mine_generic_sentences`: fluent,
  friendly and empty, exactly what an answer reward must not pay for.

Everything is drawn with one seeded ``random.Random``, over questions sorted by ``qid``, so the
same split and settings give the same triplets byte for byte.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from workflow_scripts.train.chat import user_message

# Sentence ends in Chinese (and stray ASCII) text; newlines end a paragraph and so a sentence.
_SENTENCE_END = re.compile(r"[。！？!?\n]+")
REQUIRED_COLUMNS = ("qid", "title", "description", "answers", "topic_id")


def question_text(title: str | None, description: str | None) -> str:
    """The anchor text: the question exactly as the policy is asked it (title, blank line, description)."""
    return user_message(title or "", description or "")


def split_sentences(text: str) -> list[str]:
    """Sentences of an answer, split on 。！？ (and ! ? newline), stripped, empty ones dropped."""
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part.strip()]


def mine_generic_sentences(
    answers: Iterable[str], max_chars: int, min_count: int, top_k: int
) -> list[tuple[str, int]]:
    """The most frequent short sentences: (sentence, number of answers containing it), most frequent first.

    Counted once per answer (document frequency), so one answer repeating a phrase cannot make it
    "generic"; ties are broken by the sentence text for stable output.
    """
    counts: Counter[str] = Counter()
    for answer in answers:
        counts.update({s for s in split_sentences(answer) if len(s) <= max_chars})
    frequent = [(sentence, n) for sentence, n in counts.items() if n >= min_count]
    frequent.sort(key=lambda item: (-item[1], item[0]))
    return frequent[:top_k]


def _questions(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Questions with at least one answer, sorted by qid (the draw order must not depend on file order)."""
    rows = []
    for row in frame.sort_values("qid").itertuples(index=False):
        answers = [a.strip() for a in (row.answers if row.answers is not None else []) if isinstance(a, str)]
        answers = [a for a in answers if a]
        if answers:
            rows.append(
                {
                    "qid": row.qid,
                    "topic_id": row.topic_id,
                    "question": question_text(row.title, row.description),
                    "answers": answers,
                }
            )
    return rows


def build_triplets(
    frame: pd.DataFrame, generic: Sequence[str], settings: dict[str, Any], seed: int
) -> list[dict[str, Any]]:
    """Triplets of one split: for each question's first answers, mismatched-topic and generic negatives.

    ``settings``: max_positives_per_question, mismatch_per_positive, generic_per_positive,
    max_triplets (null: all). Mismatched negatives come from the same split (held-out triplets
    never see a train answer); generic negatives from ``generic`` (mined on train).
    """
    rng = random.Random(seed)
    questions = _questions(frame)
    pool = [(q["qid"], q["topic_id"], answer) for q in questions for answer in q["answers"]]
    generic = list(generic)
    triplets: list[dict[str, Any]] = []
    for q in questions:
        own = set(q["answers"])
        mismatched = [item for item in pool if item[1] != q["topic_id"] and item[2] not in own]
        generic_ok = [s for s in generic if s not in own]
        for positive in q["answers"][: settings["max_positives_per_question"]]:
            base = {"qid": q["qid"], "topic_id": q["topic_id"], "anchor": q["question"], "positive": positive}
            n_mis = min(settings["mismatch_per_positive"], len(mismatched))
            for neg_qid, neg_topic, negative in rng.sample(mismatched, n_mis):
                triplets.append(
                    {**base, "negative": negative, "kind": "mismatch", "neg_qid": neg_qid, "neg_topic_id": neg_topic}
                )
            n_gen = min(settings["generic_per_positive"], len(generic_ok))
            for negative in rng.sample(generic_ok, n_gen):
                triplets.append(
                    {**base, "negative": negative, "kind": "generic", "neg_qid": None, "neg_topic_id": None}
                )
    cap = settings.get("max_triplets")
    if cap is not None and len(triplets) > cap:
        keep = sorted(rng.sample(range(len(triplets)), cap))
        triplets = [triplets[i] for i in keep]
    return triplets


def corpus_answers(frame: pd.DataFrame) -> list[str]:
    """Every non-empty answer of a split, in qid order (the generic-sentence mining corpus)."""
    return [answer for q in _questions(frame) for answer in q["answers"]]


def corpus_texts(frame: pd.DataFrame) -> list[str]:
    """Questions and answers of a split: what the encoder must be able to read."""
    texts = []
    for q in _questions(frame):
        texts.append(q["question"])
        texts.extend(q["answers"])
    return texts
