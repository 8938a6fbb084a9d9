"""Retry-After parsing: delay-seconds, HTTP dates, and the backoff floor."""

from datetime import UTC, datetime

from workflow_scripts.common.retry_after import polite_pause, retry_after_seconds

NOW = datetime(2026, 12, 6, 12, 0, 0, tzinfo=UTC)


def test_delay_seconds_and_bytes():
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds(b" 17 ") == 17.0


def test_http_date_is_relative_to_now():
    assert retry_after_seconds("Sun, 06 Dec 2026 12:00:05 GMT", now=NOW) == 5.0
    assert retry_after_seconds("Sun, 06 Dec 2026 11:59:00 GMT", now=NOW) == 0.0


def test_absent_or_malformed_header_gives_none():
    for value in (None, "", "soon", "-3", "1.5x"):
        assert retry_after_seconds(value, now=NOW) is None


def test_backoff_is_the_floor():
    assert polite_pause(0.5, "2", now=NOW) == 2.0
    assert polite_pause(3.0, "2", now=NOW) == 3.0
    assert polite_pause(0.25, None, now=NOW) == 0.25
    assert polite_pause(0.25, "garbage", now=NOW) == 0.25
