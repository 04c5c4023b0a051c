"""Per-article counts for the field-coverage monitor: how many articles of this crawl had a
publication time, a body, a byline.

Counted on ``item_scraped`` (stored articles) and on ``item_dropped`` for articles the validate
pipeline rejected (no title, no body, soft 404): they are extraction results too, and leaving
them out would make a site whose bodies all vanished look perfectly covered. Duplicates dropped
by the deduplicate pipeline are not counted again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured

from bulletin_crawler.pipelines.validate import ArticleRejected

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self

PREFIX = "bulletin/coverage/"
ARTICLES = PREFIX + "articles"
COVERED_FIELDS = ("published_at", "body", "reporters")


class ArticleCounter:
    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("BULLETIN_MONITOR_ENABLED"):
            raise NotConfigured
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        return extension

    def item_scraped(self, item: Any) -> None:
        self.count(item)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(exception, ArticleRejected):
            self.count(item)

    def count(self, item: Any) -> None:
        article = ItemAdapter(item)
        self.stats.inc_value(ARTICLES)
        if article.get("published_at"):
            self.stats.inc_value(PREFIX + "published_at")
        if str(article.get("body") or "").strip():
            self.stats.inc_value(PREFIX + "body")
        if article.get("reporters") or article.get("authors"):
            self.stats.inc_value(PREFIX + "reporters")
