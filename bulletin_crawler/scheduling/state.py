"""The scheduler's state, kept in the store the crawls write to (its own table or collection,
its own connection): per site a **lease** (who dispatches it now, until when) and the last
cron slot dispatched; and one record per dispatch.

A lease is taken together with its slot in one atomic step (:meth:`ScheduleState.claim`), so
two schedulers — processes on one machine or on several sharing a MongoDB — never start the
same site twice at once, nor the same slot twice. The holder renews its lease while its crawl
runs; a holder that dies stops renewing and the lease expires after its time to live. Times
are seconds since the epoch on the scheduler's clock (keep the machines' clocks in sync).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from bulletin_crawler.redaction import redact
from bulletin_crawler.stores import StoreError


@dataclass(frozen=True)
class SiteState:
    site: str
    holder: str | None = None
    expires_at: float | None = None
    last_slot: float | None = None
    retry_at: float | None = None

    def held(self, now: float) -> bool:
        return self.holder is not None and (self.expires_at or 0) >= now


class ScheduleState(ABC):
    @abstractmethod
    def claim(self, site: str, slot: float, holder: str, ttl: float, now: float) -> bool:
        """Take the site's lease for ``slot`` when nobody holds it (or it expired), the slot is
        later than the last one dispatched, and no retry delay is running. Atomic."""

    @abstractmethod
    def renew(self, site: str, holder: str, ttl: float, now: float) -> bool:
        """Extend our lease; False when it is no longer ours (it expired and was taken)."""

    @abstractmethod
    def release(self, site: str, holder: str, retry: tuple[float | None, float] | None = None
                ) -> None:
        """Give the lease back. ``retry=(previous_slot, retry_at)`` after a dispatch that could
        not start: the slot is handed back, to be tried again from ``retry_at``."""

    @abstractmethod
    def states(self) -> dict[str, SiteState]:
        """Every site's state, by site."""

    @abstractmethod
    def record_dispatch(self, dispatch: dict[str, Any]) -> None:
        """Keep a new dispatch record (``id``, ``site``, ``dispatched_at`` …)."""

    @abstractmethod
    def update_dispatch(self, dispatch_id: str, fields: dict[str, Any]) -> None: ...

    @abstractmethod
    def dispatches(self, site: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Recent dispatch records, newest first."""

    @abstractmethod
    def close(self) -> None: ...


def open_state(uri: str, server_timeout_ms: int = 5000, create: bool = True) -> ScheduleState:
    """The schedule state in the store ``uri`` names: created when missing, or (``create``
    False) opened only to read."""
    if uri.startswith("sqlite:///") and len(uri) > len("sqlite:///"):
        from bulletin_crawler.scheduling.sqlite_state import SQLiteScheduleState

        return SQLiteScheduleState(uri.removeprefix("sqlite:///"), create=create)
    if uri.startswith(("mongodb://", "mongodb+srv://")):
        from bulletin_crawler.scheduling.mongo_state import MongoScheduleState

        return MongoScheduleState(uri, server_timeout_ms=server_timeout_ms, create=create)
    raise StoreError(f"unknown store URI {redact(uri)!r}: expected sqlite:///PATH or "
                     "mongodb://HOST/DB")
