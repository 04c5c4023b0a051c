"""Stores behind one small interface (:class:`ArticleStore`), chosen by URI.

``sqlite:///PATH`` is the embedded default; ``mongodb://HOST/DB`` stores into MongoDB.
"""

from __future__ import annotations

import re
from pathlib import Path

from bulletin_crawler.stores.base import ArticleStore, Match

DEFAULT_STORE_URI = "sqlite:///data/bulletin.sqlite3"
STORE_ENV = "BULLETIN_STORE"

__all__ = ["DEFAULT_STORE_URI", "STORE_ENV", "ArticleStore", "Match", "open_store", "redact"]


def open_store(uri: str, batch_size: int = 200, journal: Path | None = None,
               server_timeout_ms: int = 5000) -> ArticleStore:
    """Open the store a URI names; raises ValueError for a scheme no store handles. Writes the
    database refuses go to ``journal`` and are replayed when it is back."""
    if uri.startswith("sqlite:///"):
        from bulletin_crawler.stores.sqlite import SQLiteStore

        return SQLiteStore(Path(uri.removeprefix("sqlite:///")), batch_size=batch_size,
                           journal=journal)
    if uri.startswith(("mongodb://", "mongodb+srv://")):
        from bulletin_crawler.stores.mongo import MongoStore

        return MongoStore(uri, batch_size=batch_size, journal=journal,
                          server_timeout_ms=server_timeout_ms)
    raise ValueError(f"unknown store URI {redact(uri)!r}: use sqlite:///PATH or mongodb://HOST/DB")


def redact(uri: str) -> str:
    """The URI with any password replaced, safe to print or log."""
    return re.sub(r"(?<=://)([^:/@]+):[^@/]*@", r"\1:***@", uri)
