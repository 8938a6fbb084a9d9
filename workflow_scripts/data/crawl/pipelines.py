"""Item validation: a malformed page is dropped with a counted, logged reason, never fatal."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from workflow_scripts.data.crawl.items import QuestionItem

logger = logging.getLogger(__name__)

DROP_STAT = "crawl/dropped/{reason}"


class ValidationPipeline:
    """Drop items from malformed pages and count them per reason (stats ``crawl/dropped/<reason>``).

    Reasons: whatever the spider noted in ``item.problems`` (e.g. ``truncated_html``), plus
    ``missing_title`` and ``missing_post_id`` checked here. A question without answers is kept:
    the raw stage keeps what the site has; the clean stage filters on answers.
    """

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item: QuestionItem) -> QuestionItem:
        reasons = list(item.problems)
        if not item.title:
            reasons.append("missing_title")
        if not item.post_id:
            reasons.append("missing_post_id")
        if reasons:
            for reason in reasons:
                self.stats.inc_value(DROP_STAT.format(reason=reason))
            self.stats.inc_value("crawl/dropped_items")
            logger.warning("malformed page %s dropped: %s", item.url, ", ".join(reasons))
            # logged above without the page text (raw text carries PII): Scrapy's own line only at DEBUG
            raise DropItem(f"malformed page {item.url}: {', '.join(reasons)}", log_level="DEBUG")
        self.stats.inc_value("crawl/items_valid")
        self.stats.inc_value("crawl/answers", len(item.answers))
        return item
