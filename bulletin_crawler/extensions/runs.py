"""One record per crawl in the store (``crawl_runs``), then the store is closed.

Runs after the item pipelines have flushed (on ``spider_closed``), so the record carries the
final figures, the finish reason and how many writes wait in the journal for the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import signals

from bulletin_crawler.extensions.progress import summary
from bulletin_crawler.extraction.dates import now_iso
from bulletin_crawler.pipelines.store_client import store_client

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

RECORDED_ARGS = ("since", "until", "origin", "full", "refresh_from")


class RunRecorder:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.started_at = now_iso()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        client = store_client(self.crawler)
        stats = self.crawler.stats
        stats.set_value("bulletin/store_waiting", await client.call(client.store.waiting))
        run = {"site": spider.name, "started_at": self.started_at, "finished_at": now_iso(),
               "finish_reason": reason, "args": _args(spider),
               "figures": summary(stats.get_stats()),
               "stats": {key: value for key, value in stats.get_stats().items()
                         if isinstance(value, (int, float, str)) and not key.startswith("log_")}}
        try:
            await client.call(client.store.record_run, run)
        except Exception as error:  # noqa: BLE001 - a down database must not lose the crawl
            spider.logger.warning("crawl record not stored: %s", error)
        await client.close()


def _args(spider: Spider) -> dict[str, Any]:
    return {name: str(getattr(spider, name)) for name in RECORDED_ARGS
            if getattr(spider, name, None) is not None}
