"""The article data contract: the one document shape every spider yields and every store keeps.

Documented for data teams in ``docs/data-contract.md``; change both together and bump
:data:`SCHEMA_VERSION` when a field changes meaning.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1

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
    # Internal, kept by the stores for near-duplicate lookup and never exported.
    fingerprint: dict[str, Any] | None = None

    def to_document(self) -> dict[str, Any]:
        """The fields as a document for a store; values are shared, not copied (the item is
        done with once stored), which keeps this off the crawl's hot path."""
        return dict(vars(self))


INTERNAL_FIELDS = ("fingerprint", "url_keys")
ARTICLE_FIELDS: tuple[str, ...] = tuple(
    name for name in Article.__dataclass_fields__ if name not in INTERNAL_FIELDS)


_LEAD_MARK = re.compile(r"^\W*(?:本报\S{0,8}?讯|本刊讯|据\S{0,12}?电)")


def text_fingerprint(body: str) -> str:
    """Key of the normalised text: the same story reformatted (spaces, full-width forms,
    line breaks, punctuation) or reposted without its ``本报讯`` lead mark gets the same hash."""
    folded = unicodedata.normalize("NFKC", _LEAD_MARK.sub("", body.strip()))
    folded = re.sub(r"[\W_]+", "", folded)
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()


def article_id(url_key: str) -> str:
    """Stable document id, derived from the canonical URL of the first place a story was seen."""
    return hashlib.sha1(url_key.encode("utf-8")).hexdigest()[:24]
