"""The one small interface every store implements, and the write buffer they share.

A store keeps one document per story. Pipelines ask :meth:`ArticleStore.match` whether a page's
URL or text is already known and :meth:`~ArticleStore.near` for near copies, then either
:meth:`~ArticleStore.upsert` a document or :meth:`~ArticleStore.add_source` to an existing one.
Spiders ask :meth:`~ArticleStore.known_urls` before requesting pages and record finished e-paper
days with :meth:`~ArticleStore.mark_days`. Writes are buffered and sent in batches; every read
sees buffered writes too, so a batch never hides a duplicate.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bulletin_crawler.contract import INTERNAL_FIELDS


@dataclass(frozen=True)
class Match:
    """An existing document found for a page: by its URL, or by the same text elsewhere."""

    id: str
    content_hash: str | None
    by: str  # "url" or "text"


@dataclass(frozen=True)
class Candidate:
    """A stored story that shares a fingerprint band with a new text."""

    id: str
    fingerprint: dict[str, Any]
    duplicate_of: str | None


@dataclass(frozen=True)
class Upsert:
    doc: dict[str, Any]


@dataclass(frozen=True)
class AddSource:
    id: str
    source: dict[str, str]
    url_key: str
    updated_at: str


Operation = Upsert | AddSource


class ArticleStore(ABC):
    """Buffered article storage. Subclasses implement the ``_``-prefixed methods."""

    def __init__(self, batch_size: int = 200):
        self.batch_size = batch_size
        self._ops: list[Operation] = []
        self._pending_urls: dict[str, str] = {}
        self._pending_hashes: dict[str, str] = {}
        self._pending_bands: dict[str, list[str]] = defaultdict(list)
        self._pending_docs: dict[str, dict[str, Any]] = {}

    # --- reads ---------------------------------------------------------------------------------
    def match(self, url_key: str, content_hash: str) -> Match | None:
        doc_id = self._pending_urls.get(url_key)
        if doc_id is not None:
            return Match(doc_id, self._hash_of(doc_id), "url")
        found = self._match_url(url_key)
        if found is not None:
            return found
        doc_id = self._pending_hashes.get(content_hash)
        if doc_id is not None:
            return Match(doc_id, content_hash, "text")
        return self._match_text(content_hash)

    def near(self, bands: Iterable[str]) -> list[Candidate]:
        """Stories sharing at least one fingerprint band (the caller verifies them)."""
        bands = list(bands)
        found = {candidate.id: candidate for candidate in self._near_stored(bands)}
        for band in bands:
            for doc_id in self._pending_bands.get(band, ()):
                doc = self._pending_docs[doc_id]
                found[doc_id] = Candidate(doc_id, doc["fingerprint"], doc.get("duplicate_of"))
        return list(found.values())

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """One stored document in the contract's shape."""
        doc = self._pending_docs.get(doc_id) or self._get_stored(doc_id)
        return public(doc) if doc else None

    def known_urls(self, url_keys: list[str]) -> set[str]:
        """The keys among ``url_keys`` that some stored (or buffered) document has: spiders ask
        before requesting, so known pages are never fetched twice."""
        known = {key for key in url_keys if key in self._pending_urls}
        rest = [key for key in url_keys if key not in known]
        return known | (self._known_stored(rest) if rest else set())

    # --- writes --------------------------------------------------------------------------------
    def upsert(self, doc: dict[str, Any]) -> None:
        """Insert a new document or update the one with the same ``id`` (keeping its
        ``first_seen_at`` and every source it already had)."""
        self._pending_docs[doc["id"]] = doc
        for key in doc["url_keys"]:
            self._pending_urls[key] = doc["id"]
        self._pending_hashes[doc["content_hash"]] = doc["id"]
        for band in (doc.get("fingerprint") or {}).get("bands", ()):
            self._pending_bands[band].append(doc["id"])
        self._queue(Upsert(doc))

    def add_source(self, doc_id: str, source: dict[str, str], url_key: str,
                   updated_at: str) -> None:
        """Record one more place where an already stored story appeared."""
        self._pending_urls[url_key] = doc_id
        self._queue(AddSource(doc_id, source, url_key, updated_at))

    def flush(self) -> int:
        """Write everything buffered; returns how many operations were written."""
        ops = self._ops
        if ops:
            self._write(ops)  # on failure the operations stay buffered for the next flush
        self._ops = []
        for pending in (self._pending_urls, self._pending_hashes, self._pending_bands,
                        self._pending_docs):
            pending.clear()
        return len(ops)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._close()

    def _queue(self, op: Operation) -> None:
        self._ops.append(op)
        if len(self._ops) >= self.batch_size:
            self.flush()

    def _hash_of(self, doc_id: str) -> str | None:
        doc = self._pending_docs.get(doc_id)
        return doc["content_hash"] if doc else self._stored_hash(doc_id)

    # --- e-paper days --------------------------------------------------------------------------
    @abstractmethod
    def completed_days(self, site: str) -> set[str]:
        """Issue days (ISO dates) of a site that a crawl walked completely."""

    @abstractmethod
    def mark_days(self, site: str, days: Iterable[str]) -> None: ...

    # --- what a backend provides ---------------------------------------------------------------
    @abstractmethod
    def _match_url(self, url_key: str) -> Match | None: ...

    @abstractmethod
    def _match_text(self, content_hash: str) -> Match | None: ...

    @abstractmethod
    def _near_stored(self, bands: list[str]) -> list[Candidate]: ...

    @abstractmethod
    def _get_stored(self, doc_id: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def _stored_hash(self, doc_id: str) -> str | None: ...

    @abstractmethod
    def _known_stored(self, url_keys: list[str]) -> set[str]: ...

    @abstractmethod
    def _write(self, ops: list[Operation]) -> None: ...

    @abstractmethod
    def _close(self) -> None: ...

    @abstractmethod
    def iter_articles(self, site: str | None = None) -> Iterator[dict[str, Any]]:
        """Stored documents in the contract's shape, oldest first, streamed."""

    @abstractmethod
    def count(self) -> int: ...


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored document without the store's internal fields."""
    return {name: value for name, value in doc.items()
            if name not in INTERNAL_FIELDS and name != "_id"}


def source_order(source: dict[str, str]) -> str:
    """Sources are kept first publication first."""
    return source.get("published_at") or "9999"  # unknown dates last


def merge_sources(existing: list[dict[str, str]], extra: list[dict[str, str]]
                  ) -> list[dict[str, str]]:
    """Sources first publication first, each place once."""
    merged = list(existing)
    urls = {source["url"] for source in merged}
    for source in extra:
        if source["url"] not in urls:
            merged.append(source)
            urls.add(source["url"])
    return sorted(merged, key=source_order)
