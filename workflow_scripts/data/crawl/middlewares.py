"""Downloader middlewares and handler of the crawl: paced retries, blocked pages, the demo site's address.

Retries honour Retry-After (``RetryAfterMiddleware``); a blocked or challenge page stops the source
(``BlockedPageMiddleware``, resumable state kept). The download handler serves the bundled demo site
(or, with ``--base-url``, a local copy of any profile's site) under a fixed, port-free address.

The demo site runs on a free loopback port that changes every run. If requests carried that
port, a resumed crawl would hold queued requests for a dead port, and neither the JOBDIR
dupefilter nor the HTTP cache would recognise pages fetched before (their keys are request
fingerprints, which include the port). So the spider only ever sees the canonical address
``http://demo-site.invalid/...`` (``.invalid`` never resolves, RFC 2606): scheduler, dupefilter,
cache, robots.txt and the items' ``url`` all use it, and this handler sends each request over
the wire to wherever the site is served now, handing back the response under the canonical URL.
"""

from __future__ import annotations

import logging
import time
from typing import NoReturn
from urllib.parse import urljoin, urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.response import response_status_message

from workflow_scripts.common.retry_after import polite_pause
from workflow_scripts.data.crawl import blocking

logger = logging.getLogger(__name__)

DEMO_CANONICAL_BASE = "http://demo-site.invalid"


class CanonicalHostDownloadHandler(BaseDownloadHandler):
    """Map requests for ``CANONICAL_HOST_MAP`` hosts ({canonical netloc: live base URL}) onto the live server."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self._inner = build_from_crawler(HTTP11DownloadHandler, crawler)
        self._map = {netloc: urlsplit(base) for netloc, base in crawler.settings.getdict("CANONICAL_HOST_MAP").items()}

    async def download_request(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        live = self._map.get(parts.netloc)
        if live is None:
            return await self._inner.download_request(request)
        live_url = urlunsplit((live.scheme, live.netloc, parts.path, parts.query, ""))
        response = await self._inner.download_request(request.replace(url=live_url))
        return response.replace(url=request.url)

    async def close(self) -> None:
        await self._inner.close()


class SourceBlocked(IgnoreRequest):
    """The site answered with a blocked or challenge page: the source stops (resumable), nothing is solved."""


def stop_source(crawler: Crawler, request: Request, seen: str) -> NoReturn:
    """Stop this source's crawl because of what ``request`` met, keeping the request for the rerun.

    The request goes back into the (JOBDIR) queue unfiltered, so a rerun after the block is cleared
    fetches it first; the spider closes with reason ``blocked`` and ``crawl/blocked`` says why.
    """
    message = f"blocked at {request.url}: {seen}"
    stats = crawler.stats
    if not stats.get_value("crawl/blocked"):
        stats.set_value("crawl/blocked", message)
        logger.error(
            "source %s stopped, %s. Not solved or bypassed: wait until the site serves pages again "
            "(or ask its operators), then rerun the same command to resume",
            crawler.spider.source,
            message,
        )
        # The close runs as a task on the next loop turn; pausing now keeps the engine from downloading
        # anything else from the queue meanwhile (the request put back below included) so nothing more
        # is scraped from a site that answers with challenges. In-flight downloads still finish.
        crawler.engine.pause()
        deferred_from_coro(crawler.engine.close_spider_async(reason="blocked"))
    stats.inc_value("crawl/blocked_pages")
    crawler.engine.crawl(request.replace(dont_filter=True))
    raise SourceBlocked(message)


class BlockedPageMiddleware:
    """Stop the source at a blocked/challenge page (``blocking.py``) before the HTTP cache stores it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockedPageMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        profile = self.crawler.spider.profile
        seen = None
        if 300 <= response.status < 400 and b"Location" in response.headers:
            location = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
            seen = blocking.error_page_seen(location, profile)
        elif response.status == 200 and isinstance(response, TextResponse):
            seen = blocking.error_page_seen(response.url, profile) or blocking.blocked_seen(
                request.meta.get("page_kind"), response.text, profile
            )
        if seen is not None:
            stop_source(self.crawler, request, seen)
        return response


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, paced: no retry before the configured backoff or the server's Retry-After.

    Scrapy's RetryMiddleware reschedules at once and ignores Retry-After. Here a retry pauses the whole
    download slot (the site), not only the retried request: the server asked this client to wait. The
    pause is ``polite_pause(RETRY_BACKOFF * 2**(retry - 1), Retry-After)``; a server asking for more than
    ``RETRY_AFTER_MAX`` seconds stops the source (resumable) rather than keeping the crawl waiting.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("RETRY_BACKOFF")
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX")

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        self._pause(request, retry, response.headers.get(b"Retry-After"))
        return retry

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            self._pause(request, retry, None)
        return retry

    def _pause(self, request: Request, retry: Request, header: bytes | None) -> None:
        attempt = retry.meta.get("retry_times", 1)
        pause = polite_pause(self.backoff * 2 ** (attempt - 1), header)
        if pause > self.max_wait:
            asked = f"the server asks to wait {pause:.0f} s (Retry-After), over max_retry_after {self.max_wait:.0f} s"
            stop_source(self.crawler, request, asked)
        if pause <= 0:
            return
        stats = self.crawler.stats
        stats.inc_value("retry/paused")
        stats.max_value("retry/max_pause_s", round(pause, 3))
        downloader = self.crawler.engine.downloader
        slot = downloader.slots[request.meta[downloader.DOWNLOAD_SLOT]]  # the site: all its requests wait
        # the downloader waits ``delay - now + lastseen`` before the slot's next request (>= pause here)
        slot.lastseen = max(slot.lastseen, time.monotonic() + pause)
        logger.info("retrying %s in %.2f s (backoff %.2f s, Retry-After %r)", request.url, pause, self.backoff, header)
