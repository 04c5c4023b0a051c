"""Workers stop by themselves: scrapy-redis never lets an idle spider close unless told, and
Scrapy would close a worker the moment the shared queue is empty, while other workers may
still be fetching pages that add requests to it.

A worker that runs out of work stays until the frontier has been *empty* — nothing queued,
nothing taken by any worker, its own acknowledgements sent — for ``BULLETIN_FRONTIER_IDLE_CLOSE``
seconds without a break, then closes as ``finished``. Requests a dead worker held count as
taken until its lease lapses and they go back to the queue, so the survivors wait for them.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from bulletin_crawler.frontier.scheduler import frontier_scheduler

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self


class FrontierIdleClose:
    def __init__(self, crawler: Crawler, idle_close: float):
        self.crawler = crawler
        self.idle_close = idle_close
        self.empty_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("BULLETIN_FRONTIER"):
            raise NotConfigured
        extension = cls(crawler, crawler.settings.getfloat("BULLETIN_FRONTIER_IDLE_CLOSE", 10.0))
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        return extension

    def spider_idle(self, spider: Spider) -> None:
        scheduler = frontier_scheduler(self.crawler)
        scheduler.ack_soon()
        outstanding = scheduler.outstanding()
        if outstanding is None:  # the frontier failed: the worker is closing already
            return
        now = time.monotonic()
        if outstanding:
            self.empty_since = None
        elif self.empty_since is None:
            self.empty_since = now
        if self.empty_since is None or now - self.empty_since < self.idle_close:
            raise DontCloseSpider
        self.crawler.stats.set_value("bulletin/frontier/idle_closed", 1)
