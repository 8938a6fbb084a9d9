"""The dataset release: round trip through datasets/pandas/mlcroissant, figures traced to reports, the gate."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from workflow_scripts import coe
from workflow_scripts.common.io import InputError, write_json, write_jsonl, write_parquet
from workflow_scripts.data.anonymize import anonymize_text
from workflow_scripts.data.release import (
    PLACEHOLDER,
    SPLITS,
    ReleaseRefused,
    ReleaseSettings,
    build_release,
    lookup,
    pseudonym,
    residual_pii,
)

ROOT = Path(__file__).resolve().parents[1]
TOPICS = (("T01", "抑郁"), ("T02", "焦虑"), ("T03", "人际关系"))
SITUATIONS = (
    "最近总是睡不着，白天没有精神",
    "考试前特别紧张，心跳很快",
    "和室友关系不好，不想回宿舍",
    "工作压力大，常常想哭",
)
ANSWER = "谢谢你愿意说出来。你的感受可以理解，先照顾好自己的睡眠和饮食，试着把担心写下来，和信任的人聊一聊。"


def split_frame(split: str, n: int) -> pd.DataFrame:
    """Posts in the split contract; post 0 of each split carries the placeholders the clean stage leaves."""
    rows = []
    for i in range(n):
        topic_id, topic = TOPICS[i % len(TOPICS)]
        pid = f"{split}{i:03d}"
        description = SITUATIONS[i % len(SITUATIONS)] + (
            f"，可以打[电话1]找我，我在[机构1]上班（{i}）" if i == 0 else f"（{i}）"
        )
        rows.append(
            {
                "qid": f"demo-{pid}",
                "source": "demo",
                "post_id": pid,
                "url": f"http://demo-site.invalid/question/{pid}.html",
                "title": f"{SITUATIONS[i % len(SITUATIONS)][:8]}怎么办",
                "description": description,
                "tags": [topic],
                "answers": [ANSWER, ANSWER + "祝你好运。"][: 1 + i % 2],
                "n_answers": 1 + i % 2,
                "fetched_at": f"2026-01-{i + 1:02d}T00:00:00Z",
                "topic_id": topic_id,
                "topic": topic,
                "subtopic_id": f"{topic_id}.01",
                "subtopic": topic,
                "label_source": "site_tag" if i % 2 else "classifier",
                "label_confidence": 1.0,
                "group_id": f"demo-{pid}",
            }
        )
    return pd.DataFrame(rows)


def chain(post: dict, reviewer: str) -> dict:
    levels = {lvl: f"{name.split(' ')[0]}：提问者感到压力和孤单。" for lvl, name in coe.LEVEL_NAMES.items()}
    final = "你并不孤单，先从一件小事开始照顾自己。"
    return {
        "qid": post["qid"],
        "title": post["title"],
        "description": post["description"],
        "answer": post["answers"][0],
        "levels": levels,
        "final_answer": final,
        "completion": coe.format_coe(levels, final),
        "decision": "approve",
        "reviewer": reviewer,
        "topic_id": post["topic_id"],
        "reviewed_at": None if reviewer == "auto" else "2026-02-01T10:00:00",
        "teacher": "demo-lexicon-teacher (not a language model)",
    }


@pytest.fixture
def inputs(tmp_path: Path) -> dict:
    """Fixture splits, reports, crawl stats, chains and a PII ground truth, where the rule reads them."""
    frames = {"train": split_frame("train", 8), "val": split_frame("val", 3), "test": split_frame("test", 4)}
    paths = {s: tmp_path / f"results/splits/{s}.parquet" for s in SPLITS}
    for s in SPLITS:
        write_parquet(paths[s], frames[s])
    reports = {
        "clean": tmp_path / "results/clean/report.json",
        "label": tmp_path / "results/labeled/report.json",
        "split": tmp_path / "results/splits/report.json",
    }
    write_json(
        reports["clean"],
        {
            "reasons": {"spam_post": "ad phrases", "short_answer": "too short", "no_answers": "none left"},
            "totals": {
                "posts": {"in": 21, "out": 15, "removed": {"spam_post": 4, "no_answers": 2}},
                "answers": {"in": 40, "out": 22, "removed": {"short_answer": 13, "post_removed": 5}},
                "t2s_converted_posts": 3,
                "anonymised_posts": 7,
            },
        },
    )
    write_json(
        reports["label"],
        {
            "posts": 15,
            "label_source": {"site_tag": 6, "classifier": 9},
            "topics_used": 3,
            "subtopics_used": 3,
            "tag_holdout": {"topic_accuracy": 0.8333},
            "topics": {t: {"name": name, "posts": 5} for t, name in TOPICS},
        },
    )
    write_json(
        reports["split"],
        {
            "sizes": {"train": 8, "val": 3, "test": 4},
            "groups": 15,
            "multi_question_groups": 0,
            "leakage_check": {"near_duplicate_leaks": 0, "passed": True},
            "corpus_topic_shares": {"T01": 0.4, "T02": 0.3333, "T03": 0.2667},
        },
    )
    crawl = tmp_path / "results/raw/demo/crawl_stats.json"
    write_json(crawl, {"items": 21, "question_pages": 23, "robots_forbidden": 1, "failed": {"http_404": 2}})
    train = frames["train"].to_dict("records")
    chains = tmp_path / "results/distill/approved.jsonl"
    write_jsonl(chains, [chain(train[0], "auto"), chain(train[1], "auto"), chain(train[2], "reviewer-ann")])
    truth = tmp_path / "results/demo_site/ground_truth.jsonl"
    # post 0 of each split: its phone and employer were replaced; a "keep" value stays in the text
    write_jsonl(
        truth,
        [
            {
                "post_id": f"{f}000",
                "pii": [{"text": "13812345678", "kind": "mobile"}, {"text": "星辰科技有限公司", "kind": "employer"}],
                "keep": [{"text": "怎么办", "kind": "age"}],
            }
            for f in SPLITS
        ],
    )
    settings = copy.deepcopy(yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))["release"])
    settings["anonymisation"]["ground_truth"] = {"demo": str(truth)}
    settings["date_published"] = "2026-03-01"
    return {
        "frames": frames,
        "splits": paths,
        "reports": reports,
        "crawl": [crawl],
        "chains": chains,
        "truth": truth,
        "settings": settings,
        "output": tmp_path / "results/release/empathy_qa",
    }


def build(inputs: dict, **changes) -> dict:
    settings = copy.deepcopy(inputs["settings"])
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        node = settings
        for part in parents:
            node = node[part]
        node[leaf] = value
    return build_release(
        inputs["splits"],
        inputs["reports"],
        inputs["crawl"],
        inputs["chains"],
        inputs["output"],
        ReleaseSettings.from_params({"release": settings}),
    )


def expected_posts(frame: pd.DataFrame, salt: str) -> list[dict]:
    return [
        {
            "id": pseudonym(salt, r.qid, 16),
            "question": r.title,
            "description": r.description,
            "answers": list(r.answers),
            "topic_id": r.topic_id,
            "topic": r.topic,
            "subtopic_id": r.subtopic_id,
            "subtopic": r.subtopic,
            "label_source": r.label_source,
            "source": r.source,
            "url_sha256": pseudonym(salt, r.url),
        }
        for r in frame.itertuples()
    ]


def test_release_round_trips_through_datasets_and_pandas(inputs, tmp_path):
    import datasets

    build(inputs)
    out, salt = inputs["output"], inputs["settings"]["hash_salt"]
    files = {s: str(out / f"posts/{s}.parquet") for s in SPLITS}
    loaded = datasets.load_dataset("parquet", data_files=files, cache_dir=str(tmp_path / "hf"))
    for split in SPLITS:
        expected = expected_posts(inputs["frames"][split], salt)
        assert loaded[split].to_list() == expected
        assert (
            pd.read_parquet(files[split]).assign(answers=lambda f: f["answers"].map(list)).to_dict("records")
            == expected
        )
    chains = datasets.load_dataset(
        "parquet", data_files={"train": str(out / "chains/train.parquet")}, cache_dir=str(tmp_path / "hf")
    )["train"].to_list()
    approved = [json.loads(line) for line in inputs["chains"].read_text(encoding="utf-8").splitlines()]
    assert [c["id"] for c in chains] == [pseudonym(salt, a["qid"], 16) for a in approved]
    assert [c["L3"] for c in chains] == [a["levels"]["L3"] for a in approved]
    assert [c["completion"] for c in chains] == [a["completion"] for a in approved]
    assert [c["reviewed_by"] for c in chains] == ["auto", "auto", "human"]
    assert [c["reviewer_sha256"] for c in chains] == [None, None, pseudonym(salt, "reviewer-ann")]
    # no raw id, URL or reviewer name ships
    shipped = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    for raw in ("reviewer-ann", "demo-site.invalid", "demo-test000"):
        assert raw.encode() not in shipped


def test_card_header_configs_and_sha256sums(inputs, tmp_path):
    import datasets

    build(inputs)
    out = inputs["output"]
    by_card = datasets.load_dataset(str(out), "chains", cache_dir=str(tmp_path / "hf"))
    assert list(by_card) == ["train"] and by_card["train"].num_rows == 3
    posts = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "hf"))  # the default config
    assert posts.num_rows == {"train": 8, "val": 3, "test": 4}
    card = (out / "README.md").read_text(encoding="utf-8")
    header = yaml.safe_load(card.split("---\n")[1])
    assert header["license"] == "cc-by-4.0" and header["language"] == ["zh"]
    assert header["size_categories"] == ["n<1K"] and "question-answering" in header["task_categories"]
    configs = {c["config_name"]: {f["split"]: f["path"] for f in c["data_files"]} for c in header["configs"]}
    assert configs == {"posts": {s: f"posts/{s}.parquet" for s in SPLITS}, "chains": {"train": "chains/train.parquet"}}
    sums = dict(line.split("  ")[::-1] for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert sorted(sums) == on_disk
    for name, digest in sums.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    for section in (
        "Motivation",
        "Composition",
        "Collection process",
        "Preprocessing",
        "Cleaning and anonymisation",
        "Uses",
        "Distribution",
        "Maintenance",
    ):
        assert f"\n## {section}\n" in (out / "DATASHEET.md").read_text(encoding="utf-8")


def test_card_figures_equal_the_reports(inputs):
    audit = build(inputs)
    out = inputs["output"]
    card = (out / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (\S+\.json) \| `(.+?)` \|$", card, flags=re.MULTILINE)
    checked = set()
    for _label, value, source, key in rows:
        path = out / source if source == "audit.json" else Path(source)
        assert value == str(lookup(json.loads(path.read_text(encoding="utf-8")), key)), (source, key)
        checked.add((path.name, key))
    assert {
        ("report.json", "totals.posts.removed.spam_post"),
        ("report.json", "label_source.classifier"),
        ("report.json", "corpus_topic_shares.T02"),
        ("crawl_stats.json", "robots_forbidden"),
        ("audit.json", "anonymisation.ground_truth.pii_recall"),
        ("audit.json", "anonymisation.residual_pii"),
        ("audit.json", "release.posts.val"),
    } <= checked
    # the audit's own figures: 6 planted PII values, none left; 3 keep values, all kept; placeholders counted
    ground_truth = audit["anonymisation"]["ground_truth"]
    assert (ground_truth["pii_spans"], ground_truth["pii_leaked"], ground_truth["pii_recall"]) == (6, 0, 1.0)
    assert (ground_truth["keep_spans"], ground_truth["keep_preserved"]) == (3, 1.0)
    assert audit["anonymisation"]["placeholders"] == {"机构": 3, "电话": 3}
    sheet = (out / "DATASHEET.md").read_text(encoding="utf-8")
    assert "of 21 posts 15 were kept, of 40 answers 22" in sheet
    assert "| spam_post | 4 | ad phrases |" in sheet and "T01 抑郁 40.0 %" in sheet


def test_croissant_validates_and_reads_the_rows(inputs):
    import mlcroissant as mlc

    build(inputs)
    out = inputs["output"]
    dataset = mlc.Dataset(jsonld=str(out / "croissant.json"))
    assert not dataset.metadata.ctx.issues.errors and not dataset.metadata.ctx.issues.warnings
    metadata = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    assert metadata["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    sums = dict(line.split("  ")[::-1] for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    assert {d["contentUrl"]: d["sha256"] for d in metadata["distribution"]} == {
        name: digest for name, digest in sums.items() if name.endswith(".parquet")
    }
    records = list(dataset.records("posts_test"))
    assert [r["posts_test/question"].decode() for r in records] == inputs["frames"]["test"]["title"].tolist()


def test_drop_mode_ships_no_url_or_reviewer_column(inputs):
    build(inputs, source_links="drop", reviewer_names="drop")
    posts = pd.read_parquet(inputs["output"] / "posts/train.parquet")
    chains = pd.read_parquet(inputs["output"] / "chains/train.parquet")
    assert "url_sha256" not in posts.columns and "reviewer_sha256" not in chains.columns
    assert "url_sha256" not in (inputs["output"] / "croissant.json").read_text(encoding="utf-8")


def assert_nothing_written(inputs):
    parent = inputs["output"].parent
    assert not parent.exists() or not any(parent.iterdir())


def test_missing_licence_refuses_and_writes_nothing(inputs):
    with pytest.raises(ReleaseRefused, match=r"release\.license is not set") as refused:
        build(inputs, license=None, source_terms={})
    assert "release.source_terms.demo is not set" in str(refused.value)
    assert_nothing_written(inputs)


def test_failed_recall_threshold_refuses_and_writes_nothing(inputs):
    rows = [json.loads(line) for line in inputs["truth"].read_text(encoding="utf-8").splitlines()]
    rows[1]["pii"].append({"text": "睡不着", "kind": "name"})  # marked PII that is still in a val post
    write_jsonl(inputs["truth"], rows)
    with pytest.raises(
        ReleaseRefused, match=r"PII recall on the ground truth is 0\.8571, below .*min_pii_recall 0\.99"
    ):
        build(inputs)
    assert_nothing_written(inputs)


def test_a_source_without_ground_truth_refuses(inputs):
    with pytest.raises(ReleaseRefused, match=r"no PII ground truth for source\(s\) demo"):
        build(inputs, anonymisation__ground_truth={})
    assert_nothing_written(inputs)


def test_pii_planted_in_a_split_refuses_and_writes_nothing(inputs):
    frame = inputs["frames"]["val"].copy()
    frame.at[2, "answers"] = [ANSWER + "有需要可以加我电话13912345678聊聊。"]
    write_parquet(inputs["splits"]["val"], frame)
    with pytest.raises(ReleaseRefused, match=r"re-scan found 1 PII span\(s\).*posts/val\.parquet answers \(phone\)"):
        build(inputs)
    assert_nothing_written(inputs)


def test_rescan_ignores_the_anonymisers_own_placeholders():
    import pyarrow as pa

    text = anonymize_text("我的手机号是13812345678，我叫王建国，在华为上班。")
    assert PLACEHOLDER.search(text)
    posts = pa.table({"question": ["问题"], "description": [text], "answers": [[text]]})
    assert residual_pii({"posts/train": posts}) == []
    raw = pa.table({"question": ["问题"], "description": ["我的手机号是13812345678"], "answers": [[]]})
    assert [r["kind"] for r in residual_pii({"posts/train": raw})] == ["phone"]


def test_a_ground_truth_of_other_posts_fails_the_keep_check(inputs):
    """PII recall is vacuously high against a ground truth that does not match the released text (a stale crawl);
    the planted non-PII values anchor it: they are missing too, and the kept share fails its threshold."""
    rows = [json.loads(line) for line in inputs["truth"].read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row["keep"] = [{"text": "二十三岁那年", "kind": "age"}]
    write_jsonl(inputs["truth"], rows)
    with pytest.raises(ReleaseRefused, match=r"3 of 3 non-PII values were removed: kept share 0\.0 is below"):
        build(inputs)
    assert_nothing_written(inputs)


def test_a_report_without_a_figure_names_the_file_and_key(inputs):
    report = json.loads(inputs["reports"]["split"].read_text(encoding="utf-8"))
    del report["groups"]
    write_json(inputs["reports"]["split"], report)
    with pytest.raises(InputError, match=r"splits/report\.json: has no 'groups'"):
        build(inputs)
    assert_nothing_written(inputs)
