"""Last pipeline: write the document to the store (buffered; flushed in batches and on close)."""

from __future__ import annotations

from typing import Any

from scrapy.utils.asyncio import create_looping_call

from bulletin_crawler.contract import Article
from bulletin_crawler.pipelines.store_client import StorePipelineBase
from bulletin_crawler.urls import url_key


class StorePipeline(StorePipelineBase):
    flusher: Any = None

    async def process_item(self, item: Article) -> Article:
        doc = item.to_document()
        doc["url_keys"] = sorted({place["url_key"] for place in doc["places"]}
                                 or {url_key(doc["url"])})
        await self.client.call(self.client.store.upsert, doc)
        self.stats.inc_value("bulletin/articles_stored")
        return item

    def open_spider(self) -> None:
        interval = self.crawler.settings.getfloat("BULLETIN_STORE_FLUSH_INTERVAL")
        if interval:  # buffered writes never wait longer than this
            self.flusher = create_looping_call(self.client.submit, self.client.store.flush)
            self.flusher.start(interval, now=False)

    async def close_spider(self) -> None:
        """Everything buffered is written; the store itself is closed after the crawl's record
        (:class:`~bulletin_crawler.extensions.runs.RunRecorder`)."""
        if self.flusher is not None and self.flusher.running:
            self.flusher.stop()
        await self.client.call(self.client.store.flush)
