"""BSON dates in and out: the contract's ISO strings (+08:00) become BSON dates (UTC instants)
in MongoDB and come back as the same strings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bulletin_crawler.extraction.dates import SHANGHAI
from bulletin_crawler.stores.schema import DATE_FIELDS

#: Kept in MongoDB documents for its own use, never read back.
STORE_ONLY = ("write_version", "search_grams")


def to_bson(doc: dict[str, Any], fields: Iterable[str] = DATE_FIELDS) -> dict[str, Any]:
    """ISO strings of the date fields (and of sources and revisions) → BSON dates (in place
    for the top level, returned)."""
    for name in fields:
        if isinstance(doc.get(name), str):
            doc[name] = to_datetime(doc[name])
    for nested, name in (("revisions", "updated_at"), ("sources", "published_at")):
        if doc.get(nested):  # copies: the caller's entries stay as they are
            doc[nested] = [{**entry, name: to_datetime(entry[name])}
                           if isinstance(entry.get(name), str) else entry
                           for entry in doc[nested]]
    return doc


def from_bson(doc: dict[str, Any], fields: Iterable[str] = DATE_FIELDS) -> dict[str, Any]:
    """BSON dates → the contract's ISO strings (+08:00); ``event_date`` is a plain date. The
    store's own bookkeeping (:data:`STORE_ONLY`) is left out."""
    for name in STORE_ONLY:
        doc.pop(name, None)
    for name in fields:
        if isinstance(doc.get(name), datetime):
            doc[name] = to_iso(doc[name], date_only=name == "event_date")
    for nested, name in (("revisions", "updated_at"), ("sources", "published_at")):
        for entry in doc.get(nested) or ():
            if isinstance(entry.get(name), datetime):
                entry[name] = to_iso(entry[name])
    return doc


def to_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def to_iso(value: datetime, date_only: bool = False) -> str:
    # servers give aware UTC datetimes (tz_aware=True), mongomock naive UTC ones
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(SHANGHAI)
    if date_only:
        return local.date().isoformat()
    return local.replace(microsecond=0).isoformat()


def day_start(day: str, days_after: int) -> datetime:
    return datetime.combine(date.fromisoformat(day) + timedelta(days=days_after), time(0),
                            tzinfo=SHANGHAI)
