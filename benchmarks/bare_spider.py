"""The baseline: a bare Scrapy spider that follows the same links and yields URL + title only."""

from __future__ import annotations

import re

import scrapy

PAGE_LINK = re.compile(r"node_\d+\.htm|index(_\d+)?\.shtml")
ARTICLE_LINK = re.compile(r"content_\d+\.htm|/t\d{8}_\d+\.shtml")


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str = "", **kwargs):
        super().__init__(**kwargs)
        self.start_list = start.split(",")

    async def start(self):
        for url in self.start_list:
            yield scrapy.Request(url, callback=self.parse_page)

    def parse_page(self, response):
        for href in response.css("a::attr(href)").getall():
            if PAGE_LINK.search(href):
                yield response.follow(href, callback=self.parse_page)
            elif ARTICLE_LINK.search(href):
                yield response.follow(href.split("?")[0], callback=self.parse_article)

    def parse_article(self, response):
        yield {"url": response.url, "title": response.css("title::text").get()}
