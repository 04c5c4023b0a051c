"""The baseline: a bare Scrapy spider that follows the same links and yields URL + title only."""

from __future__ import annotations

import re

import scrapy

PAGE_LINK = re.compile(r"node_\d+\.htm|index(_\d+)?\.shtml")
# TRS list pages write their paging links with a script: createPageHTML(count, page, name, ext)
TRS_PAGING = re.compile(r"createPageHTML\((\d+),\s*(\d+),\s*\"(\w+)\",\s*\"(\w+)\"\)")
ARTICLE_LINK = re.compile(r"content_\d+\.htm|/t\d{8}_\d+\.shtml")


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str = "", pages_file: str = "", **kwargs):
        super().__init__(**kwargs)
        self.start_list = start.split(",")
        self.pages_file = pages_file

    async def start(self):
        for url in self.start_list:
            yield scrapy.Request(url, callback=self.parse_page)

    def parse_page(self, response):
        for href in response.css("a::attr(href)").getall():
            if PAGE_LINK.search(href):
                yield response.follow(href, callback=self.parse_page)
            elif ARTICLE_LINK.search(href):
                yield response.follow(href.split("?")[0], callback=self.parse_article)
        paging = TRS_PAGING.search(response.text)
        if paging and paging.group(2) == "0":  # the first list page names every other one
            count, _, name, ext = paging.groups()
            for page in range(1, int(count)):
                yield response.follow(f"{name}_{page}.{ext}", callback=self.parse_page)

    def parse_article(self, response):
        yield {"url": response.url, "title": response.css("title::text").get()}

    def closed(self, reason):
        """The benchmark divides by the pages each side really fetched."""
        if self.pages_file:
            with open(self.pages_file, "w") as out:
                out.write(str(self.crawler.stats.get_value("response_received_count", 0)))
