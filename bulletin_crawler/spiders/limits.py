"""Bounds a hostile site cannot push a crawl past: links taken from one page, and requests
waiting in the scheduler. Both are settings (``BULLETIN_MAX_LINKS_PER_PAGE``,
``BULLETIN_MAX_QUEUED_REQUESTS``) a site file may override in its ``settings:``. What a bound
leaves out is counted (``bulletin/capped/…``) and logged with the page's URL, and the page's day
or column is walked again by the next run, so nothing is lost without a trace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import scrapy
    from scrapy.settings import BaseSettings
    from typing_extensions import Self


@dataclass(frozen=True)
class Limits:
    max_links: int = 500
    max_queued: int = 20_000

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings.getint("BULLETIN_MAX_LINKS_PER_PAGE", cls.max_links),
                   settings.getint("BULLETIN_MAX_QUEUED_REQUESTS", cls.max_queued))

    def links(self, spider: scrapy.Spider, urls: list[str], page: str) -> list[str]:
        """The first ``max_links`` links of a page."""
        self.left_out(spider, max(0, len(urls) - self.max_links), min(len(urls), self.max_links),
                      page)
        return urls[:self.max_links]

    def left_out(self, spider: scrapy.Spider, left: int, taken: int, page: str) -> bool:
        """Count and log the links a page had past the bound; returns whether there were."""
        if not left:
            return False
        spider.crawler.stats.inc_value("bulletin/capped/links", left)
        spider.logger.warning("took the first %d of %d links (BULLETIN_MAX_LINKS_PER_PAGE): %s",
                              taken, taken + left, page)
        return True

    def room_for(self, spider: scrapy.Spider, count: int) -> bool:
        """Whether ``count`` more requests fit in the scheduler."""
        stats = spider.crawler.stats
        scheduler = spider.crawler.engine.scheduler  # Scrapy's, or the shared frontier's
        queued = len(scheduler) if scheduler is not None else 0  # type: ignore[arg-type]
        if queued + count <= self.max_queued:
            return True
        stats.inc_value("bulletin/capped/queue", count)
        spider.logger.warning("%d requests not queued: %d already wait "
                              "(BULLETIN_MAX_QUEUED_REQUESTS)", count, queued)
        return False
