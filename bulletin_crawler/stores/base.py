"""The one small interface every store implements, and the write buffer they share.

A store keeps one document per story. Pipelines ask :meth:`ArticleStore.match` whether a page's
URL or text is already known and :meth:`~ArticleStore.near` for near copies, then
:meth:`~ArticleStore.upsert` the document; a write of a story the store already holds is
merged with it (:func:`bulletin_crawler.canonical.merge_documents`), so two processes storing
places of one story never lose one. :meth:`~ArticleStore.reroot` moves a near-duplicate
cluster to an earlier root.
Spiders ask :meth:`~ArticleStore.known_urls` before requesting pages, record finished e-paper
days with :meth:`~ArticleStore.mark_days` and pages that failed with
:meth:`~ArticleStore.record_failure`. Writes are buffered and sent in batches, in the order they
were made (a day mark lands after the articles of that day); every read sees buffered writes too,
so a batch never hides a duplicate. Crawl records (``crawl_runs``) are written at once: a run
that is killed still leaves its record behind.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bulletin_crawler.contract import INTERNAL_FIELDS
from bulletin_crawler.stores.browse import (
    ArticlePage,
    BrowseQuery,
    Coverage,
    Cursor,
    page_limit,
)
from bulletin_crawler.stores.journal import (
    ClearFailures,
    Journal,
    MarkDays,
    Operation,
    RecordFailure,
    Reroot,
    Upsert,
)


class StoreError(Exception):
    """A store that cannot be used as asked (missing, not a database, unreachable); the
    message names the store (credentials redacted) and what is expected."""


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


logger = logging.getLogger(__name__)
RETRY_AFTER = 30.0  # seconds a failed database is left alone before it is tried again
PENDING_DOCS_KEPT = 2000  # documents held in memory beyond the write buffer during an outage


@dataclass(frozen=True)
class ArticleQuery:
    """What ``bulletin export`` asks for: all filters optional, dates as ISO days."""

    site: str | None = None
    since: str | None = None
    until: str | None = None
    region: str | None = None


class ArticleStore(ABC):
    """Buffered article storage. Subclasses implement the ``_``-prefixed methods."""

    #: Whether crawls call this store on a worker thread. A network database can be slow or
    #: down, so the reactor must never wait on it; a local one answers an index probe faster
    #: than a thread hop costs.
    in_thread: bool = True

    def __init__(self, batch_size: int = 200, journal: Journal | None = None):
        self.batch_size = batch_size
        self.journal = journal
        self._offline_until = 0.0
        self._ops: list[Operation] = []
        self._pending_urls: dict[str, str] = {}
        self._pending_hashes: dict[str, str] = {}
        self._pending_bands: dict[str, list[str]] = defaultdict(list)
        self._pending_docs: dict[str, dict[str, Any]] = {}
        # small facts of pending documents, kept when a long outage trims the documents
        self._pending_prints: dict[str, tuple[dict[str, Any], str | None]] = {}
        self._pending_content: dict[str, str] = {}
        self._pending_reroots: dict[str, str] = {}
        self.rejected = 0  # writes the database refused as they are (set aside, not retried)

    # --- reads ---------------------------------------------------------------------------------
    def match(self, url_key: str, content_hash: str) -> Match | None:
        doc_id = self._pending_urls.get(url_key)
        if doc_id is not None:
            return Match(doc_id, self._pending_content.get(doc_id)
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
                marks, duplicate_of = self._pending_prints[doc_id]
                found[doc_id] = Candidate(doc_id, marks, duplicate_of)
        return [Candidate(c.id, c.fingerprint, self._root_now(c.id, c.duplicate_of))
                for c in found.values()]

    def _root_now(self, doc_id: str, duplicate_of: str | None) -> str | None:
        """A stored ``duplicate_of`` seen through re-rootings still waiting in the buffer."""
        root = duplicate_of or doc_id
        for _ in range(len(self._pending_reroots) + 1):
            if root not in self._pending_reroots:
                break
            root = self._pending_reroots[root]
        return None if root == doc_id else root

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """One stored document in the contract's shape."""
        doc = self.document(doc_id)
        return public(doc) if doc else None

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One stored document with the store's internal fields (places, fingerprint)."""
        doc = self._pending_docs.get(doc_id) or self._read(self._get_stored, None, doc_id)
        if doc is None:
            return None
        return {**doc, "duplicate_of": self._root_now(doc_id, doc.get("duplicate_of"))}

    def known_urls(self, url_keys: list[str]) -> set[str]:
        """The keys among ``url_keys`` that some stored (or buffered) document has: spiders ask
        before requesting, so known pages are never fetched twice."""
        known = {key for key in url_keys if key in self._pending_urls}
        rest = [key for key in url_keys if key not in known]
        return known | (self._read(self._known_stored, set(), rest) if rest else set())

    def completed_days(self, site: str) -> set[str]:
        """Issue days (ISO dates) of a site that a crawl walked completely (none known while
        the database is down: the days are walked again)."""
        return self._read(self._completed_days, set(), site)

    def failures(self, site: str) -> list[dict[str, Any]]:
        """The site's pages that failed and have not produced an article since, most recent
        first: ``url``, ``url_key``, ``kind``, ``reason``, ``attempts``, ``first_failed_at``,
        ``last_failed_at`` and the ``meta`` a retry needs (none known while the database is
        down)."""
        return self._read(self._failures, [], site)

    def _read(self, method: Any, default: Any, *args: Any) -> Any:
        """A database read; with a journal, a database that is down answers ``default`` (the
        crawl goes on, journaled writes are still seen) instead of stopping the crawl."""
        if self.journal is None:
            return method(*args)
        if time.monotonic() < self._offline_until:
            return default
        try:
            return method(*args)
        except Exception as error:
            self._went_offline(error)
            return default

    def _went_offline(self, error: Exception) -> None:
        self._offline_until = time.monotonic() + RETRY_AFTER
        logger.warning("store unavailable (%s); retrying in %.0f s", short_error(error),
                       RETRY_AFTER)

    # --- writes --------------------------------------------------------------------------------
    def upsert(self, doc: dict[str, Any]) -> None:
        """Insert a new document, or merge it into the stored one with the same ``id`` (every
        place kept, the canonical one deciding). Failures recorded for its URLs are cleared in
        the same write."""
        self._queue(Upsert(doc))

    def reroot(self, old: str, new: str) -> None:
        """Make ``new`` the root of the near-duplicate cluster rooted at ``old``."""
        self._queue(Reroot(old, new))

    def mark_days(self, site: str, days: Iterable[str]) -> None:
        """Record e-paper days as walked to the end, behind every write queued before."""
        self._queue(MarkDays(site, list(days)))

    def record_failure(self, site: str, url: str, url_key: str, kind: str, reason: str,
                       at: str, meta: dict[str, Any] | None = None, attempts: int = 1) -> None:
        """Remember a page that produced no article, at its ``attempts``-th attempt."""
        self._queue(RecordFailure(site, url_key, url, kind, reason, at, meta or {}, attempts))

    def clear_failures(self, url_keys: list[str]) -> None:
        """Forget failures of pages that are now stored or known to be unchanged."""
        self._queue(ClearFailures(list(url_keys)))

    def _index(self, op: Operation) -> None:
        """Make a write not yet in the database visible to every read."""
        if isinstance(op, Reroot):
            self._pending_reroots[op.old] = op.new
            for doc in self._pending_docs.values():
                if (doc.get("duplicate_of") == op.old or doc["id"] == op.old) \
                        and doc["id"] != op.new:
                    doc["duplicate_of"] = op.new
            for doc_id, (marks, duplicate_of) in self._pending_prints.items():
                if (duplicate_of == op.old or doc_id == op.old) and doc_id != op.new:
                    self._pending_prints[doc_id] = (marks, op.new)
        elif isinstance(op, Upsert):
            doc = op.doc
            self._pending_docs[doc["id"]] = doc
            self._pending_content[doc["id"]] = doc["content_hash"]
            for key in doc["url_keys"]:
                self._pending_urls[key] = doc["id"]
            self._pending_hashes[doc["content_hash"]] = doc["id"]
            if doc.get("fingerprint"):
                self._pending_prints[doc["id"]] = (doc["fingerprint"], doc.get("duplicate_of"))
                for band in doc["fingerprint"].get("bands", ()):
                    self._pending_bands[band].append(doc["id"])

    def flush(self) -> int:
        """Write everything buffered; returns how many operations were written. When the
        database is down they go to the journal (or, without one, stay buffered and the error
        is raised); a write it refuses as it is (bad data, not an outage) is set aside and
        logged, and the rest of the batch still goes through."""
        ops = self._ops
        if not ops:
            return 0
        if self.journal is not None and time.monotonic() < self._offline_until:
            self._to_journal(ops)
            return 0
        left = self._write_batch(ops)  # without a journal an outage raises: ops stay buffered
        if left:
            self._to_journal(left)
            return len(ops) - len(left)
        self._ops = []
        # back: send what waited (journaled writes stay visible until they reach the database)
        if self.journal is not None and self.journal.files():
            self.replay()
            if self.journal.files():
                return len(ops)
        for pending in (self._pending_urls, self._pending_hashes, self._pending_bands,
                        self._pending_docs, self._pending_prints, self._pending_content,
                        self._pending_reroots):
            pending.clear()
        return len(ops)

    def _write_batch(self, ops: list[Operation]) -> list[Operation]:
        """Write ``ops``; returns those left unwritten because the database is down (none
        without a journal: the error is raised). A batch the database refuses for its data is
        written one operation at a time, and each refused one set aside."""
        try:
            self._write(ops)
            return []
        except Exception as error:
            if self.is_outage(error):
                if self.journal is None:
                    raise
                self._went_offline(error)
                return ops
            if len(ops) == 1:
                self._reject(ops[0], error)
                return []
        for index, op in enumerate(ops):
            try:
                self._write([op])
            except Exception as error:
                if self.is_outage(error):
                    if self.journal is None:
                        raise
                    self._went_offline(error)
                    return ops[index:]
                self._reject(op, error)
        return []

    def is_outage(self, error: BaseException) -> bool:
        """Whether an error means "the database is not there now" (try again later), rather
        than "it will never take this write"."""
        return True

    def _reject(self, op: Operation, error: BaseException) -> None:
        """A write the database refuses as it is: set aside (journal folder, ``rejected``),
        logged, and its page remembered as failed so a later run fetches it again."""
        self.rejected += 1
        where = self.journal.set_aside([op], "rejected") if self.journal is not None else None
        logger.error("store refused a write (%s): %s%s", short_error(error), _describe(op),
                     f"; kept in {where}" if where else "")
        if isinstance(op, Upsert):
            doc = op.doc
            failure = RecordFailure(doc.get("site", ""), doc["url_keys"][0], doc["url"],
                                    "article", "store_error", doc.get("updated_at") or "", {})
            try:
                self._write([failure])
            except Exception as failed:
                logger.error("could not record the refused write as a failed page: %s",
                             short_error(failed))

    def _to_journal(self, ops: list[Operation]) -> None:
        assert self.journal is not None
        self.journal.append(ops)
        self._ops = []
        self._trim_pending()
        logger.warning("%d writes kept in %s until the store is back", len(ops),
                       self.journal.path)

    def _trim_pending(self) -> None:
        """During a long outage keep only the newest documents in memory: what is journaled is
        on disk, a story read again from the buffer's small indexes is merged on write."""
        excess = len(self._pending_docs) - PENDING_DOCS_KEPT
        if excess > 0:
            for doc_id in list(self._pending_docs)[:excess]:
                del self._pending_docs[doc_id]

    def replay(self) -> int:
        """Write the journal's operations (on open and on close); returns how many."""
        if self.journal is None:
            return 0
        try:
            written = self.journal.replay(self._replay_batch)
        except Exception as error:
            self._went_offline(error)
            for op in self.journal.read():  # but every read sees them
                self._index(op)
            return 0
        if written:
            logger.info("replayed %d journaled writes into the store", written)
        return written

    def _replay_batch(self, ops: list[Operation]) -> None:
        left = self._write_batch(ops)
        if left:
            raise StoreError(f"{len(left)} journaled writes could not be replayed yet")

    def waiting(self) -> int:
        """How many writes wait in the journal for the database to come back."""
        return len(self.journal) if self.journal is not None else 0

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

    # --- crawl records: written at once, never buffered ------------------------------------------
    def start_run(self, run: dict[str, Any]) -> None:
        """Keep a crawl's record as it starts (``status: running``, a ``run_id``): a crawl that
        is killed leaves it behind, and readers see it as ``interrupted`` once its heartbeat is
        older than its ``stale_after`` seconds."""
        self._start_run(run)

    def update_run(self, run_id: str, fields: dict[str, Any]) -> None:
        """Change a crawl's record: its heartbeat while it runs, its figures when it ends."""
        self._update_run(run_id, fields)

    def iter_runs(self, limit: int = 20, site: str | None = None) -> Iterator[dict[str, Any]]:
        """Recent crawl records, newest first, with ``status`` as it stands now (``running``,
        ``ok``, ``failed`` or ``interrupted``)."""
        now = datetime.now().astimezone()
        for run in self._iter_runs(limit, site):
            yield with_status(run, now)

    def last_run(self, site: str) -> dict[str, Any] | None:
        return next(self.iter_runs(1, site), None)

    # --- browsing: the console and the data API (reads the database, not the write buffer) ----
    def browse(self, query: BrowseQuery, limit: int = 50, after: Cursor | None = None
               ) -> ArticlePage:
        """One page of the articles ``query`` selects, newest first (undated last), starting
        after ``after``; see :mod:`bulletin_crawler.stores.browse` for why keyset pages stay
        stable while crawls write."""
        docs = self._browse(query, page_limit(limit) + 1, after)
        if len(docs) <= limit:
            return ArticlePage(docs, None)
        last = docs[limit - 1]
        return ArticlePage(docs[:limit], Cursor(last.get("published_at"), last["id"]))

    @abstractmethod
    def _browse(self, query: BrowseQuery, limit: int, after: Cursor | None
                ) -> list[dict[str, Any]]:
        """Up to ``limit`` public documents after ``after``, newest first."""

    @abstractmethod
    def daily_counts(self, since: str, until: str) -> dict[str, dict[str, int]]:
        """Articles per site per day of ``published_at`` (Asia/Shanghai), both days included:
        ``{site: {day: count}}``, days without articles left out."""

    @abstractmethod
    def site_totals(self) -> dict[str, tuple[int, str | None]]:
        """``{site: (articles, newest published_at)}``."""

    @abstractmethod
    def cluster(self, root_id: str) -> list[dict[str, Any]]:
        """The near copies whose ``duplicate_of`` is ``root_id``, newest first."""

    @abstractmethod
    def coverage(self, site: str, since: str) -> list[Coverage]:
        """Per week of ``first_seen_at`` from ``since`` on: how many stored articles of the
        site have a date, reporters and a body; oldest week first."""

    @abstractmethod
    def index_sizes(self) -> dict[str, int]:
        """Bytes of the search index and of the documents, as the database counts them."""

    # --- what a backend provides ---------------------------------------------------------------
    @abstractmethod
    def _start_run(self, run: dict[str, Any]) -> None: ...

    @abstractmethod
    def _update_run(self, run_id: str, fields: dict[str, Any]) -> None: ...

    @abstractmethod
    def _iter_runs(self, limit: int, site: str | None) -> Iterator[dict[str, Any]]: ...

    @abstractmethod
    def _completed_days(self, site: str) -> set[str]: ...

    @abstractmethod
    def _failures(self, site: str) -> list[dict[str, Any]]: ...

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
    def _write(self, ops: list[Operation]) -> None:
        """Write ``ops`` in order, all or nothing where the backend allows."""

    @abstractmethod
    def _close(self) -> None: ...

    @abstractmethod
    def iter_articles(self, query: ArticleQuery | None = None) -> Iterator[dict[str, Any]]:
        """Stored documents in the contract's shape, oldest first, streamed."""

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def sites(self) -> list[str]:
        """The site keys that have documents in the store."""


def _describe(op: Operation) -> str:
    if isinstance(op, Upsert):
        return f"document {op.doc.get('id')} of {op.doc.get('url')}"
    return type(op).__name__


def short_error(error: BaseException) -> str:
    """A driver's error in one short line (pymongo's carry the whole topology description)."""
    text = (str(error).splitlines() or [type(error).__name__])[0]
    for cut in (" (configured timeouts", ", Timeout:", ", Topology Description"):
        text = text.split(cut)[0]
    return text[:200]


def with_status(run: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A crawl record whose ``running`` status is believed only while its process lives (on
    this host) or its heartbeat is fresh (elsewhere); records from before run statuses existed
    get one from their finish reason."""
    status = run.get("status")
    if status is None:
        status = "ok" if run.get("finish_reason") == "finished" else "failed"
    elif status == "running" and not _alive(run, now):
        status = "interrupted"
    return {**run, "status": status}


def _alive(run: dict[str, Any], now: datetime) -> bool:
    if run.get("host") == socket.gethostname() and isinstance(run.get("pid"), int):
        try:
            os.kill(run["pid"], 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # a process of another user holds that pid
            pass
        else:
            return True
    beat = run.get("heartbeat_at") or run.get("started_at")
    try:
        age = (now - datetime.fromisoformat(beat)).total_seconds() if beat else 0.0
    except (TypeError, ValueError):
        age = 0.0
    return not age > float(run.get("stale_after") or 0) > 0


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored document without the store's internal fields."""
    return {name: value for name, value in doc.items()
            if name not in INTERNAL_FIELDS and name != "_id"}
