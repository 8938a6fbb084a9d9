"""Taxonomy shape and labelling: tags first, longest-match keywords, accuracy on the demo generator."""

from __future__ import annotations

import importlib
import math
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

from workflow_scripts.common.io import InputError, write_jsonl, write_parquet
from workflow_scripts.data.label import (
    KeywordScorer,
    keyword_label,
    load_tag_map,
    load_taxonomy,
    pick_subtopic,
    run_label,
    tag_label,
)

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "resources" / "taxonomy" / "taxonomy.yaml"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(TAXONOMY)


def test_taxonomy_contract(taxonomy):
    assert len(taxonomy.topics) == 29 and taxonomy.n_subtopics == 182
    assert [t.id for t in taxonomy.topics[:3]] == ["T01", "T02", "T03"]
    assert [t.name for t in taxonomy.topics[:3]] == ["抑郁", "焦虑", "人际关系"]
    assert {t.psyqa for t in taxonomy.topics} == {
        "成长",
        "情绪",
        "恋爱",
        "人际",
        "行为",
        "家庭",
        "治疗",
        "职业",
        "婚姻",
    }
    every = []
    for topic in taxonomy.topics:
        assert 8 <= len(topic.keywords) <= 15, topic.id
        every += topic.keywords
        for sub in topic.subtopics:
            assert 4 <= len(sub.keywords) <= 10, sub.id
            every += sub.keywords
    assert [k for k, n in Counter(every).items() if n > 1] == []


def test_psyqa_mapping_prefers_the_subtopic(taxonomy):
    psyqa_topics = {t.psyqa for t in taxonomy.topics}
    assert all(s.psyqa in psyqa_topics for t in taxonomy.topics for s in t.subtopics)
    assert taxonomy.psyqa_of("T07") == "成长" and taxonomy.psyqa_of("T07", "T07.01") == "成长"
    assert taxonomy.psyqa_of("T07", "T07.04") == "行为"  # PsyQA files procrastination under behaviour
    assert taxonomy.psyqa_of("T01", "T01.03") == "治疗"  # and medication under treatment


def test_a_repeated_setting_word_counts_sublinearly(taxonomy):
    scorer = KeywordScorer(taxonomy, title_weight=2.0)
    topics, _ = scorer.score("总是拖延怎么办", "工作的时候拖延，工作很多，工作做不完，工作压得喘不过气")
    assert topics["T07"] == 2.0 + 1.0 and topics["T08"] == pytest.approx(1 + math.log(4))


def test_an_exception_subtopic_needs_its_own_keyword(taxonomy):
    """With no subtopic keyword, a bigram shared by chance (自己, 焦虑) must not move a post to a subtopic
    whose PsyQA topic differs from its topic's (健康焦虑 is 行为 while 焦虑 is 情绪)."""
    anxiety = taxonomy.by_id["T02"]
    text = "焦虑，老是怀疑自己"  # shares 焦虑 and 自己 with 健康焦虑's name and keywords, no keyword of it
    assert KeywordScorer(taxonomy, 2.0).score("", text)[1] == Counter()
    sub, confidence = pick_subtopic(anxiety, Counter(), text)
    assert sub.psyqa == anxiety.psyqa == "情绪" and confidence == 0.0
    _, subs = KeywordScorer(taxonomy, 2.0).score("", "总怀疑自己得了什么病")  # its keyword: it may
    assert pick_subtopic(anxiety, subs, "总怀疑自己得了什么病")[0].id == "T02.03"


def test_keyword_label_is_the_text_path(taxonomy):
    scorer = KeywordScorer(taxonomy, 2.0)
    assert keyword_label(scorer, "复习总是拖延", "") == ("T07", "T07.04", 1.0)
    assert keyword_label(scorer, "今天天气很好", "") is None


def test_bad_taxonomy_names_the_entry(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("topics:\n  - {id: T1, name: x, psyqa: 情绪, keywords: [a], subtopics: []}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"topics\[0\].*T1"):
        load_taxonomy(bad)


def test_tags_win_and_maps_reach_subtopics(taxonomy, tmp_path):
    assert tag_label(["问答", "焦虑"], taxonomy, {}) == ("T02", None)
    assert tag_label(["失眠多梦", "考研考公"], taxonomy, {"失眠多梦": "T10"}) == ("T10", None)
    assert tag_label(["考研", "考研考公"], taxonomy, {"考研": "T07"}) == ("T07", "T07.03")
    assert tag_label(["随便聊聊"], taxonomy, {}) == (None, None)
    path = tmp_path / "site.yaml"
    path.write_text("睡眠: T99\n", encoding="utf-8")
    with pytest.raises(InputError, match="T99"):
        load_tag_map(path, taxonomy)


def test_longest_match_first(taxonomy):
    scorer = KeywordScorer(taxonomy, title_weight=2.0)
    assert scorer.hits("考试焦虑") == ["考试焦虑"]  # not also 焦虑 (T02)
    topics, subs = scorer.score("考试焦虑怎么办", "一考试就考前紧张")
    assert topics.most_common(1)[0][0] == "T07" and subs["T07.01"] == 3.0


def test_demo_topic_accuracy_at_least_090():
    """Accuracy on the demo generator's ground truth (what bench/bench_label.py prints, smaller)."""
    sys.path.insert(0, str(ROOT / "bench"))
    bench = importlib.import_module("bench_label")
    result = bench.measure(n=300, seed=3, model="nb")
    assert result["all"]["posts"] > 200
    assert result["all"]["topic_accuracy"] >= 0.9
    assert result["classifier"]["topic_accuracy"] >= 0.85
    assert result["all"]["subtopic_accuracy"] >= 0.8


def test_keyword_tokenizer_leaves_global_jieba_alone(taxonomy):
    import jieba

    from workflow_scripts.data.label import _jieba_tokenizer

    keyword = taxonomy.topics[0].subtopics[0].keywords[0]
    text = f"最近{keyword}越来越严重了"
    before = jieba.lcut(text)
    tokens = _jieba_tokenizer(taxonomy)(text)
    assert keyword.lower() in tokens
    assert jieba.lcut(text) == before


def test_report_scores_the_finished_labels_against_ground_truth(tmp_path):
    """label.score_against adds accuracy to report.json; the labels are the same with or without it."""
    sys.path.insert(0, str(ROOT / "bench"))
    frame = importlib.import_module("bench_label").demo_frame(n=150, seed=5)
    frame["post_id"] = frame["qid"].str.removeprefix("demo-")
    truth = tmp_path / "ground_truth.jsonl"
    rows = [
        {"post_id": r.post_id, "topic_id": r.true_topic_id, "subtopic_id": r.true_subtopic_id}
        for r in frame.itertuples()
    ]
    rows.append({"post_id": "noise-1", "topic_id": None, "subtopic_id": None})  # an ad: no topic, not scored
    write_jsonl(truth, rows)
    clean = tmp_path / "clean.parquet"
    write_parquet(clean, frame.drop(columns=["true_topic_id", "true_subtopic_id"]))
    section = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["label"]
    section.update(taxonomy=str(TAXONOMY), tag_maps_dir=str(ROOT / section["tag_maps_dir"]))
    scored = run_label(
        clean, tmp_path / "a.parquet", tmp_path / "a.json", {"label": {**section, "score_against": str(truth)}}
    )
    plain = run_label(
        clean, tmp_path / "b.parquet", tmp_path / "b.json", {"label": {**section, "score_against": None}}
    )
    labeled = pd.read_parquet(tmp_path / "a.parquet")
    assert labeled.equals(pd.read_parquet(tmp_path / "b.parquet"))  # the truth never shapes a label
    assert "ground_truth_accuracy" not in plain
    acc = scored["ground_truth_accuracy"]
    merged = labeled.merge(frame[["qid", "true_topic_id", "true_subtopic_id"]], on="qid")
    assert acc["posts"] == acc["all"]["posts"] == len(frame)
    assert acc["all"]["topic_accuracy"] == round(float((merged.topic_id == merged.true_topic_id).mean()), 4)
    assert acc["all"]["subtopic_accuracy"] == round(float((merged.subtopic_id == merged.true_subtopic_id).mean()), 4)
    assert acc["site_tag"]["posts"] + acc["classifier"]["posts"] == len(frame)
    assert acc["all"]["topic_accuracy"] >= 0.9


def test_real_label_sets_are_disjoint_and_well_formed(taxonomy, real_posts):
    """The development labels (errors studied) and the test hand labels (figures only) are different real posts."""
    import csv

    def read(name):
        with (ROOT / "bench" / name).open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    dev = read("real_psyqa_dev_labels.csv") + read("real_psyqa_dev_labels_2.csv")
    test = read("real_subtopic_labels.csv")
    ids = {p["id"] for p in real_posts}
    assert {r["id"] for r in dev} <= ids and {r["id"] for r in test} <= ids
    assert len({r["id"] for r in dev}) == len(dev) and not {r["id"] for r in dev} & {r["id"] for r in test}
    assert {r["psyqa_topic"] for r in dev} <= {t.psyqa for t in taxonomy.topics}
    assert {r["subtopic_id"] for r in test} <= set(taxonomy.subtopic_by_id)


def test_trained_blend_of_bench_label_real(taxonomy):
    """The trained-classifier experiment (bench/bench_label_real.py --trained): words it was trained on decide a post
    without keywords; a post whose keywords all name one topic keeps that topic's PsyQA topic."""
    blend_class = importlib.import_module("bench.bench_label_real").TrainedBlend
    scorer = KeywordScorer(taxonomy, title_weight=2.0)
    fruit = [("苹果香蕉", "我买了苹果"), ("香蕉", "苹果和香蕉"), ("苹果", "香蕉很甜")]
    trains = [("火车飞机", "坐火车"), ("飞机", "火车和飞机"), ("火车", "飞机很快")]
    assert not any(scorer.hits(t + d) for t, d in fruit + trains)
    blend = blend_class(taxonomy).fit(fruit + trains, ["家庭"] * 3 + ["职业"] * 3)
    assert blend.predict([("香蕉和苹果", ""), ("飞机和火车", "")]) == ["家庭", "职业"]
    assert blend.predict([("香蕉和苹果", "")], blend=False) == ["家庭"]
    assert scorer.hits("失眠") == ["失眠"] and keyword_label(scorer, "失眠", "")[0] == "T10"
    assert blend.predict([("失眠", "香蕉和苹果")]) == [taxonomy.psyqa_of("T10")] == ["行为"]
