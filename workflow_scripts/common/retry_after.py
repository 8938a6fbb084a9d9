"""Reading a server's Retry-After header, shared by the crawl and every API client.

RFC 9110 section 10.2.3 allows either delay-seconds or an HTTP date. A polite client waits at least that
long; the caller's own backoff stays the floor, so a missing or malformed header never shortens a wait.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait that the header asks for, or None when it is absent or unreadable.

    ``now`` anchors an HTTP-date value (defaults to the current UTC time); a date in the past means 0.
    """
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def polite_pause(backoff_s: float, header: str | bytes | None, now: datetime | None = None) -> float:
    """The pause before the next try: the configured backoff, raised to what Retry-After asks for."""
    asked = retry_after_seconds(header, now)
    return backoff_s if asked is None else max(backoff_s, asked)
