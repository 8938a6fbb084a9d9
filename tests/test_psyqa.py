"""PsyQA import: the demo file, the 9 topics, the same cleaning, and a clear missing-file error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from workflow_scripts.common.io import InputError
from workflow_scripts.data import psyqa

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
TAXONOMY = ROOT / "resources" / "taxonomy" / "taxonomy.yaml"
LEXICONS = {k: ROOT / v for k, v in CONFIG["clean"]["lexicons"].items()}


def _params(test_size=60):
    return {"clean": CONFIG["clean"], "psyqa": {**CONFIG["psyqa"], "test_size": test_size}, "seed": 42}


def test_missing_file_says_where_to_get_it(tmp_path):
    with pytest.raises(InputError, match=r"thu-coai/PsyQA.*psyqa\.path"):
        psyqa.load_psyqa(tmp_path / "PsyQA_full.json")


def test_bad_row_is_named(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([{"questionID": 1, "question": "q", "description": "d", "keywords": "情绪"}]))
    with pytest.raises(InputError, match="item 0: missing field 'answers'"):
        psyqa.load_psyqa(path)


def test_demo_import_cleans_and_labels():
    posts, test, report = psyqa.import_psyqa(ROOT / CONFIG["psyqa"]["path"], _params(), LEXICONS, TAXONOMY)
    assert report["raw"]["questions"] == 151
    removed = report["clean"]["posts"]["removed"]
    assert removed["exact_duplicate"] == 1 and removed["no_answers"] >= 1
    assert report["clean"]["answers"]["removed"]["spam_answer"] >= 1
    assert all(len("".join(a.split())) > 100 for answers in posts["answers"] for a in answers)
    assert set(posts["topic"]) <= set(psyqa.PSYQA_TOPICS) and posts["subtopic_id"].isna().all()
    assert (posts["source"] == "psyqa").all() and posts["qid"].str.startswith("psyqa-").all()
    assert len(test) == 60 and set(test["qid"]) <= set(posts["qid"])
    assert "最近总是失眠" in " ".join(posts["title"])  # Traditional row converted by the shared clean step


def test_topic_fallbacks(monkeypatch):
    from workflow_scripts.data.label import KeywordScorer, load_taxonomy

    tax = load_taxonomy(TAXONOMY)
    scorer = KeywordScorer(tax, 2.0)
    assert psyqa.psyqa_topic(["恋爱", "失恋"], "", "", scorer) == ("恋爱", "site_tag", 1.0)
    assert psyqa.psyqa_topic(["职场人际"], "", "", scorer)[0] == "职业"
    topic, source, conf = psyqa.psyqa_topic([], "晚上失眠睡不着", "入睡困难", scorer)
    assert (topic, source) == ("行为", "classifier") and conf > 0.5
    # Text is coarsened through the subtopic's mapping, as everywhere else: procrastination is 行为 in PsyQA
    # although its topic (学业压力) is 成长.
    assert tax.psyqa_of("T07") == "成长"
    assert psyqa.psyqa_topic([], "复习总是拖延怎么办", "一拖再拖", scorer)[:2] == ("行为", "classifier")
    assert psyqa.psyqa_topic([], "", "", scorer) == ("成长", "classifier", 0.0)


def test_test_size_is_seeded_and_capped():
    posts, test, _ = psyqa.import_psyqa(ROOT / CONFIG["psyqa"]["path"], _params(2000), LEXICONS, TAXONOMY)
    assert len(test) == len(posts)
    a = psyqa.sample_test(posts, 30, 1)
    assert a["qid"].tolist() == psyqa.sample_test(posts, 30, 1)["qid"].tolist() and len(a) == 30
