"""Clean stage: t2s, each filter with its counted reason, de-duplication, bad input, report arithmetic."""

from __future__ import annotations

import importlib
import itertools
import json
import random
import re
import sys
import types
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

from workflow_scripts.common.io import InputError
from workflow_scripts.data import clean

ROOT = Path(__file__).resolve().parents[1]
LEXICONS = {
    "spam": ROOT / "resources/lexicons/clean_ad_spam.txt",
    "psych": ROOT / "resources/lexicons/clean_psych_terms.txt",
    "offtopic": ROOT / "resources/lexicons/clean_offtopic_terms.txt",
    "crisis": ROOT / "resources/lexicons/clean_crisis_terms.txt",
}
PARAMS = {
    "clean": {
        "require_description": True,
        "min_answer_chars": 100,
        "spam_min_score": 2,
        "min_offtopic_terms": 2,
        "dedup": {"num_perm": 128, "shingle_size": 5, "threshold": 0.8},
    },
    "seed": 42,
}

QUESTION_SENTENCES = [
    "最近工作压力特别大，每天加班到很晚。",
    "晚上总是睡不着，躺在床上脑子停不下来。",
    "和男朋友吵架以后心情一直很低落。",
    "我觉得自己什么都做不好，很自卑。",
    "父母总是拿我和别人家的孩子比较。",
    "在宿舍里和室友相处得很不愉快。",
    "每次考试前都会紧张到手心出汗。",
    "分手三个月了还是走不出来，经常想哭。",
    "同事在背后议论我，让我很焦虑。",
    "对未来感到很迷茫，不知道人生的意义是什么。",
    "一个人在外地工作，常常觉得孤独。",
    "孩子上初中后不愿意和我沟通了。",
    "婆婆经常插手我们家的事情，我很烦躁。",
    "做事总是拖延，事后又特别自责。",
    "社交场合里我会紧张得说不出话。",
    "小时候被同学霸凌，现在还会做噩梦。",
]
ANSWER_SENTENCES = [
    "你好，能感受到你现在承受着很大的压力，这种感觉一定很不好受。",
    "首先想告诉你，你的情绪是正常的，很多人在类似的处境下都会有同样的感受。",
    "可以试着每天留出一点时间给自己，做一些让自己放松的事情，比如散步或者听音乐。",
    "如果可以的话，和信任的朋友或家人聊一聊，说出来本身就是一种释放。",
    "也可以尝试把困扰你的事情写下来，看看哪些是自己能改变的，哪些是暂时无法改变的。",
    "当情绪持续很久都没有好转时，建议寻求专业心理咨询师的帮助。",
    "请记得照顾好自己的睡眠和饮食，身体状态会直接影响心情。",
    "改变需要时间，不必要求自己马上好起来，一步一步来就可以。",
]


def question(rng: random.Random, n: int = 4) -> str:
    return "".join(rng.sample(QUESTION_SENTENCES, n))


def answer(rng: random.Random, n: int = 4) -> str:
    return "".join(rng.sample(ANSWER_SENTENCES, n))


def post(post_id: str, title: str, description: str, answers: list[str], source: str = "demo", tags=None) -> dict:
    return {
        "source": source,
        "post_id": post_id,
        "url": f"http://127.0.0.1/question/{post_id}.html",
        "title": title,
        "description": description,
        "tags": tags if tags is not None else ["情绪"],
        "answers": [
            {"text": t, "author": "someone", "votes": 3, "answered_at": "2024-05-01T10:00:00"} for t in answers
        ],
        "fetched_at": "2026-01-01T00:00:00+00:00",
    }


def write_raw(tmp_path: Path, rows: list[dict], source: str = "demo") -> Path:
    path = tmp_path / "raw" / source / "posts.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def fake_anonymize_post(title: str, description: str, answers: list[str]) -> tuple[str, str, list[str]]:
    """Stand-in for workflow_scripts.data.anonymize: phones and one name become placeholders."""

    def sub(text: str) -> str:
        return re.sub(r"1[3-9]\d{9}", "[电话1]", text).replace("张三", "[姓名1]")

    return sub(title), sub(description), [sub(a) for a in answers]


@pytest.fixture(autouse=True)
def stub_anonymizer(monkeypatch):
    """Isolate these tests from the anonymiser's own behaviour (tested in its own file)."""
    module = types.ModuleType("workflow_scripts.data.anonymize")
    module.anonymize_post = fake_anonymize_post
    monkeypatch.setitem(sys.modules, "workflow_scripts.data.anonymize", module)


def run(tmp_path: Path, raws: list[Path], workers: int = 1, params=PARAMS) -> tuple[pd.DataFrame, dict]:
    out, report = tmp_path / "clean" / "posts.parquet", tmp_path / "clean" / "report.json"
    clean.run_clean(raws, out, report, params, LEXICONS, workers=workers, rule="clean")
    return pd.read_parquet(out), json.loads(report.read_text(encoding="utf-8"))


def test_every_filter_counts_its_reason(tmp_path):
    rng = random.Random(1)
    good = [answer(rng), answer(rng)]
    rows = [
        post("1", "工作压力大怎么办", question(rng), good),
        post("2", "", "", good),  # empty question
        post("3", "兼职日结", "宝妈在家兼职，加微信abc12345，点击链接领取优惠。", good),  # ad post
        post("4", "手机屏幕碎了", "苹果手机屏幕碎了，去哪里换屏比较便宜？换电池多少钱？", good, tags=["数码"]),
        post(
            "5", "失恋了很难过", question(rng), [answer(rng), "想走出来吗？加微信abc12345，点击链接领取优惠课程。" * 3]
        ),
        post("6", "和父母关系紧张", question(rng), [answer(rng), "抱抱你，会好起来的。"]),
        post("7", "总是很焦虑", question(rng), ["加油。", "抱抱你"]),  # every answer too short
    ]
    frame, report = run(tmp_path, [write_raw(tmp_path, rows)])
    removed = report["totals"]["posts"]["removed"]
    assert removed == {
        "empty_question": 1,
        "spam_post": 1,
        "off_topic": 1,
        "no_answers": 1,
        "duplicate_qid": 0,
        "exact_duplicate": 0,
        "near_duplicate": 0,
    }
    assert report["removed_qids"]["empty_question"] == ["demo-2"]
    assert report["removed_qids"]["spam_post"] == ["demo-3"]
    assert report["removed_qids"]["off_topic"] == ["demo-4"]
    assert report["removed_qids"]["no_answers"] == ["demo-7"]
    answers = report["totals"]["answers"]
    assert answers["removed"] == {"spam_answer": 1, "short_answer": 3, "post_removed": 6}
    assert list(frame["qid"]) == ["demo-1", "demo-5", "demo-6"]
    assert list(frame["n_answers"]) == [2, 1, 1]
    assert all(clean.visible_chars(a) > 100 for answers in frame["answers"] for a in answers)


def test_report_keeps_examples_for_every_reason_with_contacts_masked(tmp_path):
    rng = random.Random(4)
    good, repost = [answer(rng), answer(rng)], question(rng)
    rows = [
        post("1", "工作压力大怎么办", question(rng), [*good, "加油。"]),
        post("2", "兼职日结", "宝妈在家兼职，加微信abc12345，点击链接领取优惠。", good),
        post("3", "手机屏幕碎了", "苹果手机屏幕碎了，去哪里换屏比较便宜？换电池多少钱？", good, tags=["数码"]),
        post("4", "总是很焦虑", question(rng), ["加油。"]),
        post("5", "工作压力大怎么办", repost, good),
        post("6", "工作压力大怎么办", repost, good),
    ]
    _, report = run(tmp_path, [write_raw(tmp_path, rows)])
    examples = report["removed_examples"]
    assert set(examples) == set(clean.POST_REASONS) | set(clean.ANSWER_REASONS)
    for unit, reasons in (("posts", clean.POST_REASONS), ("answers", clean.ANSWER_REASONS)):
        for reason in reasons:
            count = report["totals"][unit]["removed"][reason]
            if unit == "posts":
                assert len(examples[reason]) == min(count, clean.EXAMPLES_PER_REASON), reason
            else:  # one example per post that lost answers to the reason
                assert min(count, 1) <= len(examples[reason]) <= clean.EXAMPLES_PER_REASON, reason
            assert all(e["qid"].startswith("demo-") and 0 < len(e["excerpt"]) <= clean.EXCERPT_CHARS
                       for e in examples[reason])  # fmt: skip
    (spam,) = examples["spam_post"]
    assert spam["qid"] == "demo-2" and "加微信" in spam["evidence"] and "abc12345" not in spam["excerpt"]
    assert examples["off_topic"][0]["evidence"] == ["手机屏幕", "换屏", "屏幕碎", "换电池"]
    (duplicate,) = examples["exact_duplicate"]
    assert duplicate["qid"] == "demo-6" and duplicate["kept"] == "demo-5" and duplicate["excerpt"].startswith("工作")


def test_posts_with_crisis_terms_are_never_spam_or_off_topic(tmp_path):
    rng = random.Random(5)
    rows = [
        post("1", "分手后想自杀", "兼职日结，刷单也被骗了，加微信abc12345也没人回，真的不想活了。", [answer(rng)]),
        post("2", "股票跌停", "炒股亏光了积蓄，股市跌停，基金定投也亏了，想割腕。", [answer(rng)]),
        post("3", "股票跌停", "炒股亏了，股市跌停，基金定投也亏了。", [answer(rng)]),
    ]
    frame, report = run(tmp_path, [write_raw(tmp_path, rows)])
    assert list(frame["qid"]) == ["demo-1", "demo-2"]
    assert report["removed_qids"]["off_topic"] == ["demo-3"]


def test_planted_demo_noise_is_still_removed():
    """Every ad, spam and off-topic post the demo site can plant (all title x body pairings)."""
    from workflow_scripts.data.demo_site import Context, Values, fill, plain

    lex = yaml.safe_load((ROOT / "resources/demo_site/lexicon.yaml").read_text(encoding="utf-8"))
    settings, lexicons = clean.CleanSettings.from_params(PARAMS), clean.Lexicons.load(LEXICONS)
    ctx = Context(Values(random.Random(0), lex))
    missed = []
    for block in ("ads", "spam"):
        for title, body in itertools.product(lex[block]["title"], lex[block]["body"]):
            for tag in lex["generic_tags"]:
                text = plain([fill(title, ctx)]), plain([fill(body, ctx)])
                if clean.filter_question(*text, [tag], settings, lexicons)[0] != "spam_post":
                    missed.append((block, title, body, tag))
    for item in lex["offtopic"]:
        for tag in ("求助", "生活", "闲聊"):  # the tags demo_site gives off-topic posts
            if clean.filter_question(item["title"], item["body"], [tag], settings, lexicons)[0] != "off_topic":
                missed.append(("offtopic", item["title"], tag))
    assert not missed


# Bound on real posts: every one of the 9,122 is a counselling question, so each removal is an error. The
# filters removed 461 (5.1 %) before they required positive off-topic evidence; now at most 0.1 % may go.
REAL_REMOVAL_BOUND = 0.001


def test_filters_keep_real_counselling_posts(real_posts):
    settings, lexicons = clean.CleanSettings.from_params(PARAMS), clean.Lexicons.load(LEXICONS)
    removed, crisis_removed = Counter(), []
    for row in real_posts:
        reason, _ = clean.filter_question(row["title"], row["content"] or "", [], settings, lexicons)
        if reason is None:
            continue
        removed[reason] += 1
        if clean.found_terms(f"{row['title']}\n{row['content']}".lower(), lexicons.crisis):
            crisis_removed.append(row["id"])
    assert crisis_removed == []
    assert sum(removed.values()) <= REAL_REMOVAL_BOUND * len(real_posts), removed
    # the crisis lexicon does meet real posts (hundreds of them), so the exemption above is exercised
    assert sum(bool(clean.found_terms((r["title"] + (r["content"] or "")).lower(), lexicons.crisis))
               for r in real_posts) > 100  # fmt: skip


def test_psych_post_mentioning_wechat_once_is_not_spam(tmp_path):
    rng = random.Random(2)
    rows = [post("1", "男朋友总加微信别的女生", "我很难过也很生气，不知道该不该分手。", [answer(rng)])]
    frame, report = run(tmp_path, [write_raw(tmp_path, rows)])
    assert list(frame["qid"]) == ["demo-1"]
    assert report["totals"]["posts"]["removed"]["spam_post"] == 0


def test_contacts_alone_are_pii_not_spam_but_flooding_is_spam(tmp_path):
    rng = random.Random(12)
    pii = "有人想一起打卡的话可以加Q：849926041。我的手机号是13619405769。" + question(rng)
    rows = [
        post("1", "广泛性焦虑该怎么面对", pii, [answer(rng)]),
        post("2", "哈哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈哈哈哈，有没有人一起聊天啊。", [answer(rng)]),
        post("3", "顶顶顶顶顶顶", "签到签到，每日打卡，路过留个脚印。", [answer(rng)]),
        post("4", "好难过啊啊啊啊", "失恋了，晚上一直哭。" + question(rng), [answer(rng)]),
    ]
    frame, report = run(tmp_path, [write_raw(tmp_path, rows)])
    assert report["removed_qids"]["spam_post"] == ["demo-2", "demo-3"]
    assert list(frame["qid"]) == ["demo-1", "demo-4"]


def test_require_description_decides_what_an_empty_question_is(tmp_path):
    rng = random.Random(13)
    rows = [post("1", "最近很焦虑", "", [answer(rng)]), post("2", "", "", [answer(rng)])]
    lenient = json.loads(json.dumps(PARAMS))
    lenient["clean"]["require_description"] = False
    _, strict_report = run(tmp_path / "strict", [write_raw(tmp_path / "strict", rows)])
    frame, lenient_report = run(tmp_path / "lenient", [write_raw(tmp_path / "lenient", rows)], params=lenient)
    assert strict_report["removed_qids"]["empty_question"] == ["demo-1", "demo-2"]
    assert lenient_report["removed_qids"]["empty_question"] == ["demo-2"]
    assert list(frame["qid"]) == ["demo-1"]


def test_t2s_converts_traditional_and_counts_posts(tmp_path):
    rng = random.Random(3)
    trad = post("1", "最近很焦慮怎麼辦", "晚上總是失眠，覺得很難過。", ["你好，" + answer(rng) + "這種感覺會過去的。"])
    simp = post("2", "考试前很紧张", question(rng), [answer(rng)])
    frame, report = run(tmp_path, [write_raw(tmp_path, [trad, simp])])
    first = frame.iloc[0]
    assert first["title"] == "最近很焦虑怎么办"
    assert first["description"] == "晚上总是失眠，觉得很难过。"
    assert "这种感觉会过去的" in first["answers"][0]
    assert report["totals"]["t2s_converted_posts"] == 1


def test_answer_length_boundary_100_vs_101(tmp_path):
    rng = random.Random(4)
    base = "你好" * 60
    at_100 = " ".join([base[:50], base[:50]]) + "\n"  # 100 visible characters, whitespace not counted
    at_101 = base[:101]
    assert clean.visible_chars(at_100) == 100 and clean.visible_chars(at_101) == 101
    rows = [post("1", "压力很大", question(rng), [at_100, at_101])]
    frame, report = run(tmp_path, [write_raw(tmp_path, rows)])
    assert list(frame.iloc[0]["answers"]) == [at_101]
    assert report["totals"]["answers"]["removed"]["short_answer"] == 1


def test_exact_and_near_duplicates_removed_first_kept(tmp_path):
    rng = random.Random(5)
    text = question(rng, 6)
    edited = text[:40] + "他" + text[41:]  # one-character edit
    assert edited != text
    rows = [
        post("1", "睡不着很焦虑", text, [answer(rng)]),
        post("2", "睡不着, 很焦虑", " " + text.replace("，", ","), [answer(rng)]),  # exact after normalising
        post("3", "睡不着很焦虑", edited, [answer(rng)]),  # near duplicate
        post("4", "和室友相处不好", question(rng, 6), [answer(rng)]),  # a different post
    ]
    frame, report = run(tmp_path, [write_raw(tmp_path, rows)])
    assert list(frame["qid"]) == ["demo-1", "demo-4"]
    dupes = {d["removed"]: d for d in report["duplicates"]}
    assert dupes["demo-2"]["kept"] == "demo-1" and dupes["demo-2"]["reason"] == "exact_duplicate"
    assert dupes["demo-3"]["kept"] == "demo-1" and dupes["demo-3"]["reason"] == "near_duplicate"
    assert dupes["demo-3"]["similarity"] >= 0.8
    assert report["totals"]["posts"]["removed"]["exact_duplicate"] == 1
    assert report["totals"]["posts"]["removed"]["near_duplicate"] == 1


def test_anonymised_before_dedup_so_reposts_differing_in_pii_collapse(tmp_path):
    rng = random.Random(6)
    text = question(rng)
    rows = [
        post("1", "求助", "我是张三，电话13812345678。" + text, [answer(rng) + "张三你好。"]),
        post("2", "求助", "我是张三，电话13998765432。" + text, [answer(rng)]),
    ]
    frame, report = run(tmp_path, [write_raw(tmp_path, rows)])
    assert list(frame["qid"]) == ["demo-1"]
    desc = frame.iloc[0]["description"]
    assert "13812345678" not in desc and "[电话1]" in desc and "[姓名1]" in frame.iloc[0]["answers"][0]
    assert report["duplicates"] == [
        {"removed": "demo-2", "kept": "demo-1", "reason": "exact_duplicate", "similarity": 1.0}
    ]
    assert report["totals"]["anonymised_posts"] == 2


def test_real_anonymizer_contract(tmp_path, monkeypatch):
    """The real module plugs in: same API, phone numbers gone from the output."""
    monkeypatch.delitem(sys.modules, "workflow_scripts.data.anonymize")
    importlib.import_module("workflow_scripts.data.anonymize")
    rng = random.Random(14)
    rows = [post("1", "求助", "我的手机号是13812345678。" + question(rng), [answer(rng) + "可以打13998765432找我。"])]
    frame, report = run(tmp_path, [write_raw(tmp_path, rows)])
    row = frame.iloc[0]
    assert "13812345678" not in row["description"] and "13998765432" not in row["answers"][0]
    assert report["totals"]["anonymised_posts"] == 1


def test_broken_jsonl_row_names_file_and_line(tmp_path):
    rng = random.Random(7)
    path = write_raw(tmp_path, [post("1", "压力", question(rng), [answer(rng)])])
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n" + '{"source": "demo", "post_id": "2", "title": ' + "\n")
    with pytest.raises(InputError, match=r"posts\.jsonl:3: not valid JSON"):
        run(tmp_path, [path])
    assert not (tmp_path / "clean" / "posts.parquet").exists()


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda r: r.pop("title"), "missing field 'title'"),
        (lambda r: r.update(tags="情绪"), "field 'tags' must be a list of strings"),
        (lambda r: r["answers"][0].update(text=None), "answers\\[0\\]: field 'text' must be a string"),
        (lambda r: r["answers"][0].update(votes="12"), "field 'answers\\[0\\].votes' must be an integer"),
        (lambda r: r.update(source="other"), "field 'source' is 'other'"),
    ],
)
def test_schema_error_names_file_line_and_field(tmp_path, mutate, field):
    rng = random.Random(8)
    rows = [post(str(i), "压力", question(rng), [answer(rng)]) for i in (1, 2)]
    mutate(rows[1])
    path = write_raw(tmp_path, rows)
    with pytest.raises(InputError, match=rf"posts\.jsonl:2: .*{field}"):
        run(tmp_path, [path])


def test_report_counts_add_up_per_source_and_in_total(tmp_path):
    rng = random.Random(9)
    raws = []
    for source in ("siteA", "siteB"):
        rows = [post(str(i), f"问题{i}", question(rng), [answer(rng), "太短了"], source=source) for i in range(6)]
        rows.append(post("99", "", "", [answer(rng)], source=source))
        rows.append(post("5", "问题5", question(rng), [answer(rng)], source=source))  # id seen again
        raws.append(write_raw(tmp_path, rows, source))
    frame, report = run(tmp_path, raws)
    blocks = [report["totals"], *report["by_source"].values()]
    assert set(report["by_source"]) == {"siteA", "siteB"}
    for counts in blocks:
        for unit in ("posts", "answers"):
            block = counts[unit]
            assert block["in"] == block["out"] + sum(block["removed"].values())
        steps = counts["posts"]["steps"]
        assert steps[0]["in"] == counts["posts"]["in"] and steps[-1]["out"] == counts["posts"]["out"]
        assert all(a["out"] == b["in"] for a, b in itertools.pairwise(steps))
    totals = report["totals"]
    assert totals["posts"]["in"] == 16 and totals["answers"]["in"] == 2 * (6 * 2 + 2)
    assert totals["posts"]["removed"]["duplicate_qid"] == 2 and totals["posts"]["removed"]["empty_question"] == 2
    assert totals["posts"]["out"] == len(frame)
    assert totals["answers"]["out"] == int(frame["n_answers"].sum())
    assert sum(r["posts"]["in"] for r in report["by_source"].values()) == totals["posts"]["in"]


def test_pool_and_row_order_do_not_change_output(tmp_path):
    rng = random.Random(10)
    rows = [post(str(i), f"第{i}个问题", question(rng), [answer(rng), answer(rng)]) for i in range(300)]
    rows += [post("1000", "第1个问题", rows[1]["description"], [answer(rng)])]  # a duplicate to resolve
    serial = tmp_path / "serial"
    frame1, report1 = run(serial, [write_raw(serial, rows)], workers=1)
    shuffled = rows[:]
    random.Random(0).shuffle(shuffled)
    pooled = tmp_path / "pooled"
    frame2, report2 = run(pooled, [write_raw(pooled, shuffled)], workers=2)
    pd.testing.assert_frame_equal(frame1, frame2)
    assert report1 == report2
    assert {"removed": "demo-1000", "kept": "demo-1", "reason": "exact_duplicate", "similarity": 1.0} in (
        report1["duplicates"]
    )


def test_cli_writes_contract_columns_and_provenance(tmp_path):
    rng = random.Random(11)
    raw = write_raw(tmp_path, [post("1", "焦虑", question(rng), [answer(rng)])])
    out, report = tmp_path / "clean/posts.parquet", tmp_path / "clean/report.json"
    clean.main(
        [
            "--raw", str(raw),
            "--spam-lexicon", str(LEXICONS["spam"]),
            "--psych-lexicon", str(LEXICONS["psych"]),
            "--offtopic-lexicon", str(LEXICONS["offtopic"]),
            "--crisis-lexicon", str(LEXICONS["crisis"]),
            "--output", str(out),
            "--report", str(report),
            "--params", json.dumps(PARAMS),
            "--rule", "clean",
        ]
    )  # fmt: skip
    frame = pd.read_parquet(out)
    assert list(frame.columns) == clean.CLEAN_COLUMNS
    assert frame.iloc[0]["qid"] == "demo-1" and list(frame.iloc[0]["tags"]) == ["情绪"]
    prov = json.loads((tmp_path / "clean/posts.parquet.prov.json").read_text(encoding="utf-8"))
    assert prov["rule"] == "clean" and prov["facts"]["posts_out"] == 1
    assert {i["path"] for i in prov["inputs"]} >= {str(raw), str(LEXICONS["spam"])}
