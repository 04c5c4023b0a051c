"""Progress during the crawl, in the words operators ask about.

``BULLETIN_PROGRESS_DISPLAY``: ``lines`` logs a progress line every ``BULLETIN_PROGRESS_INTERVAL``
seconds (cron, CI, Scrapyd, the scheduler); ``live`` redraws one status line on the terminal
(pages, articles, duplicates, errors, rate, elapsed); ``off`` shows nothing. Both end with the
summary line.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self

logger = logging.getLogger(__name__)
LOSS_PREFIXES = (("failed", "bulletin/failed/"), ("refused", "bulletin/refused/"),
                 ("capped", "bulletin/capped/"))


def _get(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0


def summary(stats: Mapping[str, Any]) -> dict[str, int]:
    """The figures of a crawl's summary line, from its stats."""
    return {
        "pages": _get(stats, "response_received_count"),
        "stored": _get(stats, "bulletin/articles_stored"),
        "new": _get(stats, "bulletin/articles_new"),
        "updated": _get(stats, "bulletin/articles_updated"),
        "duplicates": _get(stats, "bulletin/duplicates"),
        "near_copies": _get(stats, "bulletin/near_duplicates"),
        "skipped_known": _get(stats, "bulletin/skipped_known")
        + _get(stats, "bulletin/days_skipped_complete"),
        "dropped": _get(stats, "bulletin/articles_dropped"),
        "missing_issues": _get(stats, "bulletin/issues_missing"),
        "failed": sum(value for key, value in stats.items()
                      if key.startswith("bulletin/failed/") and isinstance(value, int)),
        "errors": _get(stats, "bulletin/parse_errors") + _get(stats, "bulletin/request_errors")
        + _get(stats, "log_count/ERROR"),
        "waiting": _get(stats, "bulletin/store_waiting"),
    }


def losses(stats: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Pages that produced no article, requests refused and links left out, by reason."""
    found: dict[str, dict[str, int]] = {}
    for label, prefix in LOSS_PREFIXES:
        reasons = {key.removeprefix(prefix): value for key, value in sorted(stats.items())
                   if key.startswith(prefix) and isinstance(value, int) and value}
        if reasons:
            found[label] = reasons
    return found


def format_summary(figures: Mapping[str, int]) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in figures.items())


def format_losses(found: Mapping[str, Mapping[str, int]]) -> str:
    return "; ".join(f"{label}: " + ", ".join(f"{reason} {count}"
                                               for reason, count in reasons.items())
                     for label, reasons in found.items())


class ProgressLog:
    def __init__(self, stats: StatsCollector, interval: float, display: str = "lines"):
        self.stats = stats
        self.interval = interval
        self.display = display
        self.task: Any = None
        self.live: Any = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("BULLETIN_PROGRESS_INTERVAL")
        display = crawler.settings.get("BULLETIN_PROGRESS_DISPLAY", "lines")
        if not interval or display == "off":
            raise NotConfigured
        extension = cls(crawler.stats, interval, display)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        if self.display == "live":
            from rich.console import Console
            from rich.live import Live

            self.live = Live(self.status_line(), console=Console(file=sys.stderr),
                             refresh_per_second=2, transient=True)
            self.live.start()
            self.task = create_looping_call(self.redraw)
            self.task.start(0.5, now=False)
        else:
            self.task = create_looping_call(self.log)
            self.task.start(self.interval, now=False)

    def status_line(self) -> str:
        figures = summary(self.stats.get_stats())
        elapsed = time.monotonic() - self.started
        rate = figures["pages"] / elapsed if elapsed > 0 else 0.0
        return (f"pages {figures['pages']}  articles {figures['stored']}  duplicates "
                f"{figures['duplicates']}  failed {figures['failed']}  errors "
                f"{figures['errors']}  {rate:.1f} pages/s  {int(elapsed // 60)}:"
                f"{int(elapsed % 60):02d}")

    def redraw(self) -> None:
        self.live.update(self.status_line())

    def log(self) -> None:
        logger.info("progress: %s", format_summary(summary(self.stats.get_stats())))

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.live is not None:
            self.live.stop()
        stats = self.stats.get_stats()
        logger.info("summary: %s", format_summary(summary(stats)))
        if losses(stats):
            logger.info("losses: %s", format_losses(losses(stats)))
