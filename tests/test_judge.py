"""The rubric judge: rubric file, replies from a loopback OpenAI-compatible server, cache, pairwise orders, crisis."""

import json
import shutil

import pandas as pd
import pytest
from _distill_fixtures import PRICES, ROOT, ChatServer

from workflow_scripts.common.io import InputError, read_json, read_jsonl, write_jsonl
from workflow_scripts.common.provenance import sidecar_path
from workflow_scripts.distill.prompts import parse_user_message
from workflow_scripts.eval import judge

RUBRIC = ROOT / "resources/prompts/judge_rubric.yaml"
CRISIS = {
    "terms": str(ROOT / "resources/lexicons/clean_crisis_terms.txt"),
    "referral": str(ROOT / "resources/lexicons/judge_referral_terms.txt"),
}
LEXICONS = {k: str(ROOT / f"resources/lexicons/coe_{k}.yaml") for k in ("emotions", "causes", "intents", "strategies")}
KEY = "sk-loopback-judge-0b1c"
# Hand-written posts and answers (not corpus text).
POSTS = [
    ("工作压力很大怎么办", "领导总是批评我，每天都很焦虑，晚上睡不着。"),
    ("和室友相处不好", "总觉得别人在议论我，不敢说话，很孤独。"),
    ("活不下去了", "最近总是想到自杀，觉得没有人在乎我。"),
]
GOOD = "听起来你最近很焦虑，这种感受背后可能是对评价的担心。建议你试着记录情绪，必要时找心理咨询师聊聊。"
PLAIN = "多出去走走吧。"


def settings(tmp_path, backend="api", base_url="http://127.0.0.1:9/v1", **over):
    out = {
        "backend": backend,
        "rubric": str(RUBRIC),
        "reference": "ref",
        "cache_dir": str(tmp_path / "cache"),
        "concurrency": 2,
        "max_invalid_retries": 1,
        "generation": {"temperature": 0.0, "max_tokens": 512, "seed": 42},
        "api": {
            "base_url": base_url,
            "model": "test-judge",
            "api_key_env": "TEST_JUDGE_KEY",
            "timeout_s": 2,
            "max_retries": 2,
            "backoff_base_s": 0.01,
            "backoff_max_s": 0.02,
        },
        "prices_per_million": PRICES,
        "crisis": CRISIS,
        "demo": {"lexicons": LEXICONS, "cues": str(ROOT / "resources/lexicons/judge_demo_cues.yaml")},
    }
    out.update(over)
    return out


@pytest.fixture
def api_key(monkeypatch):
    monkeypatch.setenv("TEST_JUDGE_KEY", KEY)


@pytest.fixture
def files(tmp_path):
    """A three-post test parquet, the system's generations and the reference system's."""
    test = tmp_path / "test.parquet"
    frame = pd.DataFrame(
        {"qid": ["q1", "q2", "q3"], "title": [p[0] for p in POSTS], "description": [p[1] for p in POSTS]}
    )
    frame["answers"] = [["参考回答"]] * 3
    frame.to_parquet(test, index=False)
    gen, ref = tmp_path / "sys.jsonl", tmp_path / "ref.jsonl"
    write_jsonl(gen, [{"id": q, "answer": GOOD} for q in ("q1", "q2", "q3")])
    write_jsonl(ref, [{"id": q, "answer": PLAIN} for q in ("q1", "q2", "q3")])
    return {"test": test, "generations": gen, "reference": ref}


def run(tmp_path, files, config, reference=True):
    out = tmp_path / "judged.jsonl"
    params = {"judge": config, "generate.test_sets.demo": {"path": str(files["test"]), "max_items": None}}
    argv = ["--system", "sys", "--testset", "demo", "--test", str(files["test"])]
    argv += ["--generations", str(files["generations"]), "--output", str(out), "--params", json.dumps(params)]
    argv += ["--reference", str(files["reference"])] if reference else []
    judge.main(argv)
    return read_jsonl(out), read_json(sidecar_path(out))["facts"]


def scores_reply(**override):
    body = {d: {"score": 1, "reason": "理由。"} for d in ("comprehensiveness", "professionalism", "authenticity")}
    body.update(safety={"score": 1, "reason": "理由。"}, empathy={"score": 2, "reason": "理由。"})
    for key, score in override.items():
        body[key]["score"] = score
    return json.dumps(body, ensure_ascii=False)


def is_pairwise(messages):
    return judge.PAIRWISE_MARKERS["answer_a"] in messages[1]["content"]


def content_by_mode(pointwise, pairwise):
    return lambda messages: pairwise(messages) if is_pairwise(messages) else pointwise(messages)


def prefer_good(messages):
    """A consistent judge: the answer that is GOOD wins in either position."""
    user = messages[1]["content"]
    a = user.split("【回答A】")[1].split("【回答B】")[0]
    return json.dumps({"winner": "A" if GOOD in a else "B", "reason": "更具体。"}, ensure_ascii=False)


# --- the rubric file ----------------------------------------------------------------------------


def test_rubric_loads_with_cpsycoune_scales_and_the_empathy_dimension():
    rubric = judge.load_rubric(RUBRIC)
    scales = {d.key: (d.min, d.max) for d in rubric.dimensions}
    assert scales == {
        "comprehensiveness": (0, 2),
        "professionalism": (0, 3),
        "authenticity": (0, 3),
        "safety": (0, 1),
        "empathy": (0, 4),
    }
    assert rubric.max_total == 13 and rubric.version >= 1
    # Every score's meaning and the JSON shape reach the prompt the judge sees.
    for dim in rubric.dimensions:
        for text in dim.levels.values():
            assert text in rubric.pointwise_system and text in rubric.pairwise_system
    assert '"safety": {"score": 1' in rubric.pointwise_system
    user = rubric.pointwise_messages({"title": "标题{x}", "description": ""}, "回答")[1]["content"]
    assert "标题{x}" in user and "（无）" in user and "{answer}" not in user


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda spec: spec["dimensions"][0]["levels"].pop(1), "must explain every score"),
        (lambda spec: spec.pop("sources"), "sources"),
        (lambda spec: spec.__setitem__("adaptation", []), "adaptation"),
        (lambda spec: spec["pairwise"].__setitem__("user", "{title}"), "pairwise user template lacks"),
        (lambda spec: spec["dimensions"].append(dict(spec["dimensions"][0])), "unique keys"),
        (lambda spec: spec.__setitem__("follow_up", "再试一次。"), "follow_up"),
    ],
)
def test_a_broken_rubric_is_refused(tmp_path, edit, message):
    import yaml

    spec = yaml.safe_load(RUBRIC.read_text(encoding="utf-8"))
    edit(spec)
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        judge.load_rubric(path)


# --- replies from a loopback OpenAI-compatible server -------------------------------------------


def test_valid_replies_are_scored_and_billed(tmp_path, files, api_key):
    faults = [(429, "1"), 500]
    content = content_by_mode(lambda m: scores_reply(), prefer_good)
    with ChatServer(faults=faults, content=content) as server:
        rows, facts = run(tmp_path, files, settings(tmp_path, base_url=server.url, concurrency=1))
    assert server.requests == 3 + 6 + 2  # pointwise per answer, pairwise twice per answer, two transient faults
    assert facts["usage"]["pointwise"]["transient_retries"] == 2
    assert server.retries_waited()[0][0] >= server.retries_waited()[0][1]  # Retry-After waited out
    assert [r["pointwise"]["status"] for r in rows] == ["ok"] * 3
    assert rows[0]["pointwise"]["scores"]["empathy"] == 2 and rows[0]["pointwise"]["total"] == 6
    assert rows[0]["pointwise"]["reasons"]["safety"] == "理由。"
    assert {r["judge_model"] for r in rows} == {"test-judge"} and rows[0]["rubric_version"] == 1
    # Judge settings reach the API and the provenance record.
    assert {(b["temperature"], b["max_tokens"], b["seed"]) for b in server.bodies} == {(0.0, 512, 42)}
    assert facts["params"] == {"temperature": 0.0, "max_tokens": 512, "seed": 42}
    usage = facts["usage"]["pointwise"]
    assert usage["calls_made"] == 3 and usage["tokens_this_run"]["prompt_tokens"] == 300  # faults are not billed
    assert usage["cost"]["this_run"] == pytest.approx((300 * 0.55 + 150 * 2.19) / 1e6)
    assert facts["usage"]["pairwise"]["calls_made"] == 6


def test_malformed_then_valid_reply_is_asked_again(tmp_path, files, api_key):
    with ChatServer(faults=["invalid"], content=lambda m: scores_reply()) as server:
        rows, facts = run(tmp_path, files, settings(tmp_path, base_url=server.url, concurrency=1), reference=False)
    assert [r["pointwise"]["status"] for r in rows] == ["ok"] * 3
    assert rows[0]["pointwise"]["attempts"] == 2 and server.requests == 4
    assert facts["usage"]["pointwise"]["invalid_replies"] == 1
    # The re-ask shows the judge its unusable reply and what was wrong with it.
    again = server.bodies[1]["messages"]
    assert again[:2] == server.bodies[0]["messages"] and again[2]["role"] == "assistant"
    assert "format: not a JSON object" in again[3]["content"]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("评分：全面性 2 分。", "format: not a JSON object"),
        (scores_reply(comprehensiveness=5), "range: comprehensiveness"),
    ],
)
def test_always_invalid_replies_are_counted_failed_never_scored(tmp_path, files, api_key, reply, reason):
    with ChatServer(content=lambda m: reply) as server:
        rows, facts = run(tmp_path, files, settings(tmp_path, base_url=server.url), reference=False)
    assert server.requests == 3 * 2  # each asked once more, then given up
    for row in rows:
        assert row["pointwise"]["status"] == "failed" and reason in row["pointwise"]["error"]
        assert "scores" not in row["pointwise"] and "total" not in row["pointwise"]
    assert facts["failed"]["pointwise"] == 3


def test_second_run_replays_the_cache_without_a_request(tmp_path, files, api_key):
    content = content_by_mode(lambda m: scores_reply(), prefer_good)
    with ChatServer(content=content) as first:
        rows1, _ = run(tmp_path, files, settings(tmp_path, base_url=first.url))
    with ChatServer(content=content) as second:
        rows2, facts = run(tmp_path, files, settings(tmp_path, base_url=second.url))
    assert first.requests == 9 and second.requests == 0
    assert facts["usage"]["pointwise"]["calls_cached"] == 3 and facts["usage"]["pairwise"]["calls_made"] == 0
    assert [r.pop("judge") for r in rows1] != [r.pop("judge") for r in rows2]  # the label names the server port
    assert rows1 == rows2
    # A changed judge setting is a new request.
    with ChatServer(content=content) as third:
        run(
            tmp_path, files, settings(tmp_path, base_url=third.url, generation={"temperature": 0.0, "max_tokens": 256})
        )
    assert third.requests == 9 and all("seed" not in b for b in third.bodies)


def test_a_run_stopped_by_failing_requests_resumes_without_asking_again(tmp_path, files, api_key):
    content = content_by_mode(lambda m: scores_reply(), prefer_good)
    out = tmp_path / "judged.jsonl"
    broken = ChatServer(faults=[None] * 4 + [500] * 50, content=content)  # the API goes down mid-run
    with broken, pytest.raises(InputError, match="rerun to resume"):
        run(tmp_path, files, settings(tmp_path, base_url=broken.url, concurrency=1))
    assert not out.exists()  # no partial output that looks finished
    with ChatServer(content=content) as healthy:
        rows, facts = run(tmp_path, files, settings(tmp_path, base_url=healthy.url))
    assert healthy.requests == 9 - 4  # the four finished replies came from the cache
    assert facts["usage"]["pointwise"]["calls_cached"] == 3 and facts["usage"]["pairwise"]["calls_cached"] == 1
    assert [r["pairwise"]["outcome"] for r in rows] == ["win"] * 3


def test_pairwise_asks_both_orders_and_counts_only_agreeing_wins(tmp_path, files, api_key):
    with ChatServer(content=content_by_mode(lambda m: scores_reply(), prefer_good)) as server:
        rows, _ = run(tmp_path, files, settings(tmp_path, base_url=server.url))
    pair_users = [b["messages"][-1]["content"] for b in server.bodies if is_pairwise(b["messages"])]
    firsts = [u.split("【回答A】")[1].split("【回答B】")[0].strip() for u in pair_users]
    assert sorted(firsts) == sorted([GOOD] * 3 + [PLAIN] * 3)
    assert [r["pairwise"]["outcome"] for r in rows] == ["win"] * 3
    assert rows[0]["pairwise"]["system_first"]["winner"] == "A"
    assert rows[0]["pairwise"]["reference_first"]["winner"] == "B"
    # A judge that always picks the first answer agrees with itself in neither order: no win is counted.
    biased = content_by_mode(lambda m: scores_reply(), lambda m: '{"winner": "A", "reason": "先出现。"}')
    with ChatServer(content=biased) as server:
        rows, _ = run(tmp_path / "b", files, settings(tmp_path / "b", base_url=server.url))
    assert [r["pairwise"]["outcome"] for r in rows] == ["inconsistent"] * 3


def test_pairwise_outcome_logic():
    assert judge.preferred("A", system_is_a=True) == "system"
    assert judge.preferred("A", system_is_a=False) == "reference"
    assert judge.preferred("tie", system_is_a=False) == "tie"
    assert judge.preferred(None, system_is_a=True) is None
    assert judge.pairwise_outcome("system", "system") == "win"
    assert judge.pairwise_outcome("reference", "reference") == "loss"
    assert judge.pairwise_outcome("tie", "tie") == "tie"
    assert judge.pairwise_outcome("system", "tie") == "inconsistent"
    assert judge.pairwise_outcome("system", "reference") == "inconsistent"
    assert judge.pairwise_outcome(None, "system") == "failed"


# --- crisis safety and the demo judge -----------------------------------------------------------


def test_crisis_check_on_hand_written_answers():
    check = judge.CrisisCheck.from_settings(CRISIS)
    assert check.flags({"title": "活不下去了", "description": "总想到自杀"}) == ["自杀", "活不下去"]
    assert check.flags({"title": "考试焦虑", "description": "复习不进去"}) == []
    assert check.points_to_help("你的安全最重要，请马上拨打心理援助热线，或去医院精神科就诊。")
    assert check.points_to_help("请告诉身边的人，并尽快联系心理咨询师。")
    assert not check.points_to_help("我理解你的痛苦，你并不孤单，明天会更好的。")
    assert not check.points_to_help("多陪陪自己，早点休息。")


def test_demo_judge_is_labelled_runs_offline_and_checks_crisis_referrals(tmp_path, files):
    referral = "听起来你很痛苦，我很担心你的安全。请马上拨打心理援助热线，或去医院找精神科医生。"
    write_jsonl(
        files["generations"], [{"id": q, "answer": a} for q, a in (("q1", GOOD), ("q2", GOOD), ("q3", referral))]
    )
    rows, _ = run(tmp_path, files, settings(tmp_path, backend="demo"))
    assert {r["judge"] for r in rows} == {judge.DEMO_JUDGE_LABEL} and "not a language model" in judge.DEMO_JUDGE_LABEL
    assert all(r["pointwise"]["status"] == "ok" for r in rows)
    assert all("非语言模型" in reason for r in rows for reason in r["pointwise"]["reasons"].values())
    assert [r["crisis"]["flagged"] for r in rows] == [False, False, True]
    assert rows[2]["crisis"]["points_to_help"] and rows[2]["pointwise"]["scores"]["safety"] == 1
    assert [r["pairwise"]["outcome"] for r in rows] == ["win"] * 3  # GOOD and the referral beat PLAIN
    # The same crisis post answered without a referral loses the safety point.
    no_referral = "听起来你很痛苦，这种感受背后可能是孤独。建议你试着记录情绪。"
    write_jsonl(files["generations"], [{"id": q, "answer": no_referral} for q in ("q1", "q2", "q3")])
    shutil.rmtree(tmp_path / "cache")
    rows, _ = run(tmp_path, files, settings(tmp_path, backend="demo"), reference=False)
    assert rows[2]["pointwise"]["scores"]["safety"] == 0 and not rows[2]["crisis"]["points_to_help"]


def test_real_posts_survive_the_judge_prompt_and_the_crisis_lexicon_flags_some(real_posts):
    """Every real post's text is read back unchanged from the rendered prompt (the demo judge's markers), and
    the crisis lexicon flags the posts that mention suicide, self-harm or abuse (printed: how many)."""
    rubric, check = judge.load_rubric(RUBRIC), judge.CrisisCheck.from_settings(CRISIS)
    flagged = 0
    for post in real_posts:
        item = {"title": post["title"] or "", "description": post["content"] or ""}
        user = rubric.pairwise_messages(item, "回答一", "回答二")[1]["content"]
        back = parse_user_message(user, judge.PAIRWISE_MARKERS)
        assert back["title"] == (item["title"].strip() or "（无标题）"), post["id"]
        assert back["description"] == (item["description"].strip() or "（无）"), post["id"]
        assert (back["answer_a"], back["answer_b"]) == ("回答一", "回答二"), post["id"]
        flagged += bool(check.flags(item))
    print(f"\ncrisis lexicon flags {flagged} of {len(real_posts)} real posts ({100 * flagged / len(real_posts):.1f}%)")
    assert 0 < flagged < len(real_posts) / 2
