"""One generic spider for counselling Q&A sites, driven by a declarative site profile.

List pages (HTML, or JSON with ``json.questions``): follow every question link and the next-page link
(list pages may also be given by URL template, see ``profiles.list_urls``). Question pages: extract
title, description, tags and answers with the profile's selectors; answers paged inside a question
(``answer_next_page``) or served by a JSON endpoint (``json.answers``) are followed, merged and
deduplicated by answer id, and the question becomes one item when its last answer page is in. What
goes wrong is counted in the crawl stats, never fatal: malformed pages (by the validation pipeline),
pages that fail for good (404, 500 after retries, network errors) by this spider's errback. A blocked
or challenge page stops the whole source (``middlewares.BlockedPageMiddleware``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import jmespath
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from workflow_scripts.data.crawl import blocking
from workflow_scripts.data.crawl.extract import (
    drop_excluded,
    extract_answers,
    extract_question,
    json_answers,
    merge_answers,
    post_id_from_url,
)
from workflow_scripts.data.crawl.items import Answer, QuestionItem
from workflow_scripts.data.crawl.middlewares import SourceBlocked

logger = logging.getLogger(__name__)
_HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)
_ANSWER_FIELDS = tuple(field.name for field in dataclasses.fields(Answer))


def fetched_time(response: Response) -> dt.datetime:
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
    return when.astimezone(dt.UTC).replace(microsecond=0)


def fetched_at(response: Response) -> str:
    """``fetched_time`` as the item's ISO 8601 UTC string."""
    return fetched_time(response).strftime("%Y-%m-%dT%H:%M:%SZ")


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
        self.list_selectors = profile["selectors"].get("list", {})
        self.detail_selectors = profile["selectors"]["detail"]
        self.post_id_regex = profile["post_id_regex"]
        self.json_questions = profile.get("json", {}).get("questions")
        self.json_answers = profile.get("json", {}).get("answers")
        self.timezone = profile.get("timezone")
        limits = profile.get("limits", {})
        self.max_list_pages = limits.get("max_list_pages", 0)
        self.max_items = limits.get("max_items", 0)
        self.list_pages_requested = 0
        self.questions_requested = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            request = self._list_request(url, dont_filter=True)
            if request is None:
                return
            yield request

    def _list_request(self, url: str, dont_filter: bool = False) -> scrapy.Request | None:
        """A list page request, or None once ``limits.max_list_pages`` are requested (this run)."""
        if self.max_list_pages and self.list_pages_requested >= self.max_list_pages:
            self.crawler.stats.inc_value("crawl/capped/list_pages")
            return None
        self.list_pages_requested += 1
        kind = blocking.QUESTIONS_JSON if self.json_questions else blocking.LIST
        return scrapy.Request(
            url, callback=self.parse, errback=self.failed, dont_filter=dont_filter, meta={"page_kind": kind}
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """A list page: follow its question links and its next page."""
        stats = self.crawler.stats
        stats.inc_value("crawl/list_pages")
        if not isinstance(response, TextResponse):
            stats.inc_value("crawl/dropped/list_not_html")
            logger.warning("list page %s is not HTML; skipped", response.url)
            return
        if self.json_questions:
            data = response.json()
            entries = jmespath.search(self.json_questions["items"], data) or []
            links = [str(link) for link in (jmespath.search(self.json_questions["link"], e) for e in entries) if link]
            next_path = self.json_questions.get("next")
            next_href = jmespath.search(next_path, data) if next_path else None
        else:
            links = response.css(self.list_selectors["question_link"]).getall()
            next_css = self.list_selectors.get("next_page")
            next_href = response.css(next_css).get() if next_css else None
        if not links:
            stats.inc_value("crawl/empty_list_pages")
            logger.warning("list page %s has no question links", response.url)
        stats.inc_value("crawl/question_links", len(links))
        for href in links:
            if self.max_items and self.questions_requested >= self.max_items:
                stats.inc_value("crawl/capped/questions")
                break
            self.questions_requested += 1
            yield response.follow(
                href.strip(), callback=self.parse_question, errback=self.failed, meta={"page_kind": blocking.QUESTION}
            )
        if next_href:
            request = self._list_request(response.urljoin(str(next_href).strip()))
            if request is not None:
                yield request

    def parse_question(self, response: Response) -> Iterator[QuestionItem | scrapy.Request]:
        """A question page: its item, or the request for its next answer page (the item travels along)."""
        self.crawler.stats.inc_value("crawl/question_pages")
        fetched = fetched_time(response)
        state: dict[str, Any] = {
            "item": {
                "source": self.source,
                "post_id": post_id_from_url(response.url, self.post_id_regex),
                "url": response.url,
                "title": None,
                "description": "",
                "fetched_at": fetched_at(response),
                "problems": [],
            },
            "answers": [],
            "pages": [response.url],
        }
        if not isinstance(response, TextResponse):
            state["item"]["problems"].append("not_html")
            yield self._item(state)
            return
        if not _HTML_END.search(response.body):
            state["item"]["problems"].append("truncated_html")
        fields = extract_question(response.selector, self.detail_selectors, fetched, self.timezone)
        state["answers"] = fields.pop("answers")
        state["item"].update(fields)
        if self.json_answers:
            template = self.json_answers["url"]
            url = response.urljoin(template.format(post_id=state["item"]["post_id"], page=1))
            yield self._answers_request(url, state, blocking.ANSWERS_JSON)
            return
        yield from self._next_answers(response, state)

    def _next_answers(self, response: Response, state: dict[str, Any]) -> Iterator[QuestionItem | scrapy.Request]:
        css = self.detail_selectors.get("answer_next_page")
        href = response.css(css).get() if css else None
        url = response.urljoin(href.strip()) if href else None
        if url is None or url in state["pages"]:
            yield self._item(state)
        else:
            yield self._answers_request(url, state, blocking.QUESTION)

    def _answers_request(self, url: str, state: dict[str, Any], kind: str) -> scrapy.Request:
        callback = self.parse_answers_json if kind == blocking.ANSWERS_JSON else self.parse_answer_page
        state["pages"].append(url)
        # unfiltered: a question's answer pages belong to it even if another question linked the same URL
        return scrapy.Request(
            url, callback=callback, errback=self.failed, dont_filter=True, meta={"page_kind": kind, "question": state}
        )

    def parse_answer_page(self, response: Response) -> Iterator[QuestionItem | scrapy.Request]:
        """A further answer page of a question (HTML): merge its answers, go on to the next page."""
        self.crawler.stats.inc_value("crawl/answer_pages")
        state = response.meta["question"]
        if not isinstance(response, TextResponse):
            state["item"]["problems"].append("answers_incomplete")
            yield self._item(state)
            return
        page = drop_excluded(response.selector, self.detail_selectors.get("exclude"))
        answers = extract_answers(page, self.detail_selectors, fetched_time(response), self.timezone)
        state["answers"] = merge_answers(state["answers"], answers)
        yield from self._next_answers(response, state)

    def parse_answers_json(self, response: Response) -> Iterator[QuestionItem | scrapy.Request]:
        """A page of a question's answers from the JSON endpoint: merge, follow ``next``, else finish."""
        self.crawler.stats.inc_value("crawl/answer_pages")
        state = response.meta["question"]
        data = response.json()
        answers = json_answers(
            data, self.json_answers, self.detail_selectors.get("exclude"), fetched_time(response), self.timezone
        )
        state["answers"] = merge_answers(state["answers"], answers)
        next_path = self.json_answers.get("next")
        href = jmespath.search(next_path, data) if next_path else None
        url = response.urljoin(str(href)) if href else None
        if url is None or url in state["pages"]:
            yield self._item(state)
        else:
            yield self._answers_request(url, state, blocking.ANSWERS_JSON)

    def _item(self, state: dict[str, Any]) -> QuestionItem:
        answers = [Answer(**{name: answer[name] for name in _ANSWER_FIELDS}) for answer in state["answers"]]
        return QuestionItem(**state["item"], answers=answers)

    def failed(self, failure: Failure) -> Iterator[QuestionItem]:
        """A page that failed for good: count it per reason (``crawl/failed/<reason>``) and go on.

        A failed answer page ends its question with what was collected, marked ``answers_incomplete``
        (the validation pipeline drops and counts it: a partial question is not what the site holds).
        """
        if failure.check(SourceBlocked):
            return  # counted and reported by the middleware; the request waits in the queue for the rerun
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt forbids it (robotstxt/forbidden counts those) or a middleware dropped it
            self.crawler.stats.inc_value("crawl/skipped_pages")
            logger.info("page skipped: %s (%s)", failure.request.url, failure.value)
            return
        reason = f"http_{failure.value.response.status}" if failure.check(HttpError) else failure.type.__name__
        self.crawler.stats.inc_value(f"crawl/failed/{reason}")
        self.crawler.stats.inc_value("crawl/failed_pages")
        logger.warning("page failed for good: %s (%s)", failure.request.url, reason)
        state = failure.request.meta.get("question")
        if state is not None:
            state["item"]["problems"].append("answers_incomplete")
            yield self._item(state)
