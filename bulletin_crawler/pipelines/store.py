"""Last pipeline: write the document to the store (buffered; flushed in batches and on close)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from bulletin_crawler.pipelines.store_client import StoreClient, store_client
from bulletin_crawler.urls import url_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self


class StorePipeline:
    def __init__(self, client: StoreClient, stats: StatsCollector):
        self.client = client
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(store_client(crawler), crawler.stats)

    async def process_item(self, item: Any) -> Any:
        doc = ItemAdapter(item).asdict()
        doc["url_keys"] = [url_key(doc["url"])]
        await self.client.call(self.client.store.upsert, doc)
        self.stats.inc_value("bulletin/articles_stored")
        return item

    async def close_spider(self) -> None:
        await self.client.close()
