"""When an e-paper issue day is walked to the end, in one process or across many.

An e-paper spider asks its day tracker before it requests a page of a day, tells it when the
page is done (its article left the item pipelines, or it failed), and gets called back when a
day is complete; it then queues the day's mark in the store's write buffer. A day with a page
that failed (and still has attempts left) or with links left out by a bound is never complete:
the next run walks it again.

- :class:`LocalDayTracker` — one process: each day's open pages in memory. The mark is queued
  behind the day's articles in this process's write buffer, so a killed crawl never leaves a
  day marked whose articles were not written.
- :class:`SharedDayTracker` — workers on one frontier: a day's pages are made by one worker and
  fetched by others, so the frontier counts them (+1 when a request of the day is queued, -1
  when it is acknowledged, which happens only after its worker flushed the store). The worker
  whose acknowledgement brings a day to zero gets the callback: every article of the day, from
  every worker, is then already in the store, and the mark goes behind them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

DAY_META = "issue_day"  # the request meta that ties an e-paper page to its issue day

#: Sent by the frontier's scheduler with ``days`` (ISO dates) that this worker completed.
days_completed = object()


def day_of(request: Request) -> str:
    """The issue day a request belongs to, as an ISO date; "" for requests of no day."""
    day = request.meta.get(DAY_META)
    return day.isoformat() if isinstance(day, date) else ""


class DayTracker(ABC):
    def __init__(self, complete: Callable[[date], None]):
        self.complete = complete

    @abstractmethod
    def requested(self, day: date, url: str) -> bool:
        """Whether this page of ``day`` was requested already (and need not be again)."""

    @abstractmethod
    def opened(self, day: date, url: str) -> None:
        """A request for this page of ``day`` is being made."""

    @abstractmethod
    def failed(self, day: date) -> None:
        """``day`` must be walked again by the next run (a page failed, links were capped)."""

    def done(self, day: date, url: str, failed: bool = False) -> None:
        """The page is done: its article left the pipelines, it had none, or it failed."""
        if failed:
            self.failed(day)


class LocalDayTracker(DayTracker):
    """Each day's requested and open pages in this process (dropped when the day is over, so
    memory stays flat however many days a crawl walks)."""

    def __init__(self, complete: Callable[[date], None]):
        super().__init__(complete)
        self.seen: dict[date, set[str]] = {}
        self.open: dict[date, set[str]] = {}
        self.failed_days: set[date] = set()

    def requested(self, day: date, url: str) -> bool:
        return url in self.seen.get(day, ())

    def opened(self, day: date, url: str) -> None:
        self.seen.setdefault(day, set()).add(url)
        self.open.setdefault(day, set()).add(url)

    def failed(self, day: date) -> None:
        self.failed_days.add(day)

    def done(self, day: date, url: str, failed: bool = False) -> None:
        super().done(day, url, failed)
        if day not in self.open:
            return
        self.open[day].discard(url)
        if self.open[day]:
            return
        del self.open[day]
        self.seen.pop(day, None)
        if day not in self.failed_days:
            self.complete(day)


class SharedDayTracker(DayTracker):
    """Days counted by the frontier (:mod:`.queue`); a duplicate page is dropped there."""

    def __init__(self, crawler: Crawler, complete: Callable[[date], None]):
        super().__init__(complete)
        self.crawler = crawler
        crawler.signals.connect(self.days_completed, signal=days_completed)

    def requested(self, day: date, url: str) -> bool:
        return False  # the frontier's seen-set decides, for every worker at once

    def opened(self, day: date, url: str) -> None:
        """Counted when the frontier queues it."""

    def failed(self, day: date) -> None:
        from bulletin_crawler.frontier.scheduler import frontier_scheduler

        frontier_scheduler(self.crawler).fail_day(day.isoformat())

    def days_completed(self, days: list[str]) -> None:
        for day in days:
            self.complete(date.fromisoformat(day))


def day_tracker(crawler: Crawler, complete: Callable[[date], None]) -> DayTracker:
    """The shared tracker when the crawl runs on a frontier (``BULLETIN_FRONTIER``), else the
    in-process one."""
    if crawler.settings.get("BULLETIN_FRONTIER"):
        return SharedDayTracker(crawler, complete)
    return LocalDayTracker(complete)
