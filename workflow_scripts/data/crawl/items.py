"""Items of the crawl: one question with its answers (the results/raw/{source}/posts.jsonl row)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The exported fields, in contract order; `problems` is internal (read by the validation pipeline).
EXPORT_FIELDS = ["source", "post_id", "url", "title", "description", "tags", "answers", "fetched_at"]


@dataclass
class Answer:
    """One answer under a question; text is plain text, paragraphs joined by newlines."""

    text: str
    author: str | None = None
    votes: int | None = None
    answered_at: str | None = None


@dataclass
class QuestionItem:
    """One question page. ``problems`` lists what the spider found wrong with the page."""

    source: str
    post_id: str | None
    url: str
    title: str | None
    description: str
    tags: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    fetched_at: str | None = None
    problems: list[str] = field(default_factory=list)
