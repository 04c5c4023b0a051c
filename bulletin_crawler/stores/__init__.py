"""Stores behind one small interface (:class:`ArticleStore`), chosen by URI.

``sqlite:///PATH`` is the embedded default; ``mongodb://HOST/DB`` stores into MongoDB.
"""

from __future__ import annotations

from pathlib import Path

from bulletin_crawler.redaction import redact
from bulletin_crawler.stores.base import ArticleStore, Match, StoreError
from bulletin_crawler.stores.journal import Journal

DEFAULT_STORE_URI = "sqlite:///data/bulletin.sqlite3"
STORE_ENV = "BULLETIN_STORE"
SCHEMES = "sqlite:///PATH, mongodb://HOST/DB or mongodb+srv://HOST/DB"

__all__ = ["DEFAULT_STORE_URI", "STORE_ENV", "ArticleStore", "Match", "StoreError",
           "open_store"]


def open_store(uri: str, batch_size: int = 200, journal_dir: Path | None = None,
               server_timeout_ms: int = 5000, create: bool = True) -> ArticleStore:
    """Open the store a URI names. Writes the database refuses go to this store's journal in
    ``journal_dir`` and are replayed when it is back. With ``create=False`` (commands that
    only read) a store that does not exist or cannot be reached is an error, not a new one.
    Raises :class:`StoreError` with a one-line message naming the store."""
    journal = Journal.for_store(journal_dir, uri) if journal_dir else None
    if uri.startswith("sqlite:///") and len(uri) > len("sqlite:///"):
        from bulletin_crawler.stores.sqlite import SQLiteStore

        return SQLiteStore(Path(uri.removeprefix("sqlite:///")), batch_size=batch_size,
                           journal=journal, create=create)
    if uri.startswith(("mongodb://", "mongodb+srv://")):
        from bulletin_crawler.stores.mongo import MongoStore

        return MongoStore(uri, batch_size=batch_size, journal=journal,
                          server_timeout_ms=server_timeout_ms, create=create)
    raise StoreError(f"unknown store URI {redact(uri)!r}: expected {SCHEMES}")

