"""Triplet construction for the reward encoder: mismatched and generic negatives, determinism."""

import pandas as pd
import pytest

from workflow_scripts.train import triplets as trip

GENERIC = ["抱抱你", "加油", "你并不孤单，我们都在"]
SETTINGS = {
    "max_positives_per_question": 2,
    "mismatch_per_positive": 1,
    "generic_per_positive": 1,
    "max_triplets": None,
}


def _answer(topic_word: str, i: int) -> str:
    return f"抱抱你。关于{topic_word}，第{i}个建议是慢慢来！加油。你并不孤单，我们都在\n{topic_word}会过去的？"


def _frame() -> pd.DataFrame:
    rows = []
    for n, (topic, word) in enumerate([("T01", "抑郁"), ("T02", "焦虑"), ("T03", "人际")] * 3):
        rows.append(
            {
                "qid": f"demo-{n:02d}",
                "title": f"{word}怎么办",
                "description": f"最近{word}很严重",
                "answers": [_answer(word, n * 10 + k) for k in range(3)],
                "topic_id": topic,
            }
        )
    return pd.DataFrame(rows)


def test_split_sentences_on_chinese_stops():
    assert trip.split_sentences("抱抱你。加油！真的吗？\n好的") == ["抱抱你", "加油", "真的吗", "好的"]


def test_generic_sentences_mined_by_answer_frequency():
    frame = _frame()
    mined = trip.mine_generic_sentences(trip.corpus_answers(frame), max_chars=12, min_count=10, top_k=10)
    sentences = [s for s, _ in mined]
    # the phrases shared by every answer, not the per-topic ones (9 answers each)
    assert set(sentences) == set(GENERIC)
    assert all(n == 27 for _, n in mined)  # once per answer: 9 questions x 3 answers
    # the length cap drops the long shared sentence
    short = trip.mine_generic_sentences(trip.corpus_answers(frame), max_chars=4, min_count=10, top_k=10)
    assert [s for s, _ in short] == ["加油", "抱抱你"]
    assert trip.mine_generic_sentences(["抱抱你。", "抱抱你。"], max_chars=10, min_count=3, top_k=5) == []


def test_negatives_are_really_mismatched():
    frame = _frame()
    rows = trip.build_triplets(frame, GENERIC, SETTINGS, seed=1)
    topic_of = dict(zip(frame.qid, frame.topic_id, strict=True))
    answers_of = {q: set(a) for q, a in zip(frame.qid, frame.answers, strict=True)}
    assert {r["kind"] for r in rows} == {"mismatch", "generic"}
    assert len(rows) == 9 * 2 * 2
    for r in rows:
        assert r["positive"] in answers_of[r["qid"]]
        assert r["negative"] != r["positive"]
        assert r["negative"] not in answers_of[r["qid"]]
        assert r["anchor"] == trip.question_text(*frame.set_index("qid").loc[r["qid"], ["title", "description"]])
        if r["kind"] == "mismatch":
            assert r["neg_topic_id"] != r["topic_id"] == topic_of[r["qid"]]
            assert r["negative"] in answers_of[r["neg_qid"]]
        else:
            assert r["negative"] in GENERIC


def test_seeded_determinism_and_cap():
    frame = _frame()
    first = trip.build_triplets(frame, GENERIC, SETTINGS, seed=7)
    assert first == trip.build_triplets(frame.sample(frac=1, random_state=3), GENERIC, SETTINGS, seed=7)
    assert first != trip.build_triplets(frame, GENERIC, SETTINGS, seed=8)
    capped = trip.build_triplets(frame, GENERIC, {**SETTINGS, "max_triplets": 5}, seed=7)
    assert len(capped) == 5 and capped == trip.build_triplets(frame, GENERIC, {**SETTINGS, "max_triplets": 5}, seed=7)


def test_one_topic_gives_no_mismatched_negatives():
    frame = _frame()
    frame["topic_id"] = "T01"
    rows = trip.build_triplets(frame, GENERIC, SETTINGS, seed=1)
    assert rows and all(r["kind"] == "generic" for r in rows)


@pytest.mark.parametrize("answers", [[], ["  "]])
def test_unanswered_questions_are_skipped(answers):
    frame = _frame()
    frame.at[0, "answers"] = answers
    rows = trip.build_triplets(frame, GENERIC, SETTINGS, seed=1)
    assert "demo-00" not in {r["qid"] for r in rows}
