"""Second pipeline: an item without a title or a body never reaches the store."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from bulletin_crawler.contract import KINDS

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self


class ValidatePipeline:
    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        problem = _problem(adapter)
        if problem:
            self.stats.inc_value("bulletin/articles_dropped")
            self.stats.inc_value(f"bulletin/dropped/{problem.replace(' ', '_')}")
            raise DropItem(f"{problem}: {adapter.get('url')}", log_level=logging.WARNING)
        return item


def _problem(adapter: ItemAdapter) -> str | None:
    if not (adapter.get("title") or "").strip():
        return "no title"
    if not (adapter.get("body") or "").strip():
        return "no body"
    if adapter.get("kind") not in KINDS:
        return "bad kind"
    if not str(adapter.get("url") or "").startswith(("http://", "https://")):
        return "bad url"
    return None
