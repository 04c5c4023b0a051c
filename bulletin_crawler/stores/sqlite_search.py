"""The embedded store's read-side indexes, kept in step with every write of a document.

- ``article_search``: a contentless FTS5 table of each document's character bigrams
  (:mod:`bulletin_crawler.stores.search`); its rowid is ``article_rows.n``, an INTEGER PRIMARY
  KEY that orders documents newest first (:func:`order_number`) — the articles table's own
  rowids follow no order and ``VACUUM`` may renumber them. Contentless keeps the
  index alone on disk (no second copy of the text); replacing a document's entry needs its old
  tokens, which are recomputed from the document being replaced. SQLite 3.40's FTS5 ``trigram``
  tokenizer finds only substrings of three or more characters, and ``contentless_delete``
  (3.43) is not there yet — bigrams answer two-character queries and longer ones alike.
- ``article_reporters``: one row per (reporter, article) for the reporter filter.
- expression indexes ordering articles newest first, alone and within a site, a region and a
  column, so a filtered page is an index range, not a sort.

An index built by another version of the tokenizer, or missing articles written by an older
release, is rebuilt when the store opens.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import datetime
from typing import Any

from bulletin_crawler.contract import SHANGHAI
from bulletin_crawler.stores.search import SEARCH_VERSION, token_stream

EPOCH = datetime(2000, 1, 1, tzinfo=SHANGHAI)
LOW_BITS = 0xFFFFFFFF
NEWEST = "ifnull(published_at, '')"
COLUMN = "json_extract(doc, '$.column')"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS article_rows (
    n INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE IF NOT EXISTS article_search
    USING fts5(grams, content='', tokenize='ascii', columnsize=0);
CREATE TABLE IF NOT EXISTS article_reporters (
    name TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (name, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS articles_newest ON articles ({NEWEST}, id);
CREATE INDEX IF NOT EXISTS articles_site_newest ON articles (site, {NEWEST}, id);
CREATE INDEX IF NOT EXISTS articles_region_newest ON articles (region_code, {NEWEST}, id);
CREATE INDEX IF NOT EXISTS articles_column_newest ON articles ({COLUMN}, {NEWEST}, id);
CREATE INDEX IF NOT EXISTS articles_site_seen ON articles (site, first_seen_at);
"""
SEARCH_TABLES = ("article_search", "article_rows", "article_reporters")


def create_tables(db: sqlite3.Connection) -> None:
    """The search tables and indexes, inside the caller's transaction."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)


def rebuild_if_stale(db: sqlite3.Connection) -> int:
    """Rebuild the search and reporter indexes when the tokenizer's version changed or
    articles are missing from them (written by an older release). Returns how many documents
    were indexed."""
    if _current(db):
        return 0
    with db:
        db.execute("BEGIN IMMEDIATE")  # one process rebuilds; the others find it done
        if _current(db):
            return 0
        db.execute("INSERT INTO article_search (article_search) VALUES ('delete-all')")
        db.execute("DELETE FROM article_rows")
        db.execute("DELETE FROM article_reporters")
        for (raw,) in db.execute("SELECT doc FROM articles"):
            index_document(db, json.loads(raw), None)
        db.execute("INSERT INTO store_meta (name, value) VALUES ('search_version', ?)"
                   " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                   (str(SEARCH_VERSION),))
    return int(db.execute("SELECT COUNT(*) FROM article_rows").fetchone()[0])


def _current(db: sqlite3.Connection) -> bool:
    version = db.execute("SELECT value FROM store_meta WHERE name = 'search_version'").fetchone()
    indexed = db.execute("SELECT COUNT(*) FROM article_rows").fetchone()[0]
    stored = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    return version == (str(SEARCH_VERSION),) and indexed == stored


def index_document(db: sqlite3.Connection, doc: dict[str, Any],
                   previous: dict[str, Any] | None) -> None:
    """Bring the search and reporter indexes from ``previous`` (the stored version, or None)
    to ``doc``, inside the caller's transaction."""
    row = db.execute("SELECT n FROM article_rows WHERE article_id = ?", (doc["id"],)).fetchone()
    tokens = token_stream(doc)
    wanted = order_number(doc.get("published_at"), doc["id"])
    if row is None:
        n = _free_number(db, wanted)
        db.execute("INSERT INTO article_rows (n, article_id) VALUES (?, ?)", (n, doc["id"]))
        db.execute("INSERT INTO article_search (rowid, grams) VALUES (?, ?)", (n, tokens))
    elif previous is not None:
        old_tokens, moved = token_stream(previous), bucket(row[0]) != bucket(wanted)
        if moved or old_tokens != tokens:
            db.execute("INSERT INTO article_search (article_search, rowid, grams)"
                       " VALUES ('delete', ?, ?)", (row[0], old_tokens))
            n = _free_number(db, wanted) if moved else row[0]
            db.execute("UPDATE article_rows SET n = ? WHERE article_id = ?", (n, doc["id"]))
            db.execute("INSERT INTO article_search (rowid, grams) VALUES (?, ?)", (n, tokens))
    reporters = set(doc.get("reporters") or ())
    if previous is None or set(previous.get("reporters") or ()) != reporters:
        db.execute("DELETE FROM article_reporters WHERE article_id = ?", (doc["id"],))
        db.executemany("INSERT INTO article_reporters (name, article_id) VALUES (?, ?)",
                       [(name, doc["id"]) for name in sorted(reporters)])


MAX_SECONDS = (1 << 31) - 1  # the bucket's bits: SQLite's rowid is a signed 64-bit integer


def order_number(published_at: str | None, doc_id: str) -> int:
    """The FTS rowid of a document: its publication second (since 2000, Asia/Shanghai; 0
    undated) in the high bits, 32 bits of its id below. FTS5 walks a term's documents by rowid,
    newest first, and stops at a page's end — a pair in every story (社区) costs one page,
    not a sort of the whole archive. Documents of one second (a *bucket*) are put in (date,
    id) order by the reader."""
    seconds = 0
    if published_at:
        seconds = int((datetime.fromisoformat(published_at) - EPOCH).total_seconds())
        seconds = min(max(1, seconds), MAX_SECONDS)  # a date past 2068 shares the last bucket
    try:
        low = int(doc_id[:8], 16)
    except ValueError:  # ids are hex; anything else still gets a stable number
        low = zlib.crc32(doc_id.encode())
    return seconds << 32 | low


def bucket(number: int) -> int:
    return number >> 32


def _free_number(db: sqlite3.Connection, wanted: int) -> int:
    """``wanted``, or the next free number below it in its bucket (two ids sharing 32 bits in
    one second)."""
    number = wanted
    while db.execute("SELECT 1 FROM article_rows WHERE n = ?", (number,)).fetchone():
        number = (number & ~LOW_BITS) | ((number - 1) & LOW_BITS)
    return number


def index_bytes(db: sqlite3.Connection) -> dict[str, int]:
    """Bytes on disk of the search index (FTS5 shadow tables and the row map), the reporter
    index, and the articles table with its own indexes (``dbstat``)."""
    rows = dict(db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
    search = sum(size for name, size in rows.items()
                 if name.startswith(("article_search", "article_rows",
                                     "sqlite_autoindex_article_rows")))
    articles = sum(size for name, size in rows.items()
                   if name == "articles" or name.startswith(("articles_",
                                                             "sqlite_autoindex_articles")))
    return {"search index": search, "reporter index": rows.get("article_reporters", 0),
            "articles (documents and their indexes)": articles}
