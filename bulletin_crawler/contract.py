"""The article data contract: the one document shape every spider yields and every store keeps.

Documented for data teams in ``docs/data-contract.md``; change both together and bump
:data:`SCHEMA_VERSION` when a field changes meaning.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

SCHEMA_VERSION = 2  # 2: published_at always a datetime with its precision; canonical places

KINDS = ("epaper", "portal", "generic")


@dataclass
class Article:
    """One news article as extracted from one page (before deduplication)."""

    url: str
    site: str
    source: str
    kind: str
    title: str
    body: str
    region: dict[str, Any] = field(default_factory=dict)
    kicker: str | None = None
    subtitle: str | None = None
    published_at: str | None = None
    published_precision: str | None = None
    event_date: str | None = None
    edition: dict[str, Any] | None = None
    column: str | None = None
    authors: list[str] = field(default_factory=list)
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    images: list[dict[str, str | None]] = field(default_factory=list)
    id: str | None = None
    content_hash: str | None = None
    duplicate_of: str | None = None
    sources: list[dict[str, str]] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    first_seen_at: str | None = None
    updated_at: str | None = None
    schema_version: int = SCHEMA_VERSION
    # Internal, kept by the stores and never exported: the near-duplicate fingerprint, and
    # every place the story was found with its snapshot (see bulletin_crawler.canonical).
    fingerprint: dict[str, Any] | None = None
    places: list[dict[str, Any]] = field(default_factory=list)

    def to_document(self) -> dict[str, Any]:
        """The fields as a document for a store; values are shared, not copied (the item is
        done with once stored), which keeps this off the crawl's hot path."""
        return dict(vars(self))


INTERNAL_FIELDS = ("fingerprint", "url_keys", "places", "search_grams")
PRECISIONS = ("day", "minute", "second")
ARTICLE_FIELDS: tuple[str, ...] = tuple(
    name for name in Article.__dataclass_fields__ if name not in INTERNAL_FIELDS)


_LEAD_MARK = re.compile(r"^\W*(?:本报\S{0,8}?讯|本刊讯|据\S{0,12}?电)")


def text_fingerprint(body: str) -> str:
    """Key of the normalised text: the same story reformatted (spaces, full-width forms,
    line breaks, punctuation) or reposted without its ``本报讯`` lead mark gets the same hash."""
    folded = unicodedata.normalize("NFKC", _LEAD_MARK.sub("", body.strip()))
    folded = re.sub(r"[\W_]+", "", folded)
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()


def published(value: str | None) -> tuple[str | None, str | None]:
    """``(datetime, precision)`` of a publication date in any of the forms extraction gives:
    a day (``2020-11-30`` → ``2020-11-30T00:00:00+08:00``, ``day``) or a datetime, as an ISO
    datetime with the +08:00 offset (Asia/Shanghai; aware values are converted)."""
    if not value:
        return None, None
    if len(value) <= 10:
        return f"{date.fromisoformat(value).isoformat()}T00:00:00+08:00", "day"
    moment = datetime.fromisoformat(value)
    moment = (moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None
              else moment.astimezone(SHANGHAI))
    precision = "second" if moment.second or moment.microsecond else "minute"
    return moment.replace(microsecond=0).isoformat(), precision
