"""Dates in Chinese news: absolute forms for ``published_at``, relative ones for ``event_date``.

All dates mean Asia/Shanghai (+08:00); e-paper relative dates resolve against the issue date,
never against the day of the crawl.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_ABSOLUTE = re.compile(
    r"(?<![\d/.-])(\d{4}|\d{2})(?:\s*年\s*|[-/.])(\d{1,2})(?:\s*月\s*|[-/.])(\d{1,2})(?!\d|[-/.]\d)"
    r"\s*日?"
    r"(?:\s*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?"
)
_URL_DATE = re.compile(
    r"(?<!\d)(20\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)"
)
_URL_MONTH = re.compile(r"/(20\d{2})[-/_]?(0[1-9]|1[0-2])(?=/)")
_EVENT = re.compile(
    r"(?P<ymd>(?P<y>\d{4})年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日)"
    r"|(?P<md>(?P<m2>\d{1,2})月(?P<d2>\d{1,2})[日号])"
    r"|(?P<rel>昨日|昨天|前日|前天|今日|今天|当天|近日|日前|近期)"
)
_RELATIVE_DAYS = {"昨日": -1, "昨天": -1, "前日": -2, "前天": -2, "今日": 0, "今天": 0}


def today_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


def now_iso() -> str:
    """The current time as ISO 8601 with the +08:00 offset the whole archive uses."""
    return datetime.now(SHANGHAI).replace(microsecond=0).isoformat()


def _year(text: str) -> int | None:
    year = int(text)
    if len(text) == 2:  # 18-03-08 → 2018; a two-digit year ahead of now is last century
        year += 2000 if year <= today_shanghai().year % 100 + 1 else 1900
    return year if 1990 <= year <= today_shanghai().year + 1 else None


def parse_datetime(text: str) -> date | datetime | None:
    """The first absolute date in ``text`` (``2019年09月11日``, ``2019-9-11 10:21``, ``18-03-08``);
    a datetime when a time of day follows, with the +08:00 offset."""
    return next(iter_datetimes(text), None)


def iter_datetimes(text: str) -> Iterator[date | datetime]:
    """Every absolute date in ``text``, in order (impossible days and years left out)."""
    for match in _ABSOLUTE.finditer(text):
        year = _year(match.group(1))
        if year is None:
            continue
        try:
            day = date(year, int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
        if match.group(4) is None:
            yield day
            continue
        try:
            yield datetime(year, day.month, day.day, int(match.group(4)), int(match.group(5)),
                           int(match.group(6) or 0), tzinfo=SHANGHAI)
        except ValueError:
            yield day


def date_from_url(url: str) -> date | None:
    """Issue or publication date written into a URL: ``html/2020-11/30/``, ``t20190918_1``,
    ``/20240528/html/``."""
    for match in _URL_DATE.finditer(url):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return None


def month_from_url(url: str) -> tuple[int, int] | None:
    """The year and month a URL's folders name (``/201705/``, ``/2017/05/``, ``/2017-05/``)."""
    match = _URL_MONTH.search(url)
    return (int(match.group(1)), int(match.group(2))) if match else None


def to_iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def event_date(lead: str, issue_date: date | None) -> date | None:
    """The day the lead says the news happened, resolved against the issue date.

    ``11月22日上午`` → that day of the issue's year (the year before if that would be after the
    issue); ``昨日`` → the day before the issue; ``11月16日~20日`` → the first day; ``近日`` and
    other vague words → None.
    """
    match = _EVENT.search(lead)
    if match is None:
        return None
    try:
        if match.group("ymd"):
            return date(int(match.group("y")), int(match.group("m1")), int(match.group("d1")))
        if issue_date is None:
            return None
        if match.group("md"):
            found = date(issue_date.year, int(match.group("m2")), int(match.group("d2")))
            if found > issue_date + timedelta(days=31):
                found = found.replace(year=issue_date.year - 1)
            return found
    except ValueError:
        return None
    offset = _RELATIVE_DAYS.get(match.group("rel"))
    return None if offset is None or issue_date is None else issue_date + timedelta(days=offset)
