"""Last pipeline: write the document to the store (buffered; flushed in batches and on close)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from bulletin_crawler.pipelines.store_client import StorePipelineBase
from bulletin_crawler.urls import url_key


class StorePipeline(StorePipelineBase):
    async def process_item(self, item: Any) -> Any:
        doc = ItemAdapter(item).asdict()
        doc["url_keys"] = [url_key(doc["url"])]
        await self.client.call(self.client.store.upsert, doc)
        self.stats.inc_value("bulletin/articles_stored")
        return item

    async def close_spider(self) -> None:
        await self.client.close()
