"""A progress line during the crawl, in the words operators ask about."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self

logger = logging.getLogger(__name__)


def summary(stats: dict[str, object]) -> dict[str, int]:
    """The figures of a crawl's summary line, from its stats."""

    def get(key: str) -> int:
        value = stats.get(key, 0)
        return value if isinstance(value, int) else 0

    return {
        "pages": get("response_received_count"),
        "stored": get("bulletin/articles_stored"),
        "new": get("bulletin/articles_new"),
        "updated": get("bulletin/articles_updated"),
        "duplicates": get("bulletin/duplicates"),
        "near_copies": get("bulletin/near_duplicates"),
        "skipped_known": get("bulletin/skipped_known") + get("bulletin/days_skipped_complete"),
        "dropped": get("bulletin/articles_dropped"),
        "missing_issues": get("bulletin/issues_missing"),
        "errors": get("bulletin/parse_errors") + get("bulletin/request_errors")
        + get("log_count/ERROR"),
        "waiting": get("bulletin/store_waiting"),
    }


def format_summary(figures: dict[str, int]) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in figures.items())


class ProgressLog:
    def __init__(self, stats: StatsCollector, interval: float):
        self.stats = stats
        self.interval = interval
        self.task = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("BULLETIN_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def log(self) -> None:
        logger.info("progress: %s", format_summary(summary(self.stats.get_stats())))

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        logger.info("summary: %s", format_summary(summary(self.stats.get_stats())))
