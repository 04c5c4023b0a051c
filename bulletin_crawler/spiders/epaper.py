"""E-paper spiders: for each issue day, the start layout page, every edition it links to, and
every article on each edition, once (``?div=`` stripped; Scrapy's duplicate filter does the rest).
A missing issue is a 404 and only counted. One class per family, differing in link rules."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy

from bulletin_crawler.contract import Article
from bulletin_crawler.extraction import epaper
from bulletin_crawler.spiders.base import SiteSpider

if TYPE_CHECKING:
    from scrapy.http import Response


class EpaperSpider(SiteSpider):
    rules: ClassVar[epaper.LayoutRules]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for day in self.days():
            for url in self.site.start_urls_for(day):
                yield self.layout_request(self.fetch_url(url))

    def layout_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_layout, errback=self.request_failed,
                              meta={"handle_httpstatus_list": [404]})

    def parse_layout(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status == 404:
            self.crawler.stats.inc_value("bulletin/issues_missing")
            self.logger.info("no issue at %s", response.url)
            return
        self.crawler.stats.inc_value("bulletin/layout_pages")
        try:
            layout = epaper.parse_layout(self.decoded(response).text, response.url, self.rules)
        except Exception as error:  # noqa: BLE001 - a bad page is counted, never fatal
            self.extraction_failed(response, error)
            return
        for url, _edition in layout.editions:
            yield self.layout_request(url)
        for url in layout.articles:
            yield scrapy.Request(url, callback=self.parse_article, errback=self.request_failed,
                                 cb_kwargs={"edition": layout.edition})

    def parse_article(self, response: Response, edition: dict[str, Any] | None = None
                      ) -> Iterator[Article]:
        extracted = self.extract(response, epaper_page=True)
        if extracted is None:
            return
        extracted.edition = extracted.edition or edition
        yield self.article(extracted, response)


class FounderEnpSpider(EpaperSpider):
    """``html/YYYY-MM/DD/node_N.htm`` → ``content_N.htm`` (both the table and the div skin)."""

    rules = epaper.ENP_RULES


class FounderPcSpider(EpaperSpider):
    """``pc/layout|column|col/YYYYMM/DD/node_NN.html`` → ``pc/content|con/…`` and variants."""

    rules = epaper.PC_RULES


class BmnrSpider(EpaperSpider):
    """``YYYYMMDD/html/index.htm`` → ``page_NN.htm`` → ``content_…htm``."""

    rules = epaper.BMNR_RULES
