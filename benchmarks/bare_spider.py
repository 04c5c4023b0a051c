"""The baseline: a bare Scrapy spider that follows the same links and yields URL + title only."""

from __future__ import annotations

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str = "", **kwargs):
        super().__init__(**kwargs)
        self.start_list = start.split(",")

    async def start(self):
        for url in self.start_list:
            yield scrapy.Request(url, callback=self.parse_layout)

    def parse_layout(self, response):
        for href in response.css("a::attr(href)").getall():
            if "node_" in href:
                yield response.follow(href, callback=self.parse_layout)
            elif "content_" in href:
                yield response.follow(href.split("?")[0], callback=self.parse_article)

    def parse_article(self, response):
        yield {"url": response.url, "title": response.css("td.font01::text").get()}
