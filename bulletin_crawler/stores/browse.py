"""What the console and the data API ask a store: filtered articles newest first, one page at a
time, counts per day, near-duplicate clusters, field coverage.

Pages are cut by **keyset**, not by offset: a cursor names the last article shown by its
``(published_at, id)``, and the next page starts strictly after it in the order newest first
(articles without a date last). Articles that crawls store meanwhile fall before or after the
cursor by their own key and never shift a page, so paging through a filtered set sees every
article that was there when it started exactly once (an article re-pointed to an earlier place
moves with its new date).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bulletin_crawler.stores.search import query_terms

MAX_PAGE = 500


class BadQuery(ValueError):
    """A filter or cursor that cannot be used; the message names it and what is expected."""


@dataclass(frozen=True)
class Cursor:
    """The key of the last article of a page: ``published_at`` (ISO, ``None`` when undated)
    and ``id``."""

    published_at: str | None
    id: str

    def token(self) -> str:
        raw = json.dumps([self.published_at, self.id], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            published_at, doc_id = json.loads(raw)
            if not isinstance(doc_id, str) or not isinstance(published_at, (str, type(None))):
                raise TypeError
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise BadQuery(f"cursor {token[:40]!r} is not one this archive gave out; "
                           "start again without it") from None
        return cls(published_at, doc_id)


@dataclass(frozen=True)
class BrowseQuery:
    """Filters of the console's article list and ``/api/articles``; all optional.

    ``region`` is a division code or its prefix: ``410000`` (or ``41``) is the province,
    ``410100`` (or ``4101``) the city, ``410104`` the district. ``since``/``until`` are ISO days
    of ``published_at`` (Asia/Shanghai), both included. ``text`` is searched as
    :mod:`bulletin_crawler.stores.search` says.
    """

    site: str | None = None
    region: str | None = None
    since: str | None = None
    until: str | None = None
    column: str | None = None
    reporter: str | None = None
    text: str | None = None
    terms: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise BadQuery(f"{name} {value!r}: expected a day like 2020-11-30") from None
        if self.region and not re.fullmatch(r"\d{2}(?:\d{2}){0,2}", self.region):
            raise BadQuery(f"region {self.region!r}: expected a division code (410104) or "
                           "its province or city prefix (41, 4101)")
        if self.text and self.text.strip():
            try:
                object.__setattr__(self, "terms", tuple(query_terms(self.text)))
            except ValueError as error:
                raise BadQuery(str(error)) from None

    @property
    def region_prefix(self) -> str | None:
        """``410000`` → ``41``, ``410100`` → ``4101``, ``410104`` → ``410104``."""
        if not self.region:
            return None
        prefix = self.region
        while len(prefix) > 2 and prefix.endswith("00"):
            prefix = prefix[:-2]
        return prefix

    @property
    def until_next_day(self) -> str | None:
        """The day after ``until``: the exclusive end of the date range."""
        return day_after(self.until) if self.until else None


@dataclass
class ArticlePage:
    """One page of articles (public documents, newest first) and the cursor of the next."""

    articles: list[dict[str, Any]]
    next: Cursor | None


@dataclass(frozen=True)
class Coverage:
    """Share of a week's stored articles (by ``first_seen_at``) that have each field."""

    week: str  # ISO day of the week's Monday
    articles: int
    published_at: int
    reporters: int
    body: int


def page_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise BadQuery(f"limit {limit}: expected 1 to {MAX_PAGE}")
    return limit


def next_prefix(prefix: str) -> str:
    """The smallest string after every string starting with ``prefix`` (digits only)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def week_start(day: str) -> str:
    parsed = date.fromisoformat(day[:10])
    return (parsed - timedelta(days=parsed.weekday())).isoformat()
