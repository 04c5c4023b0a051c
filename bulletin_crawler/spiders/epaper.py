"""E-paper spiders: for each issue day, the start layout page, every edition it links to, and
every article on each edition, once (``?div=`` stripped; Scrapy's duplicate filter does the rest).
A missing issue is a 404 and only counted. One class per family, differing in link rules.

Re-crawls cost little: a day walked to the end is recorded in the store and not walked again,
and article pages already stored are not requested, except within ``refresh_days`` of today
(late corrections) or with ``--full``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy

from bulletin_crawler.contract import Article
from bulletin_crawler.extraction import epaper
from bulletin_crawler.extraction.dates import today_shanghai
from bulletin_crawler.pipelines.store_client import store_client
from bulletin_crawler.spiders.base import SiteSpider

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

DEFAULT_REFRESH_DAYS = 2  # today and yesterday are walked again for corrections


class EpaperSpider(SiteSpider):
    rules: ClassVar[epaper.LayoutRules]

    def __init__(self, *args: Any, refresh_days: str | int = DEFAULT_REFRESH_DAYS,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.refresh_from = today_shanghai() - timedelta(days=int(refresh_days) - 1)
        self.seen_pages: dict[date, set[str]] = defaultdict(set)
        self.open_pages: dict[date, set[str]] = defaultdict(set)
        self.failed_days: set[date] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        client = store_client(self.crawler)
        done = set() if self.full else await client.call(client.store.completed_days,
                                                          self.site.key)
        for day in self.days():
            if day.isoformat() in done and day < self.refresh_from:
                self.crawler.stats.inc_value("bulletin/days_skipped_complete")
                continue
            for url in self.site.start_urls_for(day):
                yield self.page_request(self.fetch_url(url), day, self.parse_layout,
                                        handle_httpstatus_list=[404])

    def page_request(self, url: str, day: date, callback: Any, **meta: Any) -> scrapy.Request:
        """A request of one issue day; the day is finished when none of its pages is open."""
        self.seen_pages[day].add(url)
        self.open_pages[day].add(url)
        return scrapy.Request(url, callback=callback, errback=self.page_failed,
                              meta={"issue_day": day, "tracked_url": url, **meta})

    async def parse_layout(self, response: Response) -> AsyncIterator[scrapy.Request]:
        day = response.meta["issue_day"]
        try:
            for request in await self._layout_requests(response, day):
                yield request
        finally:
            self.page_done(response.meta)

    async def _layout_requests(self, response: Response, day: date) -> list[scrapy.Request]:
        if response.status == 404:
            self.crawler.stats.inc_value("bulletin/issues_missing")
            self.logger.info("no issue at %s", response.url)
            return []
        self.crawler.stats.inc_value("bulletin/layout_pages")
        try:
            layout = epaper.parse_layout(self.decoded(response).text, response.url, self.rules)
        except Exception as error:  # noqa: BLE001 - a bad page is counted, never fatal
            self.extraction_failed(response, error)
            self.failed_days.add(day)
            return []
        requests = [self.page_request(url, day, self.parse_layout, handle_httpstatus_list=[404])
                    for url, _edition in layout.editions
                    if url not in self.seen_pages[day]]
        recheck = day >= self.refresh_from
        known = set() if recheck else await self.known(layout.articles)
        for url in layout.articles:
            if url in self.seen_pages[day]:
                continue
            if self.article_key(url) in known:
                self.crawler.stats.inc_value("bulletin/skipped_known")
                continue
            request = self.page_request(url, day, self.parse_article)
            request.cb_kwargs["edition"] = layout.edition
            requests.append(request)
        return requests

    def parse_article(self, response: Response, edition: dict[str, Any] | None = None
                      ) -> Iterator[Article]:
        try:
            extracted = self.extract(response)
            if extracted is None:
                self.failed_days.add(response.meta["issue_day"])
                return
            extracted.edition = extracted.edition or edition
            yield self.article(extracted, response)
        finally:
            self.page_done(response.meta)

    def page_failed(self, failure: Failure) -> None:
        self.request_failed(failure)
        meta = failure.request.meta  # type: ignore[attr-defined]
        self.failed_days.add(meta["issue_day"])
        self.page_done(meta)

    def page_done(self, meta: dict[str, Any]) -> None:
        """A day with no open page is over: its page sets are dropped (memory stays flat however
        many days a crawl walks) and, unless a page failed, the store records it complete."""
        day = meta["issue_day"]
        self.open_pages[day].discard(meta["tracked_url"])
        if self.open_pages[day]:
            return
        self.open_pages.pop(day, None)
        self.seen_pages.pop(day, None)
        if day not in self.failed_days:
            client = store_client(self.crawler)
            client.submit(client.store.mark_days, self.site.key, [day.isoformat()])
            self.crawler.stats.inc_value("bulletin/days_completed")


class FounderEnpSpider(EpaperSpider):
    """``html/YYYY-MM/DD/node_N.htm`` → ``content_N.htm`` (both the table and the div skin)."""

    rules = epaper.ENP_RULES


class FounderPcSpider(EpaperSpider):
    """``pc/layout|column|col/YYYYMM/DD/node_NN.html`` → ``pc/content|con/…`` and variants."""

    rules = epaper.PC_RULES


class BmnrSpider(EpaperSpider):
    """``YYYYMMDD/html/index.htm`` → ``page_NN.htm`` → ``content_…htm``."""

    rules = epaper.BMNR_RULES
