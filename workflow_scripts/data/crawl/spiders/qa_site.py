"""One generic spider for counselling Q&A sites, driven by a declarative site profile.

List pages: follow every question link and the next-page link. Question pages: extract one
item (title, description, tags, answers) with the profile's selectors. What goes wrong is
counted in the crawl stats, never fatal: malformed pages (by the validation pipeline), pages
that fail for good (404, 500 after retries, network errors) by this spider's errback.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from workflow_scripts.data.crawl.extract import extract_question, post_id_from_url
from workflow_scripts.data.crawl.items import Answer, QuestionItem

logger = logging.getLogger(__name__)
_HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)


def fetched_at(response: Response) -> str:
    """When the page was fetched: the server's Date header (kept by the HTTP cache), else now (UTC)."""
    when = None
    date = response.headers.get(b"Date")
    if date:
        try:
            when = email.utils.parsedate_to_datetime(date.decode("latin-1"))
        except (TypeError, ValueError):
            when = None
    if when is None:
        when = dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class QASiteSpider(scrapy.Spider):
    """Crawl one Q&A source described by ``profile`` (see config crawl.sources.<name>)."""

    name = "qa_site"

    def __init__(
        self, source: str, profile: dict[str, Any], start_urls: list[str], allowed_domains: list[str], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.profile = profile
        self.start_urls = list(start_urls)
        self.allowed_domains = list(allowed_domains)
        self.list_selectors = profile["selectors"]["list"]
        self.detail_selectors = profile["selectors"]["detail"]
        self.post_id_regex = profile["post_id_regex"]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """A list page: follow its question links and its next page."""
        stats = self.crawler.stats
        stats.inc_value("crawl/list_pages")
        if not isinstance(response, TextResponse):
            stats.inc_value("crawl/dropped/list_not_html")
            logger.warning("list page %s is not HTML; skipped", response.url)
            return
        links = response.css(self.list_selectors["question_link"]).getall()
        if not links:
            stats.inc_value("crawl/empty_list_pages")
            logger.warning("list page %s has no question links (selector %r)", response.url, self.list_selectors)
        stats.inc_value("crawl/question_links", len(links))
        for href in links:
            yield response.follow(href.strip(), callback=self.parse_question, errback=self.failed)
        next_css = self.list_selectors.get("next_page")
        next_href = response.css(next_css).get() if next_css else None
        if next_href:
            yield response.follow(next_href.strip(), callback=self.parse, errback=self.failed)

    def parse_question(self, response: Response) -> Iterator[QuestionItem]:
        """A question page: one item; what is wrong with the page goes into ``problems``."""
        self.crawler.stats.inc_value("crawl/question_pages")
        item = QuestionItem(
            source=self.source,
            post_id=post_id_from_url(response.url, self.post_id_regex),
            url=response.url,
            title=None,
            description="",
            fetched_at=fetched_at(response),
        )
        if not isinstance(response, TextResponse):
            item.problems.append("not_html")
            yield item
            return
        if not _HTML_END.search(response.body):
            item.problems.append("truncated_html")
        fields = extract_question(response.selector, self.detail_selectors)
        item.title = fields["title"]
        item.description = fields["description"]
        item.tags = fields["tags"]
        item.answers = [Answer(**answer) for answer in fields["answers"]]
        yield item

    def failed(self, failure: Failure) -> None:
        """A page that failed for good: count it per reason (``crawl/failed/<reason>``) and go on."""
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt forbids it (robotstxt/forbidden counts those) or a middleware dropped it
            self.crawler.stats.inc_value("crawl/skipped_pages")
            logger.info("page skipped: %s (%s)", failure.request.url, failure.value)
            return
        reason = f"http_{failure.value.response.status}" if failure.check(HttpError) else failure.type.__name__
        self.crawler.stats.inc_value(f"crawl/failed/{reason}")
        self.crawler.stats.inc_value("crawl/failed_pages")
        logger.warning("page failed for good: %s (%s)", failure.request.url, reason)
