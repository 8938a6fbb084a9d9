"""Blocked and challenge pages: recognised and reported, never solved or worked around.

A site that stops serving a crawler answers with a JavaScript cookie challenge (Aliyun WAF sets
``acw_sc__v2`` from ``arg1='…'``), a captcha, a redirect to an error page (壹心理 throttled to
``static.xinli001.com/503-error.html``) or a 200 page that is not a Q&A page at all. Any of these stops
the source (see ``middlewares.BlockedPageMiddleware``): going on would only collect empty items and look
like an attack. Shared by the crawl and check_site so both say the same thing about a page.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jmespath
from parsel import Selector

from workflow_scripts.data.crawl.extract import drop_excluded

_WAF_COOKIE = re.compile(r"acw_sc__v2")
_WAF_ARG = re.compile(r"\barg1\s*=")
_CAPTCHA = re.compile(r"captcha|验证码|滑动验证|人机验证|安全验证|geetest|nc_token", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)

# the page kinds the spider marks its requests with (request.meta["page_kind"])
LIST, QUESTION, QUESTIONS_JSON, ANSWERS_JSON = "list", "question", "questions_json", "answers_json"


def _shown(text: str) -> str:
    match = _TITLE.search(text)
    title = re.sub(r"\s+", " ", match.group(1)).strip() if match else ""
    return f"page title {title[:60]!r}" if title else f"{len(text)} characters, no <title>"


def error_page_seen(url: str, profile: dict[str, Any]) -> str | None:
    """What a URL the site redirected to says, when it is one of the profile's error pages."""
    for pattern in profile.get("blocked", {}).get("error_urls", []):
        if re.search(pattern, url):
            return f"a redirect to the error page {url} (matches blocked.error_urls {pattern!r})"
    return None


def blocked_seen(kind: str | None, text: str, profile: dict[str, Any]) -> str | None:
    """What makes a 200 page a blocked or challenge page, in words; None for an ordinary page of ``kind``."""
    if _WAF_COOKIE.search(text) and _WAF_ARG.search(text):
        return "an Aliyun WAF JavaScript cookie challenge (acw_sc__v2 computed from arg1=)"
    for pattern in profile.get("blocked", {}).get("markers", []):
        if re.search(pattern, text):
            return f"the profile's block marker {pattern!r} ({_shown(text)})"
    missing = _required_missing(kind, text, profile)
    if missing is None:
        return None
    if _CAPTCHA.search(text):
        return f"a captcha page ({_shown(text)}; {missing})"
    return f"a page that is not a Q&A page: {missing} ({_shown(text)})"


def _required_missing(kind: str | None, text: str, profile: dict[str, Any]) -> str | None:
    selectors = profile["selectors"]
    json_spec = profile.get("json", {})
    if kind in (QUESTIONS_JSON, ANSWERS_JSON):
        spec = json_spec["questions" if kind == QUESTIONS_JSON else "answers"]
        try:
            data = json.loads(text)
        except ValueError:
            return "not JSON"
        if not isinstance(jmespath.search(spec["items"], data), list):
            return f"no list at the JSON path {spec['items']!r}"
        return None
    page = Selector(text=text or "<html></html>")
    if kind == LIST:
        css = selectors["list"]["question_link"]
        return None if page.css(css) else f"none of the required selectors matched (question_link {css!r})"
    if kind == QUESTION:
        detail = selectors["detail"]
        drop_excluded(page, detail.get("exclude"))
        names = [name for name in ("title", "answer") if detail.get(name)]
        if any(page.css(detail[name]) for name in names):
            return None
        shown = ", ".join(f"{name} {detail[name]!r}" for name in names)
        return f"none of the required selectors matched ({shown})"
    return None
