"""Third pipeline: one document per story, across sites and runs.

The store is asked whether the page's canonical URL or its normalised text is known:
- a new story passes on with a fresh stable ``id``;
- a known URL with changed text passes on as an update of that document;
- a known URL with the same text is dropped (nothing new);
- the same text at another URL is recorded in the existing document's ``sources`` and dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from bulletin_crawler.contract import article_id, text_fingerprint
from bulletin_crawler.extraction.dates import now_iso
from bulletin_crawler.pipelines.store_client import StorePipelineBase
from bulletin_crawler.urls import url_key


class DeduplicatePipeline(StorePipelineBase):
    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        key = url_key(adapter["url"])
        content_hash = text_fingerprint(adapter["body"])
        now = now_iso()
        source = {"site": adapter["site"], "url": adapter["url"]}
        adapter["content_hash"] = content_hash
        adapter["sources"] = adapter.get("sources") or [source]
        adapter["first_seen_at"] = adapter["updated_at"] = now
        match = await self.client.call(self.client.store.match, key, content_hash)
        if match is None:
            adapter["id"] = article_id(key)
            self.stats.inc_value("bulletin/articles_new")
            return item
        if match.by == "url" and match.content_hash != content_hash:
            adapter["id"] = match.id
            self.stats.inc_value("bulletin/articles_updated")
            return item
        self.stats.inc_value("bulletin/duplicates")
        if match.by == "url":
            self.stats.inc_value("bulletin/duplicates/known_url")
            raise DropItem(f"already stored, unchanged: {adapter['url']}", log_level=logging.DEBUG)
        await self.client.call(self.client.store.add_source, match.id, source, key, now)
        self.stats.inc_value("bulletin/duplicates/same_text")
        raise DropItem(f"same text as document {match.id}, added as a source: {adapter['url']}",
                       log_level=logging.INFO)
