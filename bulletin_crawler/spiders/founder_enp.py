"""Founder ENP e-papers: ``html/YYYY-MM/DD/node_N.htm`` layout pages → ``content_N.htm`` articles.

For each issue day: the start layout page, every edition it links to, every article on each
edition (once: links are stripped of ``?div=`` and Scrapy's duplicate filter does the rest). A
missing issue is a 404 and only counted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import scrapy

from bulletin_crawler.contract import Article
from bulletin_crawler.extraction import founder
from bulletin_crawler.extraction.page import extract_html
from bulletin_crawler.spiders.base import SiteSpider

if TYPE_CHECKING:
    from scrapy.http import Response


class FounderEnpSpider(SiteSpider):
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for day in self.days():
            for url in self.site.start_urls_for(day):
                yield scrapy.Request(self.fetch_url(url), callback=self.parse_layout,
                                     errback=self.request_failed,
                                     meta={"handle_httpstatus_list": [404]})

    def parse_layout(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status == 404:
            self.crawler.stats.inc_value("bulletin/issues_missing")
            self.logger.info("no issue at %s", response.url)
            return
        self.crawler.stats.inc_value("bulletin/layout_pages")
        try:
            layout = founder.parse_layout(self.decoded(response).text, response.url)
        except Exception as error:  # noqa: BLE001 - a bad page is counted, never fatal
            self.extraction_failed(response, error)
            return
        for url, _edition in layout.editions:
            yield scrapy.Request(url, callback=self.parse_layout, errback=self.request_failed,
                                 meta={"handle_httpstatus_list": [404]})
        for url in layout.articles:
            yield scrapy.Request(url, callback=self.parse_article, errback=self.request_failed,
                                 cb_kwargs={"edition": layout.edition})

    def parse_article(self, response: Response, edition: dict[str, Any] | None = None
                      ) -> Iterator[Article]:
        self.crawler.stats.inc_value("bulletin/article_pages")
        try:
            extracted = extract_html(self.decoded(response).text, response.url,
                                     overrides=self.site.selectors)
        except Exception as error:  # noqa: BLE001 - a bad page is counted, never fatal
            self.extraction_failed(response, error)
            return
        extracted.edition = extracted.edition or edition
        yield self.article(extracted, response)
