"""Download handler that serves the bundled demo site under a fixed, port-free address.

The demo site runs on a free loopback port that changes every run. If requests carried that
port, a resumed crawl would hold queued requests for a dead port, and neither the JOBDIR
dupefilter nor the HTTP cache would recognise pages fetched before (their keys are request
fingerprints, which include the port). So the spider only ever sees the canonical address
``http://demo-site.invalid/...`` (``.invalid`` never resolves, RFC 2606): scheduler, dupefilter,
cache, robots.txt and the items' ``url`` all use it, and this handler sends each request over
the wire to wherever the site is served now, handing back the response under the canonical URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler

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
