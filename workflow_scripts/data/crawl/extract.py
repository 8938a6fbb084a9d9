"""Field extraction from Q&A pages with a profile's CSS selectors (shared by the spider and check-site).

A profile names CSS selectors; a selector may end in ``::attr(name)`` or ``::text`` to take a string,
otherwise the text of the matched element is taken: paragraphs (``<p>``, ``<br>``, block elements)
become lines joined by ``"\\n"``, whitespace inside a line is collapsed, and the result is stripped.
Elements the profile's ``exclude`` selectors match (ads, quoted replies, "展开全文" buttons) are removed
from the page before any text is taken. Answers may also come from a JSON endpoint, read with JMESPath
field paths (``json.answers``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import jmespath
from parsel import Selector, SelectorList

from workflow_scripts.data.crawl.times import normalize_time

# Elements whose start and end break the text into paragraphs.
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article"}
    | {"tr", "table", "pre", "header", "footer"}
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})
_WHITESPACE = re.compile(r"\s+")
_BREAK = "\x00"  # paragraph marker while collecting text (no real text contains NUL)

LIST_FIELDS = ("question_link", "next_page")
DETAIL_FIELDS = ("title", "description", "tags", "answer", "answer_next_page")
ANSWER_FIELDS = ("answer_id", "answer_text", "answer_author", "answer_votes", "answer_time")
JSON_ANSWER_FIELDS = ("id", "text", "author", "votes", "answered_at")
REQUIRED_FIELDS = ("question_link", "title", "answer", "answer_text")


def _collect(element: Any, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else None  # comments/PIs have a callable tag
    if tag in _SKIP_TAGS:
        return
    if tag in _BLOCK_TAGS:
        out.append(_BREAK)
    if tag is not None and element.text:
        out.append(_WHITESPACE.sub(" ", element.text))
    for child in element:
        _collect(child, out)
        if child.tail:
            out.append(_WHITESPACE.sub(" ", child.tail))
    if tag in _BLOCK_TAGS:
        out.append(_BREAK)


def node_text(node: Selector) -> str:
    """Plain text of one matched node: paragraphs joined by newlines, stripped."""
    root = node.root
    if isinstance(root, str):  # ::text or ::attr() result
        return _WHITESPACE.sub(" ", root).strip()
    out: list[str] = []
    _collect(root, out)
    lines = (line.strip() for line in "".join(out).split(_BREAK))
    return "\n".join(line for line in lines if line)


def first_text(scope: Selector | SelectorList, css: str | None) -> str | None:
    """Text of the first node ``css`` matches in ``scope`` (None if nothing matches or no selector)."""
    if not css:
        return None
    for node in scope.css(css):
        return node_text(node)
    return None


def all_texts(scope: Selector | SelectorList, css: str | None) -> list[str]:
    """Non-empty texts of every node ``css`` matches."""
    if not css:
        return []
    return [text for text in (node_text(node) for node in scope.css(css)) if text]


def parse_votes(text: str | None) -> int | None:
    """Vote counts as shown on Chinese sites: "12", "赞 1,024", "1.2k", "3万" -> int; None if absent."""
    if not text:
        return None
    match = re.search(r"(-?\d+(?:\.\d+)?)\s*([kK千wW万]?)", text.replace(",", ""))
    if not match:
        return None
    scale = {"": 1, "k": 1000, "K": 1000, "千": 1000, "w": 10000, "W": 10000, "万": 10000}[match.group(2)]
    return round(float(match.group(1)) * scale)


def post_id_from_url(url: str, pattern: str) -> str | None:
    """The question's id on its site, from the URL by the profile's ``post_id_regex`` (first group)."""
    match = re.search(pattern, url)
    return match.group(1) if match else None


def drop_excluded(page: Selector, exclude: list[str] | None) -> Selector:
    """Remove (in place) every element an ``exclude`` selector matches; returns ``page``."""
    for css in exclude or []:
        page.css(css).drop()
    return page


def extract_answers(
    scope: Selector, detail: dict[str, Any], fetched: dt.datetime, timezone: str | None
) -> list[dict[str, Any]]:
    """The answer blocks on one (possibly paged) question page, each with its site id when the profile has one.

    Empty without an ``answer`` selector (the answers come from JSON then).
    """
    answers = []
    for block in scope.css(detail["answer"]) if detail.get("answer") else []:
        text = first_text(block, detail["answer_text"])
        if not text:
            continue  # an answer block without text (deleted/folded answer) carries nothing
        answers.append(
            {
                "id": first_text(block, detail.get("answer_id")) or None,
                "text": text,
                "author": first_text(block, detail.get("answer_author")) or None,
                "votes": parse_votes(first_text(block, detail.get("answer_votes"))),
                "answered_at": normalize_time(first_text(block, detail.get("answer_time")), fetched, timezone),
            }
        )
    return answers


def extract_question(
    page: Selector, detail: dict[str, Any], fetched: dt.datetime, timezone: str | None = None
) -> dict[str, Any]:
    """Title, description, tags and answers of a question page, by the profile's detail selectors."""
    drop_excluded(page, detail.get("exclude"))
    return {
        "title": first_text(page, detail["title"]) or None,
        "description": first_text(page, detail.get("description")) or "",
        "tags": all_texts(page, detail.get("tags")),
        "answers": extract_answers(page, detail, fetched, timezone),
    }


def json_answers(
    data: Any, spec: dict[str, Any], exclude: list[str] | None, fetched: dt.datetime, timezone: str | None
) -> list[dict[str, Any]]:
    """Answers of one JSON page by the profile's JMESPath field paths (``json.answers``).

    ``text`` may hold HTML (``text_is_html``): it is read like an answer block, ``exclude`` applied.
    """
    answers = []
    for entry in jmespath.search(spec["items"], data) or []:
        raw = jmespath.search(spec["text"], entry)
        if spec.get("text_is_html") and raw:
            text = node_text(drop_excluded(Selector(text=f"<div>{raw}</div>"), exclude).css("div")[0])
        else:
            text = str(raw or "").strip()
        if not text:
            continue
        values = {name: jmespath.search(spec[name], entry) if spec.get(name) else None for name in JSON_ANSWER_FIELDS}
        answers.append(
            {
                "id": None if values["id"] is None else str(values["id"]),
                "text": text,
                "author": None if values["author"] is None else str(values["author"]).strip() or None,
                "votes": parse_votes(None if values["votes"] is None else str(values["votes"])),
                "answered_at": normalize_time(
                    None if values["answered_at"] is None else str(values["answered_at"]), fetched, timezone
                ),
            }
        )
    return answers


def merge_answers(seen: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``seen`` plus the answers of ``new`` not already in it, by site id (else by author and text), in order."""
    keys = {_answer_key(answer) for answer in seen}
    merged = list(seen)
    for answer in new:
        key = _answer_key(answer)
        if key not in keys:
            keys.add(key)
            merged.append(answer)
    return merged


def _answer_key(answer: dict[str, Any]) -> tuple[str, ...]:
    return ("id", answer["id"]) if answer.get("id") else ("content", answer.get("author") or "", answer["text"])


def probe(scope: Selector, selectors: dict[str, str], names: tuple[str, ...]) -> dict[str, tuple[int, str | None]]:
    """For check-site: how many nodes each named selector matches and the first one's text."""
    report = {}
    for name in names:
        css = selectors.get(name)
        if not css:
            continue
        nodes = scope.css(css)
        report[name] = (len(nodes), node_text(nodes[0]) if nodes else None)
    return report
