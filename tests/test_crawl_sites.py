"""Crawl stage on sites other than the demo: new profiles only, real-site profiles on fixture pages, defences.

- an unseen forum whose markup differs from the demo's, with ad blocks inside answer bodies, crawled with a
  profile written for it (exclude selectors, relative times), also under 30 % injected 500/429 carrying
  Retry-After: every question, answer and text exact, robots.txt obeyed, no retry sooner than asked;
- the xinli001 and jiandanxinli profiles of config/config.yaml on hand-written fixture pages
  (tests/fixtures/crawl/): answers paged inside a question, answers from a JSON endpoint, every answer once;
- a challenge page stops the source with a message naming the URL and what was seen, yields no item from it,
  and a rerun after the challenge is cleared resumes.
The servers answer from memory and log when they answered what, so retries are timed on the server side.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import math
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import yaml
from _http_fixtures import QuietHandler, loopback
from parsel import Selector

from workflow_scripts.data.crawl import blocking, extract
from workflow_scripts.data.crawl.times import normalize_time

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "crawl"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SHARED = {
    "user_agent": "empathy-r1-test",
    "retry_times": 3,
    "retry_backoff": 0.0,
    "max_retry_after": 30,
    "download_timeout": 20,
    "http_cache": True,
    "log_stats_interval": 1.0,
}
FAST = {"download_delay": 0.0, "concurrency": 4, "autothrottle_target": 4.0}


# --- a server that answers from memory and logs every answer ---------------------------------------------


class SiteServer:
    """Routes {path?query (unquoted): (content type, body)}; ``faults`` {route: [(status, headers), ...]} are
    answered first, one per request. ``log`` holds (route, status, monotonic time, wall time, headers sent)."""

    def __init__(self, routes: dict[str, tuple[str, bytes]], faults: dict[str, list] | None = None) -> None:
        self.routes = routes
        self.faults = {route: list(answers) for route, answers in (faults or {}).items()}
        self.log: list[tuple[str, int, float, float, dict[str, str]]] = []
        self.lock = threading.Lock()

    def _handler(self):
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                route = unquote(self.path)
                with server.lock:
                    fault = server.faults[route].pop(0) if server.faults.get(route) else None
                if fault is not None:
                    status, headers = fault
                    kind, body = "text/plain", f"fault {status}".encode()
                    headers = {name: value() if callable(value) else value for name, value in headers.items()}
                elif route in server.routes:
                    status, headers = 200, {}
                    kind, body = server.routes[route]
                else:
                    status, headers, kind, body = 404, {}, "text/plain", b"not found"
                with server.lock:
                    server.log.append((route, status, time.monotonic(), time.time(), headers))
                self.answer(status, kind, body, headers)

        return Handler

    def serve(self) -> contextlib.AbstractContextManager[str]:
        return loopback(self._handler())

    def hits(self, route: str) -> int:
        with self.lock:
            return sum(1 for logged in self.log if logged[0] == route)


def fixture_routes(name: str) -> dict[str, tuple[str, bytes]]:
    folder = FIXTURES / name
    kinds = {".html": "text/html; charset=utf-8", ".json": "application/json", ".txt": "text/plain"}
    routes = json.loads((folder / "routes.json").read_text(encoding="utf-8"))
    return {route: (kinds[Path(file).suffix], (folder / file).read_bytes()) for route, file in routes.items()}


def config_profile(source: str, **overrides) -> dict:
    profile = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["crawl"]["sources"][source]
    return {**profile, "rate": FAST, **overrides}


def crawl_cmd(source: str, profile: dict, base: str, out: Path, shared: dict | None = None) -> list[str]:
    params = {"crawl.settings": shared or SHARED, f"crawl.sources.{source}": profile}
    return [
        sys.executable, "-m", "workflow_scripts.data.crawl.run", "--source", source, "--base-url", base,
        "--output", str(out / "posts.jsonl"), "--jobdir", str(out / ".jobdir"), "--params", json.dumps(params),
    ]  # fmt: skip


def crawl(source: str, profile: dict, base: str, out: Path, shared: dict | None = None) -> subprocess.CompletedProcess:
    cmd = crawl_cmd(source, profile, base, out, shared)
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=180)


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def when(fetched_at: str) -> dt.datetime:
    return dt.datetime.fromisoformat(fetched_at.replace("Z", "+00:00")).astimezone(SHANGHAI)


# --- times -------------------------------------------------------------------------------------------------


FETCHED = dt.datetime(2026, 3, 6, 1, 30, 15, tzinfo=dt.UTC)  # 09:30:15 in Shanghai


@pytest.mark.parametrize(
    ("shown", "iso"),
    [
        ("34分钟前", "2026-03-06T08:56:15+08:00"),
        ("2小时前", "2026-03-06T07:30:15+08:00"),
        ("昨天 12:30", "2026-03-05T12:30:00+08:00"),
        ("昨天12:30", "2026-03-05T12:30:00+08:00"),
        ("前天 08:05", "2026-03-04T08:05:00+08:00"),
        ("今天 07:00", "2026-03-06T07:00:00+08:00"),
        ("3天前", "2026-03-03T09:30:15+08:00"),
        ("1个月前", "2026-02-06T09:30:15+08:00"),
        ("刚刚", "2026-03-06T09:30:15+08:00"),
        ("2023-05-01 10:20", "2023-05-01T10:20:00+08:00"),
        ("2019年3月2日", "2019-03-02T00:00:00+08:00"),
        ("2019/03/02 21:07", "2019-03-02T21:07:00+08:00"),
        ("03-01 10:20", "2026-03-01T10:20:00+08:00"),
        ("12-24 10:20", "2025-12-24T10:20:00+08:00"),  # MM-DD in the future of the fetch: last year
        ("2021-03-02T09:15:00+08:00", "2021-03-02T09:15:00+08:00"),
        ("2024-05-01T02:00:00Z", "2024-05-01T02:00:00+00:00"),
        ("很久以前", None),
        ("2023-02-30", None),
        ("", None),
    ],
)
def test_times_normalised_to_iso_anchored_on_fetch(shown, iso):
    assert normalize_time(shown, FETCHED, "Asia/Shanghai") == iso


def test_naive_times_stay_naive_without_a_site_timezone():
    assert normalize_time("2024-05-01T10:00:00", FETCHED) == "2024-05-01T10:00:00"  # the demo site's form
    assert normalize_time("34分钟前", FETCHED) == "2026-03-06T00:56:15+00:00"


# --- the unseen forum ----------------------------------------------------------------------------------------

FORUM_SOURCE = "forum"
AGO = [("5分钟前", dt.timedelta(minutes=5)), ("2小时前", dt.timedelta(hours=2)), ("2天前", dt.timedelta(days=2))]


def forum_profile() -> dict:
    """Written for the forum's markup alone: nothing in it comes from the demo profile."""
    return {
        "demo_site": False,
        "verified": True,
        "evidence": "test forum served by tests/test_crawl_sites.py",
        "terms": "invented test site; no terms",
        "start_urls": ["http://forum.test/board?p=1"],
        "allowed_domains": ["forum.test"],
        "post_id_regex": r"/t/(\d+)$",
        "timezone": "Asia/Shanghai",
        "rate": FAST,
        "selectors": {
            "list": {
                "question_link": "article.thread h2 > a::attr(href)",
                "next_page": "nav.pager a[rel=next]::attr(href)",
            },
            "detail": {
                "title": "header.thread-head h2.subject",
                "description": "section.op-body",
                "tags": "footer.labels span.label",
                "answer": "div.replies > div.reply",
                "answer_id": "::attr(data-rid)",
                "answer_text": "div.reply-body",
                "answer_author": "a.who",
                "answer_votes": "em.likes",
                "answer_time": "span.when",
                "exclude": ["div.ad-slot", "aside.promo", "blockquote.quoted", "a.expand"],
            },
        },
    }


def build_forum(n_pages: int = 3, per_page: int = 5, seed: int = 7) -> tuple[dict, list[dict]]:
    """The forum's routes and its ground truth (one dict per question, answers with their time offsets)."""
    rng = random.Random(seed)
    routes: dict[str, tuple[str, bytes]] = {}
    truth: list[dict] = []
    html = "text/html; charset=utf-8"
    routes["/robots.txt"] = ("text/plain", b"User-agent: *\nDisallow: /t/9\n")  # /t/9xx: members only
    qid = 100
    for page in range(1, n_pages + 1):
        threads = []
        for _ in range(per_page):
            qid += 1
            answers = []
            replies = []
            for k in range(rng.randint(1, 4)):
                rid = f"r{qid}-{k}"
                lines = [f"回复{qid}的第{k}段话。", f"第二行{rng.randint(0, 99)}。"]
                ago_text, ago = AGO[(qid + k) % 3]
                ad = '<div class="ad-slot">【广告】加微信领课程</div>' if (qid + k) % 2 else ""
                promo = '<aside class="promo">推荐阅读：别的帖子</aside>' if (qid + k) % 3 == 0 else ""
                quote = f'<blockquote class="quoted">引用楼上：{qid}</blockquote>' if k else ""
                replies.append(
                    f'<div class="reply" data-rid="{rid}"><a class="who">网友{k}</a>'
                    f'<div class="reply-body">{quote}<p>{lines[0]}</p>{ad}<p>{lines[1]}</p>{promo}'
                    f'<a class="expand" href="#">展开全文</a><script>track("{rid}")</script></div>'
                    f'<em class="likes">{k * 3}</em><span class="when">{ago_text}</span></div>'
                )
                answers.append({"text": "\n".join(lines), "author": f"网友{k}", "votes": k * 3, "ago": ago})
            title = f"帖子标题{qid}"
            body = f"楼主的话{qid}。"
            tags = ["心情", f"话题{qid % 4}"]
            labels = "".join(f'<span class="label">{tag}</span>' for tag in tags)
            routes[f"/t/{qid}"] = (
                html,
                f"""<html><head><title>{title}</title></head><body>
<div class="wrap"><header class="thread-head"><h2 class="subject">{title}</h2></header>
<section class="op-body"><div class="ad-slot">广告位招租</div><p>{body}</p></section>
<footer class="labels">{labels}</footer>
<div class="replies">{"".join(replies)}</div></div></body></html>""".encode(),
            )
            truth.append({"post_id": str(qid), "title": title, "description": body, "tags": tags, "answers": answers})
            threads.append(f'<article class="thread"><h2><a href="/t/{qid}">{title}</a></h2></article>')
        threads.append(f'<article class="thread"><h2><a href="/t/9{page:02d}">会员帖</a></h2></article>')
        routes[f"/t/9{page:02d}"] = (html, b"<html><body>members only</body></html>")
        pager = (
            f'<nav class="pager"><a rel="next" href="/board?p={page + 1}">下一页</a></nav>' if page < n_pages else ""
        )
        routes[f"/board?p={page}"] = (html, f"<html><body>{''.join(threads)}{pager}</body></html>".encode())
    return routes, truth


def http_date_in(seconds: int):
    """A Retry-After header value in HTTP-date form, computed when the fault is answered."""
    return lambda: email.utils.formatdate(math.ceil(time.time()) + seconds, usegmt=True)


def inject_faults(routes: dict, share: float, seed: int) -> dict[str, list]:
    """One 429/500/503 with Retry-After (1 s, some as an HTTP date) on ``share`` of the pages."""
    rng = random.Random(seed)
    pages = sorted(route for route in routes if route != "/robots.txt" and not route.startswith("/t/9"))
    chosen = rng.sample(pages, round(share * len(pages)))
    faults = {}
    for n, route in enumerate(chosen):
        status = (429, 500, 503)[n % 3]
        faults[route] = [(status, {"Retry-After": http_date_in(2) if n % 4 == 3 else "1"})]
    return faults


def score_forum(rows: list[dict], truth: list[dict]) -> dict[str, float]:
    """Shares of questions, answers and texts (title, description, tags, answer fields) crawled exactly."""
    got = {row["post_id"]: row for row in rows}
    questions = sum(1 for t in truth if t["post_id"] in got)
    answers = exact_answers = exact_questions = 0
    total_answers = sum(len(t["answers"]) for t in truth)
    for t in truth:
        row = got.get(t["post_id"])
        if row is None:
            continue
        exact_questions += (row["title"], row["description"], row["tags"]) == (t["title"], t["description"], t["tags"])
        answers += min(len(row["answers"]), len(t["answers"]))
        for crawled, want in zip(row["answers"], t["answers"], strict=False):
            answered = (when(row["fetched_at"]) - want["ago"]).isoformat()
            expected = {
                "text": want["text"],
                "author": want["author"],
                "votes": want["votes"],
                "answered_at": answered,
            }
            exact_answers += crawled == expected
    return {
        "questions": questions / len(truth),
        "question_text": exact_questions / len(truth),
        "answers": answers / total_answers,
        "answer_text": exact_answers / total_answers,
    }


def early_retries(server: SiteServer, faults: dict[str, list]) -> list[str]:
    """Faulted routes fetched again sooner than their Retry-After allowed (server-side times)."""
    early = []
    for route in faults:
        answers = [logged for logged in server.log if logged[0] == route]
        assert len(answers) >= 2, f"{route} was not retried"
        (_, _, mono, _, headers), (_, _, mono_next, wall_next, _) = answers[0], answers[1]
        asked = headers["Retry-After"]
        if asked.isdigit():
            if mono_next - mono < float(asked):
                early.append(f"{route}: {mono_next - mono:.3f} s < {asked} s")
        elif wall_next < email.utils.parsedate_to_datetime(asked).timestamp():
            early.append(f"{route}: {wall_next:.3f} before {asked}")
    return early


@pytest.mark.parametrize("fault_share", [0.0, 0.3], ids=["clean", "faults30"])
def test_unseen_forum_crawled_exactly_with_a_new_profile(tmp_path, fault_share):
    routes, truth = build_forum()
    faults = inject_faults(routes, fault_share, seed=3)
    server = SiteServer(routes, faults)
    with server.serve() as base:
        result = crawl(FORUM_SOURCE, forum_profile(), base, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = rows_of(tmp_path / "posts.jsonl")
    scores = score_forum(rows, truth)
    print(f"forum ({fault_share:.0%} faults): {len(rows)} questions, scores {scores}")
    assert scores == {"questions": 1.0, "question_text": 1.0, "answers": 1.0, "answer_text": 1.0}
    assert [len(r["answers"]) for r in rows] == [len(t["answers"]) for t in truth]  # no answer twice
    assert not any("广告" in a["text"] or "展开全文" in a["text"] for r in rows for a in r["answers"])
    assert all(server.hits(route) == 0 for route in routes if route.startswith("/t/9"))  # robots.txt obeyed
    stats = json.loads((tmp_path / "crawl_stats.json").read_text())
    assert stats["robots_forbidden"] == 3 and stats["failed"] == {} and stats["spider_errors"] == {}
    assert stats["retry_pauses"] == len(faults)
    assert stats["retries"] == len(faults) and len(faults) == round(fault_share * (len(routes) - 4))
    assert early_retries(server, faults) == []


# --- the real-site profiles on fixture pages -------------------------------------------------------------------


def xinli001_profile(**overrides) -> dict:
    pages = {**config_profile("xinli001")["list_pages"], "last": 2}
    return config_profile("xinli001", list_pages=pages, **overrides)


def test_xinli001_profile_merges_answers_paged_inside_a_question(tmp_path):
    server = SiteServer(fixture_routes("xinli001"))
    with server.serve() as base:
        result = crawl("xinli001", xinli001_profile(), base, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {row["post_id"]: row for row in rows_of(tmp_path / "posts.jsonl")}
    assert sorted(rows) == ["100000101", "100000102", "100000103"]
    paged = rows["100000101"]
    assert paged["url"] == "https://www.xinli001.com/qa/100000101"
    assert paged["title"] == "考试前总是心慌怎么办" and paged["tags"] == ["焦虑", "学业"]
    assert paged["description"] == "下周要考试了，一想到就心跳很快。\n晚上也睡不好。"
    fetched = when(paged["fetched_at"])
    yesterday = (fetched - dt.timedelta(days=1)).replace(hour=12, minute=30, second=0)
    # page 2 repeats page 1's last answer: every answer once, in page order
    answers = [{k: a[k] for k in ("text", "author", "votes")} for a in paged["answers"]]
    assert answers == [
        {"text": "先试试把担心写下来。\n再给自己定一个小目标。", "author": "晴天老师", "votes": 15},
        {"text": "考前紧张很常见，深呼吸会有帮助。", "author": "小鹿", "votes": 3},
        {"text": "复习按小时划分，每段结束时走动一下。", "author": "林间", "votes": 1200},
    ]
    times = [a["answered_at"] for a in paged["answers"]]
    assert times[:2] == [(fetched - dt.timedelta(minutes=34)).isoformat(), yesterday.isoformat()]
    # "3天前" on page 2 is anchored on page 2's own fetch, moments after page 1's
    three_days = fetched - dt.timedelta(days=3)
    assert three_days <= dt.datetime.fromisoformat(times[2]) <= three_days + dt.timedelta(seconds=30)
    assert rows["100000102"]["answers"][0]["answered_at"] == "2023-05-01T10:20:00+08:00"
    assert len(rows["100000103"]["answers"]) == 1
    assert server.hits("/qa/100000101?page=2") == 1
    stats = json.loads((tmp_path / "crawl_stats.json").read_text())
    assert stats["answers"] == 5 and stats["list_pages"] == 2


def test_jiandanxinli_profile_reads_answers_from_the_json_endpoint(tmp_path):
    server = SiteServer(fixture_routes("jiandanxinli"))
    with server.serve() as base:
        result = crawl("jiandanxinli", config_profile("jiandanxinli"), base, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {row["post_id"]: row for row in rows_of(tmp_path / "posts.jsonl")}
    assert sorted(rows) == ["1001", "1002"]
    first = rows["1001"]
    assert first["url"] == "https://www.jiandanxinli.com/questions/1001"
    assert (first["title"], first["description"], first["tags"]) == (
        "总觉得自己不够好",
        "做什么都担心别人失望。",
        ["自我", "焦虑"],
    )
    # answer 502 is on both JSON pages: once here
    assert first["answers"] == [
        {"text": "先分清哪些期待来自别人，哪些来自自己。\n写下来会清楚一些。", "author": "阿青", "votes": 21,
         "answered_at": "2021-03-02T09:15:00+08:00"},
        {"text": "你已经注意到了这种感受，这本身就是开始。", "author": "木木", "votes": 4,
         "answered_at": "2021-03-03T20:01:00+08:00"},
        {"text": "可以和信任的人聊聊具体的一件事。", "author": "小周", "votes": 0,
         "answered_at": "2021-03-05T08:00:00+08:00"},
    ]  # fmt: skip
    assert [a["author"] for a in rows["1002"]["answers"]] == ["远山"]
    assert server.hits("/api/v1/answers?filter[question_id]=1001&page[number]=2") == 1


# --- blocked and challenge pages ----------------------------------------------------------------------------------

WAF = (FIXTURES / "xinli001" / "waf.html").read_bytes()
CAPTCHA = "<html><head><title>安全验证</title></head><body><div id='nc'>请拖动滑块完成验证码</div></body></html>"
BLOCKS = {
    "waf": (
        (200, {}),
        ("text/html", WAF),
        "an Aliyun WAF JavaScript cookie challenge (acw_sc__v2 computed from arg1=)",
    ),
    "redirect": (
        (302, {"Location": "https://static.xinli001.com/503-error.html"}),
        None,
        "a redirect to the error page https://static.xinli001.com/503-error.html",
    ),
    "captcha": ((200, {}), ("text/html; charset=utf-8", CAPTCHA.encode()), "a captcha page (page title '安全验证'"),
}


@pytest.mark.parametrize("kind", sorted(BLOCKS))
def test_challenge_page_stops_the_source_and_a_rerun_resumes(tmp_path, kind):
    fault, page, seen = BLOCKS[kind]
    routes = fixture_routes("xinli001")
    blocked = "/qa/100000102"
    clear = routes[blocked]
    if page is not None:
        routes[blocked] = page
    server = SiteServer(routes, faults={blocked: [fault]} if page is None else None)
    with server.serve() as base:
        result = crawl("xinli001", xinli001_profile(), base, tmp_path)
    assert result.returncode != 0
    assert f"blocked at https://www.xinli001.com{blocked}: {seen}" in result.stderr
    assert "rerun the same command to resume" in result.stderr
    assert not (tmp_path / "posts.jsonl").exists()
    partial = rows_of(tmp_path / ".jobdir" / "posts.partial.jsonl")
    assert "100000102" not in {row["post_id"] for row in partial}  # nothing from the blocked page
    fetched_before = {logged[0] for logged in server.log if logged[1] == 200 and logged[0] != blocked}

    routes[blocked] = clear  # the challenge is cleared
    before = len(server.log)
    with server.serve() as base:
        rerun = crawl("xinli001", xinli001_profile(), base, tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert "resuming the stopped crawl" in rerun.stderr
    rows = rows_of(tmp_path / "posts.jsonl")
    assert [row["post_id"] for row in rows] == ["100000101", "100000102", "100000103"]
    assert len(rows[0]["answers"]) == 3
    refetched = {logged[0] for logged in server.log[before:]}
    assert blocked in refetched and not (refetched & fetched_before)  # the rest came from the state and cache


def test_blocked_page_recognition():
    profile = config_profile("xinli001")
    question = (FIXTURES / "xinli001" / "question-100000102.html").read_text(encoding="utf-8")
    assert blocking.blocked_seen(blocking.QUESTION, question, profile) is None
    assert blocking.blocked_seen(blocking.QUESTION, WAF.decode(), profile).startswith("an Aliyun WAF")
    # a Q&A page that mentions a captcha is still a Q&A page
    assert blocking.blocked_seen(blocking.QUESTION, question.replace("室友", "验证码"), profile) is None
    empty = "<html><head><title>首页</title></head><body>欢迎</body></html>"
    assert blocking.blocked_seen(blocking.LIST, empty, profile) == (
        "a page that is not a Q&A page: none of the required selectors matched "
        "(question_link \"#left > ul > li p span a[href*='/qa/']::attr(href)\") (page title '首页')"
    )
    jd = config_profile("jiandanxinli")
    not_json = "a page that is not a Q&A page: not JSON (6 characters, no <title>)"
    assert blocking.blocked_seen(blocking.ANSWERS_JSON, "<html>", jd) == not_json
    assert blocking.error_page_seen("https://static.xinli001.com/503-error.html?x=1", profile).startswith("a redirect")
    assert blocking.error_page_seen("https://www.xinli001.com/qa/1", profile) is None


def test_exclude_removes_ads_before_text_is_taken():
    detail = {**forum_profile()["selectors"]["detail"]}
    routes, _ = build_forum(n_pages=1, per_page=1)
    html = routes["/t/101"][1].decode()
    fetched = dt.datetime(2026, 3, 6, tzinfo=dt.UTC)
    with_ads = extract.extract_question(Selector(text=html), {**detail, "exclude": []}, fetched)
    without = extract.extract_question(Selector(text=html), detail, fetched)
    assert "广告" in with_ads["description"] and without["description"] == "楼主的话101。"
    assert all("广告" not in a["text"] and "引用" not in a["text"] for a in without["answers"])


# --- check_site on the fixtures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["xinli001", "jiandanxinli"])
def test_check_site_on_fixture_pages(tmp_path, source):
    server = SiteServer(fixture_routes(source))
    cmd = [sys.executable, "-m", "workflow_scripts.data.crawl.check_site", "--source", source]
    with server.serve() as base:
        good = subprocess.run([*cmd, "--base-url", base], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stdout + good.stderr
    assert f"source {source} (NOT verified profile)" in good.stdout
    if source == "xinli001":
        assert "title           ok         1 match(es)  first: '考试前总是心慌怎么办'" in good.stdout
        assert "answer_next_page ok         1 match(es)  first: '/qa/100000101?page=2'" in good.stdout
        assert "answer_votes    ok         1 match(es)  first: '15'" in good.stdout
    else:
        assert "json_answers    ok         2 answer(s) at 'data'" in good.stdout
        assert "author        ok       first: '阿青'" in good.stdout


def test_check_site_reports_a_challenge_page():
    routes = fixture_routes("xinli001")
    routes["/qa/100000101"] = ("text/html", WAF)
    server = SiteServer(routes)
    cmd = [sys.executable, "-m", "workflow_scripts.data.crawl.check_site", "--source", "xinli001"]
    with server.serve() as base:
        bad = subprocess.run([*cmd, "--base-url", base], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert (
        "BLOCKED at http://127.0.0.1:" in bad.stdout
        and "/qa/100000101: an Aliyun WAF JavaScript cookie challenge" in bad.stdout
    )
    assert "some required selectors did not match" in bad.stdout


def test_questions_from_a_json_list_endpoint(tmp_path):
    routes = fixture_routes("jiandanxinli")
    pages = {1: ([1001], "/api/v1/questions?page=2"), 2: ([1002], None)}
    for number, (ids, following) in pages.items():
        body = {"data": [{"id": qid, "title": "x"} for qid in ids], "links": {"next": following}}
        routes[f"/api/v1/questions?page={number}"] = ("application/json", json.dumps(body).encode())
    profile = config_profile("jiandanxinli", start_urls=["https://www.jiandanxinli.com/api/v1/questions?page=1"])
    profile["json"] = {
        **profile["json"],
        "questions": {"items": "data", "link": "join('', ['/questions/', to_string(id)])", "next": "links.next"},
    }
    server = SiteServer(routes)
    with server.serve() as base:
        result = crawl("jiandanxinli", profile, base, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = rows_of(tmp_path / "posts.jsonl")
    assert [(row["post_id"], len(row["answers"])) for row in rows] == [("1001", 3), ("1002", 1)]
    assert server.hits("/questions") == 0  # the HTML list page is not used


def test_limits_cap_a_trial_run(tmp_path):
    profile = xinli001_profile(limits={"max_list_pages": 1, "max_items": 1})
    server = SiteServer(fixture_routes("xinli001"))
    with server.serve() as base:
        result = crawl("xinli001", profile, base, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [row["post_id"] for row in rows_of(tmp_path / "posts.jsonl")] == ["100000101"]
    assert server.hits("/qa?page=2&type=question&object_name=last&title=&level2_tag=0&sort=id") == 0
    assert server.hits("/qa/100000102") == 0 and server.hits("/qa/100000101?page=2") == 1


def test_retry_after_beyond_the_cap_stops_the_source_and_a_rerun_resumes(tmp_path):
    routes = fixture_routes("xinli001")
    server = SiteServer(routes, faults={"/qa/100000103": [(429, {"Retry-After": "3600"})]})
    with server.serve() as base:
        result = crawl("xinli001", xinli001_profile(), base, tmp_path)
    assert result.returncode != 0
    assert (
        "blocked at https://www.xinli001.com/qa/100000103: the server asks to wait 3600 s (Retry-After), "
        "over max_retry_after 30 s" in result.stderr
    )
    with server.serve() as base:  # the fault was answered once: the site serves again
        rerun = crawl("xinli001", xinli001_profile(), base, tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert [row["post_id"] for row in rows_of(tmp_path / "posts.jsonl")] == ["100000101", "100000102", "100000103"]
    assert server.hits("/qa/100000103") == 2
