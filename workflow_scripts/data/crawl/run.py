"""Crawl one Q&A source into results/raw/{source}/posts.jsonl (one validated item per question).

    python -m workflow_scripts.data.crawl.run --source demo --site results/demo_site/site \\
        --output results/raw/demo/posts.jsonl --jobdir results/raw/demo/.jobdir --params '{...}'

Resuming: the crawl keeps its state under ``--jobdir``:
  state/               Scrapy JOBDIR (request queue + seen fingerprints): a crawl stopped with
                       SIGINT/SIGTERM (Ctrl-C, Snakemake's own stop) resumes where it stopped;
  httpcache/           every page fetched (errors excepted): a rerun, or a restart after a hard
                       kill (SIGKILL, power loss), gets pages from here instead of the site;
  posts.partial.jsonl  items so far (FEEDS, appended across resumed runs);
  runs.jsonl           stats of each stopped run, summed into the final crawl stats;
  RUNNING              present while a crawl runs: found at start, the last run died without
                       saving its queue, so the crawl restarts from the start URLs (cache-served).
The output is written only when the crawl finishes: items deduplicated by post_id, sorted,
atomically renamed into place. A stopped crawl leaves no output and exits non-zero.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workflow_scripts.common.cli import run_main, step_parser
from workflow_scripts.common.io import read_jsonl, write_json, write_jsonl
from workflow_scripts.common.provenance import recorded_step, sha256_path
from workflow_scripts.data.crawl import profiles
from workflow_scripts.data.crawl.items import EXPORT_FIELDS

logger = logging.getLogger(__name__)

SETTINGS_MODULE = "workflow_scripts.data.crawl.settings"
MIN_DELAY = 0.001  # seconds
HANDLER = "workflow_scripts.data.crawl.middlewares.CanonicalHostDownloadHandler"


class CrawlStopped(SystemExit):
    """The crawl ended before finishing (signal, error): no output; rerun to resume."""


def jobdir_paths(jobdir: Path) -> dict[str, Path]:
    """Where the parts of a crawl's resumable state live (see the module docstring)."""
    return {
        "state": jobdir / "state",
        "cache": jobdir / "httpcache",
        "feed": jobdir / "posts.partial.jsonl",
        "runs": jobdir / "runs.jsonl",
        "running": jobdir / "RUNNING",
        "profile": jobdir / "profile.sha256",
        "site": jobdir / "site.sha256",
    }


def scrapy_settings(
    shared: dict[str, Any], profile: dict[str, Any], jobdir: Path, host_map: dict[str, str]
) -> dict[str, Any]:
    """Per-crawl overrides of the project settings: rate limits, retries, cache, JOBDIR, FEEDS."""
    paths = jobdir_paths(jobdir.resolve())
    rate = profile["rate"]
    settings: dict[str, Any] = {
        "USER_AGENT": shared["user_agent"],
        "ROBOTSTXT_OBEY": True,
        # a delay > 0 also makes the per-domain concurrency hold: with a delay of 0, Scrapy 2.19's
        # downloader hands every queued request of a slot to the network at once
        "DOWNLOAD_DELAY": max(rate["download_delay"], MIN_DELAY),
        "CONCURRENT_REQUESTS_PER_DOMAIN": rate["concurrency"],
        "CONCURRENT_REQUESTS": max(16, rate["concurrency"]),
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": rate["download_delay"],
        "AUTOTHROTTLE_TARGET_CONCURRENCY": rate["autothrottle_target"],
        "RETRY_TIMES": shared["retry_times"],
        "RETRY_BACKOFF": shared["retry_backoff"],
        "RETRY_AFTER_MAX": shared["max_retry_after"],
        "DOWNLOAD_TIMEOUT": shared["download_timeout"],
        "HTTPCACHE_ENABLED": shared["http_cache"],
        "HTTPCACHE_DIR": str(paths["cache"]),
        "JOBDIR": str(paths["state"]),
        "LOG_LEVEL": "INFO",
        "LOG_INSTALL_ROOT_HANDLER": False,  # log through the step's stderr handler (configure_logging)
        "LOGSTATS_INTERVAL": shared["log_stats_interval"],
        "FEEDS": {
            str(paths["feed"]): {
                "format": "jsonlines",
                "encoding": "utf8",
                "overwrite": False,  # append: a resumed run adds to what the stopped one wrote
                "fields": EXPORT_FIELDS,
            }
        },
    }
    if host_map:
        settings["CANONICAL_HOST_MAP"] = host_map
        settings["DOWNLOAD_HANDLERS"] = {"http": HANDLER, "https": HANDLER}
    return settings


def run_spider(source: str, profile: dict[str, Any], overrides: dict[str, Any], urls: list[str]) -> dict[str, Any]:
    """Run the spider to its end in this process (Twisted allows one run per process); return its stats."""
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.settings import Settings

    from workflow_scripts.data.crawl.spiders.qa_site import QASiteSpider

    settings = Settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    settings.setdict(overrides, priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    # Scrapy sets its own logger to DEBUG; the step's handler shows INFO and up (no per-item dumps of raw text)
    logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
    crawler = process.create_crawler(QASiteSpider)
    process.crawl(
        crawler, source=source, profile=profile, start_urls=urls, allowed_domains=profiles.allowed_domains(profile)
    )
    process.start()
    return dict(crawler.stats.get_stats())


def _fingerprint(profile: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(profile, sort_keys=True).encode()).hexdigest()


def prepare_jobdir(jobdir: Path, profile: dict[str, Any], site_digest: str | None = None) -> bool:
    """Keep a stopped crawl's state to resume from, or reset it; return True when resuming.

    ``site_digest`` is the sha256 of a local site copy (the demo site): when it differs from the one the HTTP
    cache was filled from, the cached pages are stale and are dropped with the queue.
    """
    paths = jobdir_paths(jobdir)
    jobdir.mkdir(parents=True, exist_ok=True)
    fingerprint = _fingerprint(profile)
    reset = None
    site_changed = (
        site_digest is not None and paths["site"].exists() and paths["site"].read_text().strip() != site_digest
    )
    if site_changed:
        reset = "the local site copy changed since the last crawl; its cached pages are dropped, restarting"
        shutil.rmtree(paths["cache"], ignore_errors=True)
    elif paths["running"].exists():
        reset = "the last run was killed before it could save its queue; restarting from the start URLs"
    elif paths["profile"].exists() and paths["profile"].read_text().strip() != fingerprint:
        reset = "the site profile changed since the stopped run; restarting from the start URLs"
    if reset:
        logger.warning("%s%s", reset, "" if site_changed else " (pages fetched before come from the HTTP cache)")
        shutil.rmtree(paths["state"], ignore_errors=True)
        for name in ("feed", "runs", "running"):
            paths[name].unlink(missing_ok=True)
    resuming = paths["state"].exists()
    if resuming:
        logger.info("resuming the stopped crawl in %s", paths["state"])
    paths["profile"].write_text(fingerprint + "\n")
    if site_digest is not None:
        paths["site"].write_text(site_digest + "\n")
    return resuming


def read_feed(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Items of the partial feed, deduplicated by post_id (last wins) and sorted; plus broken lines."""
    items: dict[str, dict[str, Any]] = {}
    broken = 0
    if path.exists():
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    broken += 1  # only a hard kill mid-write leaves one; its page is recrawled
                    continue
                items[str(row["post_id"])] = row

    def order(post_id: str) -> tuple[int, int, str]:
        return (0, int(post_id), "") if post_id.isdigit() else (1, 0, post_id)

    return [items[key] for key in sorted(items, key=order)], broken


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Crawl facts over all runs of one crawl (a resumed crawl has several)."""
    total: dict[str, float] = {}
    for stats in runs:
        for key, value in stats.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value

    def group(prefix: str) -> dict[str, int]:
        return {k[len(prefix) :]: int(v) for k, v in sorted(total.items()) if k.startswith(prefix)}

    def count(key: str) -> int:
        return int(total.get(key, 0))

    return {
        "runs": len(runs),
        "pages": count("response_received_count"),
        "list_pages": count("crawl/list_pages"),
        "question_pages": count("crawl/question_pages"),
        "network_requests": count("downloader/request_count") - count("httpcache/hit"),
        "cache_hits": count("httpcache/hit"),
        "items_scraped": count("item_scraped_count"),
        "dropped": group("crawl/dropped/"),
        "failed": group("crawl/failed/"),
        "http_status": group("downloader/response_status_count/"),
        "retries": count("retry/count"),
        "retries_gave_up": count("retry/max_reached"),
        "robots_forbidden": count("robotstxt/forbidden"),
        "answers_scraped": count("crawl/answers"),
        "blocked_pages": count("crawl/blocked_pages"),
        "retry_pauses": count("retry/paused"),
        "spider_errors": group("spider_exceptions/"),
    }


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stats.items() if isinstance(v, int | float | str) and not isinstance(v, bool)}


def crawl(
    source: str,
    params: dict[str, Any],
    output: Path,
    stats_path: Path,
    jobdir: Path,
    site_dir: str | None = None,
    base_url: str | None = None,
    rule: str = "manual",
) -> dict[str, Any]:
    """Crawl ``source`` to completion (resuming a stopped crawl) and write its items and stats."""
    shared, profile = profiles.source_settings(params, source)
    urls = profiles.start_urls(profile, source)
    paths = jobdir_paths(jobdir)
    inputs = [site_dir] if profile.get("demo_site") and site_dir and not base_url else []
    with recorded_step(rule, inputs, [output, stats_path], params=params) as facts:
        if profile.get("verified") is False:
            logger.warning("source %s has an unverified profile: check it with check_site before trusting it", source)
        prepare_jobdir(jobdir, profile, sha256_path(inputs[0]) if inputs else None)
        with profiles.live_site(profile, site_dir, base_url) as live:
            if live:
                logger.info("crawling the copy of the site at %s as %s", live, urls[0])
            host_map = profiles.canonical_host_map(live, profile, urls)
            overrides = scrapy_settings(shared, profile, jobdir, host_map)
            paths["running"].write_text("crawl in progress; if you see this with no crawl running, it was killed\n")
            stats = run_spider(source, profile, overrides, urls)
        reason = stats.get("finish_reason")
        if reason is not None:  # the spider closed cleanly: its queue and feed are saved
            with open(paths["runs"], "a", encoding="utf-8") as handle:
                handle.write(json.dumps(_jsonable(stats), default=str) + "\n")
            paths["running"].unlink(missing_ok=True)
        if reason == "blocked":
            raise CrawlStopped(
                f"crawl of {source} stopped, {stats.get('crawl/blocked')}. Nothing was solved or bypassed; "
                f"its state is in {jobdir}: once the site serves pages again, rerun the same command to resume"
            )
        if reason != "finished":
            raise CrawlStopped(
                f"crawl of {source} stopped before finishing (reason: {reason}); "
                f"its state is in {jobdir}: rerun the same command to resume"
            )
        runs = read_jsonl(paths["runs"])
        items, broken = read_feed(paths["feed"])
        summary = summarize(runs)
        summary.update(source=source, items=len(items), feed_broken_lines=broken)
        summary["answers"] = sum(len(item["answers"]) for item in items)
        write_jsonl(output, items)
        write_json(stats_path, summary)
        facts.update(summary)
    # finished: the queue state is spent (a rerun starts afresh, served by the HTTP cache)
    shutil.rmtree(paths["state"], ignore_errors=True)
    for name in ("feed", "runs"):
        paths[name].unlink(missing_ok=True)
    if summary["spider_errors"]:
        logger.warning(
            "crawl of %s: the spider failed on some pages %s (a profile that does not fit the site?); "
            "see the tracebacks above",
            source,
            summary["spider_errors"],
        )
    logger.info(
        "crawl of %s finished: %d items, %d pages (%d from the network), dropped %s, failed %s",
        source,
        summary["items"],
        summary["pages"],
        summary["network_requests"],
        summary["dropped"],
        summary["failed"],
    )
    return summary


def main(argv: Sequence[str] | None = None) -> None:
    parser = step_parser("Crawl one Q&A source with its site profile into posts.jsonl.")
    parser.add_argument("--source", required=True, help="profile name under crawl.sources")
    parser.add_argument("--output", required=True, type=Path, help="posts.jsonl to write")
    parser.add_argument(
        "--stats", type=Path, default=None, help="crawl stats JSON (default: crawl_stats.json beside --output)"
    )
    parser.add_argument(
        "--jobdir", type=Path, default=None, help="resumable crawl state (default: .jobdir beside --output)"
    )
    parser.add_argument(
        "--site", nargs="?", default=None, help="demo site directory to serve (demo_site profiles only)"
    )
    parser.add_argument("--base-url", default=None, help="crawl an already-running copy of the demo site instead")
    args = parser.parse_args(argv)
    output: Path = args.output
    crawl(
        args.source,
        args.params,
        output,
        args.stats or output.with_name("crawl_stats.json"),
        args.jobdir or output.with_name(".jobdir"),
        site_dir=args.site or None,
        base_url=args.base_url,
        rule=args.rule,
    )


if __name__ == "__main__":
    run_main(main)
