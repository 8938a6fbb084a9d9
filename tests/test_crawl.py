"""Crawl stage: the generic Scrapy spider on a small fixture site served over loopback.

The fixture site follows the demo-site HTML contract (see the helper brief / DESIGN.md) and plants
what the crawl must survive: a page without a title, a truncated page, a 404 link, a 429-then-200
page, a page that answers 500 for good, and a /private/ link that robots.txt forbids. The server
counts every request it answers, so the tests can say what was (re)fetched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from _http_fixtures import QuietHandler, loopback
from parsel import Selector

from workflow_scripts.common.io import InputError
from workflow_scripts.data.crawl import extract, run

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "fixture"
RETRY_TIMES = 2
LOGSTATS = 1.0

DETAIL = {
    "title": "h1.question-title",
    "description": "div.question-desc",
    "tags": "div.question-tags a.tag",
    "answer": "div.answer",
    "answer_text": "div.answer-text",
    "answer_author": "span.answer-author",
    "answer_votes": "span.answer-votes",
    "answer_time": "time.answer-time::attr(datetime)",
}


def profile(concurrency: int = 4) -> dict:
    return {
        "demo_site": True,
        "verified": True,
        "start_urls": ["/list/1.html"],
        "allowed_domains": [],
        "post_id_regex": r"/question/(\d+)\.html",
        "rate": {"download_delay": 0.0, "concurrency": concurrency, "autothrottle_target": float(concurrency)},
        "selectors": {
            "list": {
                "question_link": "ul.question-list a.question-link::attr(href)",
                "next_page": "a.next-page::attr(href)",
            },
            "detail": DETAIL,
        },
    }


def params(concurrency: int = 4) -> dict:
    shared = {
        "user_agent": "empathy-r1-test",
        "retry_times": RETRY_TIMES,
        "retry_backoff": 0.0,
        "max_retry_after": 60,
        "download_timeout": 20,
        "http_cache": True,
        "log_stats_interval": LOGSTATS,
    }
    return {"crawl.settings": shared, f"crawl.sources.{SOURCE}": profile(concurrency)}


# --- the fixture site ------------------------------------------------------------------------------


def question_html(qid: int, title: str | None = "标题", truncated: bool = False) -> str:
    h1 = f'<h1 class="question-title">{title} {qid}</h1>' if title else ""
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>q{qid}</title></head><body>
{h1}
<div class="question-desc"><p>我最近总是睡不着，
  心里很烦。</p><p>第二段 {qid}。</p></div>
<div class="question-tags"><a class="tag">抑郁</a><a class="tag">睡眠</a></div>
<div class="answer" data-answer-id="{qid}01">
<div class="answer-text"><p>先深呼吸。</p><p>再试试<b>写日记</b>。</p></div>
<span class="answer-author">李老师</span><span class="answer-votes">12</span>
<time class="answer-time" datetime="2024-05-01T10:00:00">2024年5月1日</time></div>
<div class="answer" data-answer-id="{qid}02"><div class="answer-text"><p>第二个回答 {qid}</p></div>
<span class="answer-author">王</span><span class="answer-votes">赞 1.2k</span></div>
</body></html>
"""
    return html[: len(html) // 2] if truncated else html


def build_site(root: Path, n_questions: int, per_page: int, special: bool) -> Path:
    """Write a contract-following site; ``special`` plants the malformed/failing pages (ids 3-6)."""
    site = root / "site"
    (site / "list").mkdir(parents=True)
    (site / "question").mkdir()
    (site / "private" / "question").mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    ids = list(range(1, n_questions + 1))
    pages = [ids[i : i + per_page] for i in range(0, len(ids), per_page)]
    for number, chunk in enumerate(pages, start=1):
        items = [
            f'<li class="question-item"><a class="question-link" href="/question/{q}.html">标题 {q}</a> '
            f'<span class="category">抑郁</span></li>'
            for q in chunk
        ]
        if special and number == 1:
            items.append(
                '<li class="question-item"><a class="question-link" href="/private/question/999.html">x</a></li>'
            )
            items.append('<li class="question-item"><a class="question-link" href="/question/404.html">gone</a></li>')
        nxt = f'<a class="next-page" href="/list/{number + 1}.html">下一页</a>' if number < len(pages) else ""
        (site / "list" / f"{number}.html").write_text(
            f'<html><body><ul class="question-list">{"".join(items)}</ul>{nxt}</body></html>', encoding="utf-8"
        )
    for q in ids:
        title = None if special and q == 3 else "标题"
        html = question_html(q, title=title, truncated=special and q == 4)
        (site / "question" / f"{q}.html").write_text(html, encoding="utf-8")
    (site / "private" / "question" / "999.html").write_text(question_html(999), encoding="utf-8")
    return site


class FixtureServer:
    """A threaded loopback server for the fixture site: faults first, then files; counts what it answers."""

    def __init__(self, site: Path, faults: dict[str, list[int]] | None = None, latency: float = 0.0) -> None:
        self.site = site
        self.faults = {path: list(codes) for path, codes in (faults or {}).items()}
        self.latency = latency
        self.counts: Counter[str] = Counter()
        self.events: list[tuple[float, str, str]] = []  # (time, "start"|"end", path): for debugging
        self.lock = threading.Lock()

    def _handler(self):
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with server.lock:
                    server.events.append((time.monotonic(), "start", path))
                    fault = server.faults[path].pop(0) if server.faults.get(path) else None
                if fault is not None:
                    body, status = f"fault {fault}".encode(), fault
                else:
                    file = server.site / path.lstrip("/")
                    status, body = (200, file.read_bytes()) if file.is_file() else (404, b"not found")
                    if path.startswith("/question/") and server.latency:
                        time.sleep(server.latency)
                self.answer(status, "text/plain" if path.endswith(".txt") else "text/html; charset=utf-8", body)
                with server.lock:
                    server.counts[path] += 1
                    server.events.append((time.monotonic(), "end", path))

        return Handler

    def serve(self) -> contextlib.AbstractContextManager[str]:
        return loopback(self._handler())

    def question_counts(self) -> dict[str, int]:
        with self.lock:
            return {p: n for p, n in self.counts.items() if p.startswith("/question/")}


def crawl_cmd(base: str, out: Path, concurrency: int = 4) -> list[str]:
    return [
        sys.executable, "-m", "workflow_scripts.data.crawl.run", "--source", SOURCE, "--base-url", base,
        "--output", str(out / "posts.jsonl"), "--jobdir", str(out / ".jobdir"),
        "--params", json.dumps(params(concurrency)), "--rule", "crawl",
    ]  # fmt: skip


def run_crawl(base: str, out: Path, concurrency: int = 4) -> subprocess.CompletedProcess:
    result = subprocess.run(crawl_cmd(base, out, concurrency), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- tests -----------------------------------------------------------------------------------------


def test_node_text_joins_paragraphs_and_collapses_whitespace():
    page = Selector(
        text="<div id=a><p>第一段，\n   还是第一段</p><p> </p><p>第二段<br>第三行</p></div><div id=b>  单行  </div>"
    )
    assert extract.node_text(page.css("#a")[0]) == "第一段， 还是第一段\n第二段\n第三行"
    assert extract.first_text(page, "#b") == "单行"
    assert extract.first_text(page, "#missing") is None
    assert extract.first_text(page, "#a p::text") == "第一段， 还是第一段"


@pytest.mark.parametrize(
    ("shown", "votes"), [("12", 12), ("赞 1,024", 1024), ("1.2k", 1200), ("3万", 30000), ("", None), ("无", None)]
)
def test_parse_votes(shown, votes):
    assert extract.parse_votes(shown) == votes


def test_extract_question_follows_the_contract():
    fetched = dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC)
    fields = extract.extract_question(Selector(text=question_html(7)), DETAIL, fetched)
    assert fields["title"] == "标题 7"
    assert fields["description"] == "我最近总是睡不着， 心里很烦。\n第二段 7。"
    assert fields["tags"] == ["抑郁", "睡眠"]
    assert fields["answers"] == [
        {"id": None, "text": "先深呼吸。\n再试试写日记。", "author": "李老师", "votes": 12,
         "answered_at": "2024-05-01T10:00:00"},
        {"id": None, "text": "第二个回答 7", "author": "王", "votes": 1200, "answered_at": None},
    ]  # fmt: skip


def test_real_site_profile_needs_absolute_start_urls(tmp_path):
    bad = params()
    bad[f"crawl.sources.{SOURCE}"]["demo_site"] = False
    with pytest.raises(InputError, match="needs a `terms` note"):
        run.main(["--source", SOURCE, "--output", str(tmp_path / "p.jsonl"), "--params", json.dumps(bad)])
    bad[f"crawl.sources.{SOURCE}"]["terms"] = "test site"
    with pytest.raises(InputError, match="start_urls"):
        run.main(["--source", SOURCE, "--output", str(tmp_path / "p.jsonl"), "--params", json.dumps(bad)])
    with pytest.raises(InputError, match=r"crawl\.sources\.other"):
        run.main(["--source", "other", "--output", str(tmp_path / "p.jsonl"), "--params", json.dumps(bad)])
    assert not (tmp_path / "p.jsonl").exists()


def test_crawl_fixture_site_counts_what_went_wrong(tmp_path):
    site = build_site(tmp_path, n_questions=12, per_page=5, special=True)
    server = FixtureServer(site, faults={"/question/5.html": [429], "/question/6.html": [500] * 10})
    out = tmp_path / "raw"
    with server.serve() as base:
        result = run_crawl(base, out)
    rows = read_rows(out / "posts.jsonl")
    # 12 questions - no title (3) - truncated (4) - permanent 500 (6); 429-then-200 (5) is kept
    assert [r["post_id"] for r in rows] == ["1", "2", "5", "7", "8", "9", "10", "11", "12"]
    first = rows[0]
    assert set(first) == {"source", "post_id", "url", "title", "description", "tags", "answers", "fetched_at"}
    assert first["source"] == SOURCE and first["url"] == "http://demo-site.invalid/question/1.html"
    assert first["answers"][0] == {
        "text": "先深呼吸。\n再试试写日记。", "author": "李老师", "votes": 12, "answered_at": "2024-05-01T10:00:00",
    }  # fmt: skip
    assert first["fetched_at"].endswith("Z")
    # robots.txt obeyed; 429 retried once; the permanent 500 tried 1 + RETRY_TIMES times; the 404 once
    assert "/private/question/999.html" not in server.counts
    assert server.counts["/question/5.html"] == 2
    assert server.counts["/question/6.html"] == 1 + RETRY_TIMES
    assert server.counts["/question/404.html"] == 1
    stats = json.loads((out / "crawl_stats.json").read_text())
    assert stats["items"] == 9 and stats["dropped"] == {"missing_title": 1, "truncated_html": 1}
    assert stats["failed"] == {"http_404": 1, "http_500": 1}
    assert stats["robots_forbidden"] == 1 and stats["retries"] == 1 + RETRY_TIMES and stats["retries_gave_up"] == 1
    assert stats["http_status"]["429"] == 1 and stats["http_status"]["200"] >= 12
    assert "malformed page http://demo-site.invalid/question/3.html dropped: missing_title" in result.stderr
    prov = json.loads((out / "posts.jsonl.prov.json").read_text())
    assert prov["rule"] == "crawl" and prov["facts"]["dropped"] == stats["dropped"]
    assert not (out / ".jobdir" / "state").exists()  # spent queue state removed; cache kept
    assert (out / ".jobdir" / "httpcache").is_dir()

    # a rerun on another port fetches nothing already fetched (HTTP cache, port-free keys): same items
    before = Counter(server.counts)
    with server.serve() as base:
        run_crawl(base, out)
    refetched = {p: n for p, n in (server.counts - before).items()}
    assert refetched == {"/question/6.html": 1 + RETRY_TIMES}  # only the failed page is tried again
    rerun = read_rows(out / "posts.jsonl")
    assert rerun == rows  # fetched_at comes from the cached Date header: same bytes


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_killed_crawl_resumes_without_refetching(tmp_path, sig):
    site = build_site(tmp_path, n_questions=40, per_page=10, special=False)
    server = FixtureServer(site, latency=0.08)
    out = tmp_path / "raw"
    with server.serve() as base:
        proc = subprocess.Popen(crawl_cmd(base, out, concurrency=1), cwd=ROOT, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(server.question_counts()) < 12 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0, "the crawl finished before it was killed; make the fixture slower"
    assert not (out / "posts.jsonl").exists()  # a stopped crawl leaves no valid-looking output
    fetched_before = server.question_counts()
    assert 12 <= len(fetched_before) < 40
    if sig == signal.SIGINT:
        assert "rerun the same command to resume" in stderr

    with server.serve() as base:  # a new port, as every run of the demo server gets
        result = run_crawl(base, out, concurrency=1)
    rows = read_rows(out / "posts.jsonl")
    assert [r["post_id"] for r in rows] == [str(q) for q in range(1, 41)]
    counts = server.question_counts()
    assert len(counts) == 40
    refetched = [p for p in fetched_before if counts[p] > 1]
    # SIGINT stops gracefully (nothing refetched); SIGKILL may cut at most the one page in flight
    assert len(refetched) <= (0 if sig == signal.SIGINT else 1), refetched
    stats = json.loads((out / "crawl_stats.json").read_text())
    assert stats["items"] == 40
    if sig == signal.SIGINT:
        assert stats["runs"] == 2 and "resuming the stopped crawl" in result.stderr
    else:
        assert "killed before it could save its queue" in result.stderr
        assert stats["cache_hits"] >= len(fetched_before)


def test_check_site_reports_selectors(tmp_path):
    site = build_site(tmp_path, n_questions=3, per_page=5, special=False)
    config = tmp_path / "extra.yaml"
    config.write_text(json.dumps({"crawl": {"sources": {SOURCE: profile()}}}), encoding="utf-8")
    server = FixtureServer(site)
    cmd = [sys.executable, "-m", "workflow_scripts.data.crawl.check_site", "--source", SOURCE, "--config", str(config)]
    with server.serve() as base:
        good = subprocess.run([*cmd, "--base-url", base], cwd=ROOT, capture_output=True, text=True, timeout=60)
        broken = dict(profile())
        broken["selectors"] = {"list": profile()["selectors"]["list"], "detail": {**DETAIL, "title": "h2.nope"}}
        config.write_text(json.dumps({"crawl": {"sources": {SOURCE: broken}}}), encoding="utf-8")
        bad = subprocess.run([*cmd, "--base-url", base], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "question_link   ok         3 match(es)  first: '/question/1.html'" in good.stdout
    assert "title           ok         1 match(es)  first: '标题 1'" in good.stdout
    assert "answer_votes    ok         1 match(es)  first: '12'" in good.stdout
    assert "next_page       none       0 match(es)" in good.stdout
    assert bad.returncode == 1 and "title           MISSING    0 match(es)" in bad.stdout
    assert server.counts["/robots.txt"] == 4 and server.counts["/question/1.html"] == 2


@pytest.mark.e2e
def test_crawl_of_generated_demo_site_matches_ground_truth(tmp_path):
    """The real demo site (demo_site generate + serve_site) crawled with the config's demo profile."""
    import yaml

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    site, truth = tmp_path / "site", tmp_path / "ground_truth.jsonl"
    site_params = json.dumps({"demo_site": config["demo_site"]})
    subprocess.run(
        [
            sys.executable, "-m", "workflow_scripts.data.demo_site", "generate",
            "--taxonomy", "resources/taxonomy/taxonomy.yaml", "--lexicon", "resources/demo_site/lexicon.yaml",
            "--site", str(site), "--ground-truth", str(truth), "--params", site_params,
        ],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    crawl_params = {
        "crawl.settings": config["crawl"]["settings"],
        "crawl.sources.demo": config["crawl"]["sources"]["demo"],
    }
    out = tmp_path / "raw"
    subprocess.run(
        [
            sys.executable, "-m", "workflow_scripts.data.crawl.run", "--source", "demo", "--site", str(site),
            "--output", str(out / "posts.jsonl"), "--params", json.dumps(crawl_params),
        ],
        cwd=ROOT, check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    rows = {row["post_id"]: row for row in read_rows(out / "posts.jsonl")}
    truth_rows = read_rows(truth)
    lost = {"no_title", "truncated"}
    expected = {
        t["post_id"]
        for t in truth_rows
        if t["malformed_kind"] not in lost and t["fault"] not in {"404", "500-permanent"}
    }
    assert set(rows) == expected
    for t in truth_rows:
        if t["post_id"] in rows:
            assert len(rows[t["post_id"]]["answers"]) == t["n_answers"] and rows[t["post_id"]]["tags"] == t["tags"]


def test_a_changed_local_site_drops_the_cached_pages(tmp_path):
    """A regenerated demo site must be fetched afresh: its old pages in the HTTP cache are stale."""
    jobdir = tmp_path / ".jobdir"
    paths = run.jobdir_paths(jobdir)
    run.prepare_jobdir(jobdir, profile(), site_digest="a" * 64)
    (paths["cache"] / "fixture").mkdir(parents=True)
    run.prepare_jobdir(jobdir, profile(), site_digest="a" * 64)
    assert (paths["cache"] / "fixture").exists()  # same site: the cache serves a rerun
    run.prepare_jobdir(jobdir, profile(concurrency=1), site_digest="a" * 64)
    assert (paths["cache"] / "fixture").exists()  # a profile change alone keeps the pages
    run.prepare_jobdir(jobdir, profile(), site_digest="b" * 64)
    assert not paths["cache"].exists()
    assert paths["site"].read_text().strip() == "b" * 64
