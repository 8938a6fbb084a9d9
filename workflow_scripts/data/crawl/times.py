"""Answer times as sites show them, normalised to ISO 8601.

Chinese Q&A sites show absolute times (``2023-05-01 10:20``, ``2019年3月2日``, ``05-01 10:20``) or times
relative to when the page was served (``刚刚``, ``34分钟前``, ``3天前``, ``昨天 12:30``). Relative forms are
anchored on the page's fetch time, read in the site's time zone. A small parser rather than dateparser
1.5.0: the forms are a short, closed list, and dateparser (checked here) reads the common ``05-01 10:20``
as 2005-01-06 and would add regex/pytz/tzlocal to the crawl environment.

Naive absolute times stay naive unless the profile names the site's ``timezone``; relative ones always
carry the offset of their anchor. A form not listed here gives None (check_site shows the raw text of
the first answer's time, so a profile writer sees what the site shows).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import re
from zoneinfo import ZoneInfo

_NUM = r"(\d{1,2})"
_CLOCK = r"(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*" + _NUM + r"\s*[-/.月]\s*" + _NUM + r"\s*日?" + _CLOCK + "$")
_SHORT_DATE = re.compile(r"^" + _NUM + r"\s*[-/月]\s*" + _NUM + r"\s*日?" + _CLOCK + "$")
_DAY_WORD = re.compile(r"^(今天|昨天|前天)" + _CLOCK + "$")
_AGO = re.compile(r"^(\d+)\s*(秒|分钟|分|小时|个小时|天|日|周|星期|个月|月|年)前$")
_DAYS_BACK = {"今天": 0, "昨天": 1, "前天": 2}
_UNIT_SECONDS = {"秒": 1, "分钟": 60, "分": 60, "小时": 3600, "个小时": 3600, "天": 86400, "日": 86400}
_UNIT_SECONDS |= {"周": 7 * 86400, "星期": 7 * 86400}


def _clock(match: re.Match[str], first: int) -> tuple[int, int, int]:
    hour, minute, second = match.group(first, first + 1, first + 2)
    return (int(hour), int(minute), int(second or 0)) if hour else (0, 0, 0)


def _months_back(when: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(when.year * 12 + when.month - 1 - months, 12)
    month += 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


def normalize_time(text: str | None, fetched: dt.datetime, timezone: str | None = None) -> str | None:
    """``text`` as ISO 8601 (seconds precision), or None when it is empty or in no known form.

    ``fetched`` (aware) anchors relative forms and the year of ``MM-DD`` dates (last year when the date
    would lie in the future); ``timezone`` (IANA name) is the zone the site shows its times in.
    """
    if not text or not text.strip():
        return None
    text = re.sub(r"\s+", " ", text.strip())
    zone = ZoneInfo(timezone) if timezone else None
    now = fetched.astimezone(zone or dt.UTC).replace(microsecond=0)
    when: dt.datetime | None = None
    with contextlib.suppress(ValueError):
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when is not None:
        when = when.replace(microsecond=0)
    elif text == "刚刚":
        when = now
    elif match := _AGO.match(text):
        count, unit = int(match.group(1)), match.group(2)
        if unit in ("个月", "月"):
            when = _months_back(now, count)
        elif unit == "年":
            when = _months_back(now, 12 * count)
        else:
            when = now - dt.timedelta(seconds=count * _UNIT_SECONDS[unit])
    elif match := _DAY_WORD.match(text):
        day = now.date() - dt.timedelta(days=_DAYS_BACK[match.group(1)])
        when = dt.datetime.combine(day, dt.time(*_clock(match, 2)), tzinfo=now.tzinfo)
    elif match := _FULL_DATE.match(text):
        year, month, day = (int(g) for g in match.group(1, 2, 3))
        when = _checked(year, month, day, _clock(match, 4))
    elif match := _SHORT_DATE.match(text):
        month, day = int(match.group(1)), int(match.group(2))
        when = _checked(now.year, month, day, _clock(match, 3))
        if when is not None and when.replace(tzinfo=now.tzinfo) > now:
            when = _checked(now.year - 1, month, day, _clock(match, 3))
    if when is None:
        return None
    if when.tzinfo is None and zone is not None:
        when = when.replace(tzinfo=zone)
    return when.isoformat()


def _checked(year: int, month: int, day: int, clock: tuple[int, int, int]) -> dt.datetime | None:
    try:
        return dt.datetime(year, month, day, *clock)
    except ValueError:
        return None
