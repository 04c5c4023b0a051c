"""The embedded store: one SQLite file, WAL mode, one row per story plus an index of its URLs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bulletin_crawler.canonical import merge_documents
from bulletin_crawler.contract import SCHEMA_VERSION
from bulletin_crawler.migrations import upgrade_document
from bulletin_crawler.stores.base import (
    ArticleQuery,
    ArticleStore,
    Candidate,
    Match,
    StoreError,
    logger,
    public,
)
from bulletin_crawler.stores.journal import (
    ClearFailures,
    Journal,
    MarkDays,
    Operation,
    RecordFailure,
    Reroot,
)
from bulletin_crawler.stores.sqlite_browse import SQLiteBrowse
from bulletin_crawler.stores.sqlite_search import create_tables, index_document, rebuild_if_stale

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    published_at TEXT,
    region_code TEXT,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_content_hash ON articles (content_hash);
CREATE INDEX IF NOT EXISTS articles_site_published ON articles (site, published_at);
CREATE INDEX IF NOT EXISTS articles_region_published ON articles (region_code, published_at);
CREATE TABLE IF NOT EXISTS article_urls (
    url_key TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id)
);
CREATE TABLE IF NOT EXISTS article_bands (
    band TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id),
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    started_at TEXT NOT NULL,
    run TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS crawl_days (
    site TEXT NOT NULL,
    day TEXT NOT NULL,
    PRIMARY KEY (site, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS failed_urls (
    site TEXT NOT NULL,
    url_key TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    first_failed_at TEXT NOT NULL,
    last_failed_at TEXT NOT NULL,
    meta TEXT NOT NULL,
    PRIMARY KEY (site, url_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS failed_urls_url_key ON failed_urls (url_key);
"""
def statements(script: str) -> list[str]:
    """The statements of a schema script (ours hold no ';' inside a statement)."""
    return [statement.strip() for statement in script.split(";") if statement.strip()]


# Columns added after the first release; added to older files on open.
ADDED_COLUMNS = {"crawl_runs": {"run_id": "TEXT", "status": "TEXT", "heartbeat_at": "TEXT"},
                 "articles": {"duplicate_of": "TEXT"}}


class SQLiteStore(SQLiteBrowse, ArticleStore):
    # Called in the reactor thread: on a 4,000-article crawl the thread hops cost 5 s of CPU
    # (1.2 ms per article) while the probes and batched writes themselves cost far less.
    in_thread = False

    def __init__(self, path: str | Path, batch_size: int = 200, journal: Journal | None = None,
                 create: bool = True):
        super().__init__(batch_size, journal)
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"sqlite:///{self.path}: no such store (check the path; commands "
                             "that only read never create one)")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Tools may open the store in one thread and use it in another.
            self.db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA cache_size=-8192")  # 8 MB; more barely sped up 1M writes
            self._set_up()
        except (sqlite3.DatabaseError, OSError) as error:
            raise StoreError(f"sqlite:///{self.path}: cannot be used as a store ({error}); "
                             "expected a SQLite file written by bulletin, or a new path") from None
        self.migrate()
        reindexed = rebuild_if_stale(self.db)
        if reindexed:
            logger.info("built the search index of %s (%d documents)", self.path, reindexed)
        self.replay()

    def _set_up(self) -> None:
        """Tables, columns added since the first release, indexes — in one write transaction,
        so processes opening a new or older file at the same moment (two schedulers, a crawl
        and the console) never trip over each other."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for statement in statements(SCHEMA):
                self.db.execute(statement)
            for table, columns in ADDED_COLUMNS.items():
                present = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
                for name, kind in columns.items():
                    if name not in present:
                        self.db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
            self.db.execute("CREATE UNIQUE INDEX IF NOT EXISTS crawl_runs_run_id"
                            " ON crawl_runs (run_id)")
            self.db.execute("CREATE INDEX IF NOT EXISTS crawl_runs_site_started"
                            " ON crawl_runs (site, started_at)")
            self.db.execute("CREATE INDEX IF NOT EXISTS articles_duplicate_of"
                            " ON articles (duplicate_of)")
            create_tables(self.db)

    def migrate(self) -> int:
        """Bring documents of an older schema up to this one (see
        :mod:`bulletin_crawler.migrations`); returns how many were changed."""
        rows = self.db.execute("SELECT doc FROM articles WHERE"
                               " json_extract(doc, '$.schema_version') < ?",
                               (SCHEMA_VERSION,)).fetchall()
        if not rows:
            return 0
        with self.db:
            for (raw,) in rows:
                old = json.loads(raw)
                self._save(upgrade_document(old), old)
        logger.info("migrated %d documents of %s to schema %d", len(rows), self.path,
                    SCHEMA_VERSION)
        return len(rows)

    def _match_url(self, url_key: str) -> Match | None:
        row = self.db.execute(
            "SELECT a.id, a.content_hash FROM article_urls u JOIN articles a ON a.id = u.article_id"
            " WHERE u.url_key = ?", (url_key,)).fetchone()
        return Match(row[0], row[1], "url") if row else None

    def _match_text(self, content_hash: str) -> Match | None:
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ? ORDER BY "
                              "first_seen_at LIMIT 1", (content_hash,)).fetchone()
        return Match(row[0], content_hash, "text") if row else None

    def _near_stored(self, bands: list[str]) -> list[Candidate]:
        marks = ",".join("?" * len(bands))
        rows = self.db.execute(
            "SELECT id, json_extract(doc, '$.fingerprint'), duplicate_of FROM articles"
            f" WHERE id IN (SELECT article_id FROM article_bands WHERE band IN ({marks}))", bands)
        return [Candidate(doc_id, json.loads(marks), duplicate_of)
                for doc_id, marks, duplicate_of in rows if marks]

    def _get_stored(self, doc_id: str) -> dict[str, Any] | None:
        return self._load(doc_id)

    def _completed_days(self, site: str) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT day FROM crawl_days WHERE site = ?",
                                                  (site,))}

    def _failures(self, site: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT site, url_key, url, kind, reason, attempts, first_failed_at, last_failed_at,"
            " meta FROM failed_urls WHERE site = ? ORDER BY last_failed_at DESC", (site,))
        names = ("site", "url_key", "url", "kind", "reason", "attempts", "first_failed_at",
                 "last_failed_at", "meta")
        return [{**dict(zip(names, row, strict=True)), "meta": json.loads(row[-1])}
                for row in rows]

    def _stored_hash(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT content_hash FROM articles WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def _known_stored(self, url_keys: list[str]) -> set[str]:
        marks = ",".join("?" * len(url_keys))
        rows = self.db.execute(f"SELECT url_key FROM article_urls WHERE url_key IN ({marks})",
                               url_keys)
        return {row[0] for row in rows}

    def is_outage(self, error: BaseException) -> bool:
        if isinstance(error, sqlite3.OperationalError):
            text = str(error).lower()
            return any(word in text for word in ("locked", "busy", "disk i/o", "unable to open",
                                                 "full", "readonly"))
        return isinstance(error, OSError)

    def _write(self, ops: list[Operation]) -> None:
        with self.db:  # one transaction per batch, in order, holding the write lock from the
            self.db.execute("BEGIN IMMEDIATE")  # first read: merges never miss another's write
            for op in ops:
                if isinstance(op, Reroot):
                    self.db.execute(
                        "UPDATE articles SET duplicate_of = ?,"
                        " doc = json_set(doc, '$.duplicate_of', ?)"
                        " WHERE (duplicate_of = ? OR id = ?) AND id != ?",
                        (op.new, op.new, op.old, op.old, op.new))
                elif isinstance(op, MarkDays):
                    self.db.executemany(
                        "INSERT OR IGNORE INTO crawl_days (site, day) VALUES (?, ?)",
                        [(op.site, day) for day in op.days])
                elif isinstance(op, RecordFailure):
                    self._record_failure(op)
                elif isinstance(op, ClearFailures):
                    self._clear_failures(op.url_keys)
                else:
                    self._upsert(op.doc)

    def _record_failure(self, op: RecordFailure) -> None:
        self.db.execute(
            "INSERT INTO failed_urls (site, url_key, url, kind, reason, attempts,"
            " first_failed_at, last_failed_at, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (site, url_key) DO UPDATE SET"
            " attempts = MAX(attempts, excluded.attempts),"
            " reason = excluded.reason, last_failed_at = excluded.last_failed_at,"
            " meta = excluded.meta",
            (op.site, op.url_key, op.url, op.kind, op.reason, op.attempts, op.at, op.at,
             json.dumps(op.meta, ensure_ascii=False, default=str)))

    def _clear_failures(self, url_keys: list[str]) -> None:
        self.db.executemany("DELETE FROM failed_urls WHERE url_key = ?",
                            [(key,) for key in url_keys])

    def _load(self, doc_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT doc FROM articles WHERE id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def _upsert(self, doc: dict[str, Any]) -> None:
        existing = self._load(doc["id"])
        if existing:
            doc = merge_documents(existing, doc)
        self._save(doc, existing)
        self._clear_failures(doc["url_keys"])
        bands = (doc.get("fingerprint") or {}).get("bands", ())
        self.db.executemany("INSERT OR IGNORE INTO article_bands (band, article_id) VALUES (?, ?)",
                            [(band, doc["id"]) for band in bands])

    def _save(self, doc: dict[str, Any], previous: dict[str, Any] | None) -> None:
        """Write ``doc`` over ``previous`` (the stored version, None for a new story), with
        its URLs and its search and reporter index entries."""
        self.db.execute(
            "INSERT INTO articles (id, site, url, content_hash, published_at, region_code,"
            " first_seen_at, updated_at, duplicate_of, doc)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET site = excluded.site, url = excluded.url,"
            " content_hash = excluded.content_hash, published_at = excluded.published_at,"
            " region_code = excluded.region_code, updated_at = excluded.updated_at,"
            " duplicate_of = excluded.duplicate_of, doc = excluded.doc",
            (doc["id"], doc["site"], doc["url"], doc["content_hash"], doc["published_at"],
             (doc.get("region") or {}).get("code"), doc["first_seen_at"], doc["updated_at"],
             doc.get("duplicate_of"), json.dumps(doc, ensure_ascii=False)))
        self.db.executemany(
            "INSERT INTO article_urls (url_key, article_id) VALUES (?, ?)"
            " ON CONFLICT (url_key) DO NOTHING", [(key, doc["id"]) for key in doc["url_keys"]])
        index_document(self.db, doc, previous)

    def iter_articles(self, query: ArticleQuery | None = None) -> Iterator[dict[str, Any]]:
        query = query or ArticleQuery()
        where, params = [], []
        for clause, value in (("site = ?", query.site), ("region_code = ?", query.region),
                              ("published_at >= ?", query.since),
                              ("substr(published_at, 1, 10) <= ?", query.until)):
            if value:
                where.append(clause)
                params.append(value)
        sql = "SELECT doc FROM articles" + (" WHERE " + " AND ".join(where) if where else "")
        for (raw,) in self.db.execute(sql + " ORDER BY first_seen_at, id", params):
            yield public(json.loads(raw))

    def _start_run(self, run: dict[str, Any]) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO crawl_runs (site, started_at, run_id, status, heartbeat_at, run)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (run["site"], run["started_at"], run["run_id"], run.get("status"),
                 run.get("heartbeat_at"), json.dumps(run, ensure_ascii=False, default=str)))

    def _update_run(self, run_id: str, fields: dict[str, Any]) -> None:
        with self.db:
            row = self.db.execute("SELECT run FROM crawl_runs WHERE run_id = ?",
                                  (run_id,)).fetchone()
            if row is None:
                return
            run = {**json.loads(row[0]), **fields}
            self.db.execute("UPDATE crawl_runs SET status = ?, heartbeat_at = ?, run = ?"
                            " WHERE run_id = ?",
                            (run.get("status"), run.get("heartbeat_at"),
                             json.dumps(run, ensure_ascii=False, default=str), run_id))

    def _iter_runs(self, limit: int, site: str | None) -> Iterator[dict[str, Any]]:
        sql = "SELECT run FROM crawl_runs" + (" WHERE site = ?" if site else "")
        rows = self.db.execute(sql + " ORDER BY started_at DESC, id DESC LIMIT ?",
                               (*([site] if site else []), limit)).fetchall()
        for (raw,) in rows:
            yield json.loads(raw)

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def sites(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT site FROM articles"
                                                  " ORDER BY site")]

    def _close(self) -> None:
        self.db.close()
