"""The one small interface every store implements, and the write buffer they share.

A store keeps one document per story. Pipelines ask :meth:`ArticleStore.match` whether a page's
URL or text is already known and :meth:`~ArticleStore.near` for near copies, then either
:meth:`~ArticleStore.upsert` a document or :meth:`~ArticleStore.add_source` to an existing one.
Spiders ask :meth:`~ArticleStore.known_urls` before requesting pages and record finished e-paper
days with :meth:`~ArticleStore.mark_days`. Writes are buffered and sent in batches; every read
sees buffered writes too, so a batch never hides a duplicate.
"""

from __future__ import annotations

import json
import logging
import os
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
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
logger = logging.getLogger(__name__)
RETRY_AFTER = 30.0  # seconds a failed database is left alone before it is tried again


@dataclass(frozen=True)
class ArticleQuery:
    """What ``bulletin export`` asks for: all filters optional, dates as ISO days."""

    site: str | None = None
    since: str | None = None
    until: str | None = None
    region: str | None = None


class Journal:
    """Writes that could not reach the store, one JSON line each, fsynced: nothing is lost when
    the database is down, and replaying them (upserts by id) can never duplicate a story."""

    def __init__(self, path: Path):
        self.path = path

    def append(self, ops: list[Operation]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            for op in ops:
                kind = "add_source" if isinstance(op, AddSource) else "upsert"
                out.write(json.dumps({"op": kind, **asdict(op)}, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def read(self) -> list[Operation]:
        if not self.path.exists():
            return []
        ops: list[Operation] = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                kind = record.pop("op")
                ops.append(AddSource(**record) if kind == "add_source" else Upsert(**record))
        return ops

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        with self.path.open(encoding="utf-8") as lines:
            return sum(1 for line in lines if line.strip())


class ArticleStore(ABC):
    """Buffered article storage. Subclasses implement the ``_``-prefixed methods."""

    #: Whether crawls call this store on a worker thread. A network database can be slow or
    #: down, so the reactor must never wait on it; a local one answers an index probe faster
    #: than a thread hop costs.
    in_thread: bool = True

    def __init__(self, batch_size: int = 200, journal: Path | None = None):
        self.batch_size = batch_size
        self.journal = Journal(journal) if journal else None
        self._offline_until = 0.0
        self._ops: list[Operation] = []
        self._pending_urls: dict[str, str] = {}
        self._pending_hashes: dict[str, str] = {}
        self._pending_bands: dict[str, list[str]] = defaultdict(list)
        self._pending_docs: dict[str, dict[str, Any]] = {}

    # --- reads ---------------------------------------------------------------------------------
    def match(self, url_key: str, content_hash: str) -> Match | None:
        doc_id = self._pending_urls.get(url_key)
        if doc_id is not None:
            return Match(doc_id, self._pending_docs.get(doc_id, {}).get("content_hash")
                         or self._read(self._stored_hash, None, doc_id), "url")
        found = self._read(self._match_url, None, url_key)
        if found is not None:
            return found
        doc_id = self._pending_hashes.get(content_hash)
        if doc_id is not None:
            return Match(doc_id, content_hash, "text")
        return self._read(self._match_text, None, content_hash)

    def near(self, bands: Iterable[str]) -> list[Candidate]:
        """Stories sharing at least one fingerprint band (the caller verifies them)."""
        bands = list(bands)
        found = {candidate.id: candidate for candidate in self._read(self._near_stored, [], bands)}
        for band in bands:
            for doc_id in self._pending_bands.get(band, ()):
                doc = self._pending_docs[doc_id]
                found[doc_id] = Candidate(doc_id, doc["fingerprint"], doc.get("duplicate_of"))
        return list(found.values())

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """One stored document in the contract's shape."""
        doc = self._pending_docs.get(doc_id) or self._read(self._get_stored, None, doc_id)
        return public(doc) if doc else None

    def known_urls(self, url_keys: list[str]) -> set[str]:
        """The keys among ``url_keys`` that some stored (or buffered) document has: spiders ask
        before requesting, so known pages are never fetched twice."""
        known = {key for key in url_keys if key in self._pending_urls}
        rest = [key for key in url_keys if key not in known]
        return known | (self._read(self._known_stored, set(), rest) if rest else set())

    def _read(self, method: Any, default: Any, *args: Any) -> Any:
        """A database read; with a journal, a database that is down answers ``default`` (the
        crawl goes on, journaled writes are still seen) instead of stopping the crawl."""
        if self.journal is None:
            return method(*args)
        if time.monotonic() < self._offline_until:
            return default
        try:
            return method(*args)
        except Exception as error:  # noqa: BLE001 - any driver error means "down" here
            self._went_offline(error)
            return default

    def _went_offline(self, error: Exception) -> None:
        self._offline_until = time.monotonic() + RETRY_AFTER
        logger.warning("store unavailable (%s); retrying in %.0f s", error, RETRY_AFTER)

    # --- writes --------------------------------------------------------------------------------
    def upsert(self, doc: dict[str, Any]) -> None:
        """Insert a new document or update the one with the same ``id`` (keeping its
        ``first_seen_at`` and every source it already had)."""
        self._queue(Upsert(doc))

    def add_source(self, doc_id: str, source: dict[str, str], url_key: str,
                   updated_at: str) -> None:
        """Record one more place where an already stored story appeared."""
        self._queue(AddSource(doc_id, source, url_key, updated_at))

    def _index(self, op: Operation) -> None:
        """Make a write not yet in the database visible to every read."""
        if isinstance(op, AddSource):
            self._pending_urls[op.url_key] = op.id
            return
        doc = op.doc
        self._pending_docs[doc["id"]] = doc
        for key in doc["url_keys"]:
            self._pending_urls[key] = doc["id"]
        self._pending_hashes[doc["content_hash"]] = doc["id"]
        for band in (doc.get("fingerprint") or {}).get("bands", ()):
            self._pending_bands[band].append(doc["id"])

    def flush(self) -> int:
        """Write everything buffered; returns how many operations were written. When the
        database refuses them they go to the journal (or, without one, stay buffered and the
        error is raised)."""
        ops = self._ops
        if not ops:
            return 0
        if self.journal is not None and time.monotonic() < self._offline_until:
            self._to_journal(ops)
            return 0
        try:
            self._write(ops)
        except Exception as error:
            if self.journal is None:
                raise  # the operations stay buffered for the next flush
            self._went_offline(error)
            self._to_journal(ops)
            return 0
        self._ops = []
        if self.waiting():  # the database is back: send what waited for it
            self.replay()
        if not self.waiting():  # journaled writes stay visible until they reach the database
            for pending in (self._pending_urls, self._pending_hashes, self._pending_bands,
                            self._pending_docs):
                pending.clear()
        return len(ops)

    def _to_journal(self, ops: list[Operation]) -> None:
        assert self.journal is not None
        self.journal.append(ops)
        self._ops = []
        logger.warning("%d writes kept in %s until the store is back", len(ops),
                       self.journal.path)

    def replay(self) -> int:
        """Write the journal's operations (on open and on close); returns how many."""
        if self.journal is None:
            return 0
        ops = self.journal.read()
        if not ops:
            return 0
        try:
            self._write(ops)
        except Exception as error:  # noqa: BLE001 - still down: they stay in the journal
            self._went_offline(error)
            for op in ops:  # but every read sees them
                self._index(op)
            return 0
        self.journal.clear()
        logger.info("replayed %d journaled writes from %s", len(ops), self.journal.path)
        return len(ops)

    def waiting(self) -> int:
        """How many writes wait in the journal for the database to come back."""
        return len(self.journal) if self.journal else 0

    def close(self) -> None:
        try:
            self.flush()
            self.replay()
        finally:
            self._close()

    def _queue(self, op: Operation) -> None:
        self._index(op)
        self._ops.append(op)
        if len(self._ops) >= self.batch_size:
            self.flush()

    # --- runs and e-paper days ------------------------------------------------------------------
    @abstractmethod
    def record_run(self, run: dict[str, Any]) -> None:
        """Keep one crawl's record (``crawl_runs``)."""

    @abstractmethod
    def iter_runs(self, limit: int = 20, site: str | None = None) -> Iterator[dict[str, Any]]:
        """Recent crawl records, newest first."""

    def completed_days(self, site: str) -> set[str]:
        """Issue days (ISO dates) of a site that a crawl walked completely (none known while
        the database is down: the days are walked again)."""
        return self._read(self._completed_days, set(), site)

    def mark_days(self, site: str, days: Iterable[str]) -> None:
        self._read(self._mark_days, None, site, list(days))

    @abstractmethod
    def _completed_days(self, site: str) -> set[str]: ...

    @abstractmethod
    def _mark_days(self, site: str, days: list[str]) -> None: ...

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
    def iter_articles(self, query: ArticleQuery | None = None) -> Iterator[dict[str, Any]]:
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
