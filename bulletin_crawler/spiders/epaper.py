"""E-paper spiders: for each issue day, the start layout page, every edition it links to, and
every article on each edition, once (``?div=`` stripped; Scrapy's duplicate filter does the rest).
A missing issue is a 404 and only counted. One class per family, differing in link rules.

Re-crawls cost little: a day walked to the end is recorded in the store and not walked again,
and article pages already stored are not requested, except within ``refresh_days`` of today
(late corrections) or with ``--full``. A day counts as walked only when every one of its pages
has been fetched and every article has left the item pipelines (stored, or merged as a
duplicate); its mark is queued in the store's write buffer *behind* those articles, so a crawl
killed at any moment never leaves a day recorded whose articles were not written. A page that
failed keeps its day open (the next run walks it again) until its attempts are used up. Which
pages of a day are open is the day tracker's business (:mod:`bulletin_crawler.frontier.days`):
in this process, or counted by the shared frontier when many workers split the days.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy
from scrapy import signals

from bulletin_crawler.contract import Article
from bulletin_crawler.extraction import epaper
from bulletin_crawler.extraction.dates import today_shanghai
from bulletin_crawler.frontier.days import DayTracker, LocalDayTracker, day_tracker
from bulletin_crawler.pipelines.store_client import store_client
from bulletin_crawler.pipelines.validate import ArticleRejected
from bulletin_crawler.spiders.base import SiteSpider
from bulletin_crawler.spiders.limits import Limits

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from twisted.python.failure import Failure
    from typing_extensions import Self

DEFAULT_REFRESH_DAYS = 2  # today and yesterday are walked again for corrections


class EpaperSpider(SiteSpider):
    rules: ClassVar[epaper.LayoutRules]
    refused_is_lost = frozenset({"layout", "article"})  # found by the layout rules' URL forms

    def __init__(self, *args: Any, refresh_days: str | int = DEFAULT_REFRESH_DAYS,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.refresh_from = today_shanghai() - timedelta(days=int(refresh_days) - 1)
        self.day_tracker: DayTracker = LocalDayTracker(self.day_complete)
        self.walked: set[date] = set()
        self.limits = Limits()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.limits = Limits.from_settings(crawler.settings)
        spider.day_tracker = day_tracker(crawler, spider.day_complete)
        crawler.signals.connect(spider.item_done, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_done, signal=signals.item_dropped)
        crawler.signals.connect(spider.item_done, signal=signals.item_error)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        client = store_client(self.crawler)
        await self.load_failures()
        done = set() if self.full else await client.call(client.store.completed_days,
                                                          self.site.key)
        for day in self.days():
            if day.isoformat() in done and day < self.refresh_from:
                self.crawler.stats.inc_value("bulletin/days_skipped_complete")
                continue
            self.walked.add(day)
        self.crawler.stats.set_value("bulletin/days_walked", len(self.walked))
        for request in self.retry_requests():
            yield request
        for day in sorted(self.walked):
            for url in self.site.start_urls_for(day):
                yield self.page_request(self.fetch_url(url), day, self.parse_layout, "layout",
                                        handle_httpstatus_list=[404])

    def retry_requests(self) -> Iterator[scrapy.Request]:
        """Articles that failed in earlier runs, on days this run does not walk (a walked day
        finds them again by itself)."""
        for failure in self.retries:
            day = failure["meta"].get("issue_day")
            if failure["kind"] != "article" or (day and date.fromisoformat(day) in self.walked):
                continue
            self.crawler.stats.inc_value("bulletin/failed_urls/retried")
            request = self.request(self.fetch_url(failure["url"]), self.parse_article, "article",
                                   meta={"retry_of": failure["reason"]})
            request.cb_kwargs["edition"] = failure["meta"].get("edition")
            yield request

    def page_request(self, url: str, day: date, callback: Any, kind: str, **meta: Any
                     ) -> scrapy.Request:
        """A request of one issue day; the day is finished when none of its pages is open."""
        self.day_tracker.opened(day, url)
        return self.request(url, callback, kind, meta={"issue_day": day, "tracked_url": url,
                                                       **meta})

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
        try:
            layout = epaper.parse_layout(self.page_text(response), response.url, self.rules)
        except Exception as error:
            self.crawler.stats.inc_value("bulletin/layout_pages_failed")
            self.crawler.stats.inc_value("bulletin/parse_errors")
            if not self.page_failed(response.request, "parse_error", str(error)):
                self.day_tracker.failed(day)
            return []
        self.crawler.stats.inc_value("bulletin/layout_pages")
        if self.article_key(response.url) in self.attempts:
            self.settled(response.url)
        editions = self.limits.links(self, [url for url, _edition in layout.editions],
                                     response.url)
        articles = self.limits.links(self, layout.articles, response.url)
        if len(editions) + len(articles) < len(layout.editions) + len(layout.articles):
            self.day_tracker.failed(day)  # capped: the day is walked again next time
        requests = [self.page_request(url, day, self.parse_layout, "layout",
                                      handle_httpstatus_list=[404])
                    for url in editions if not self.day_tracker.requested(day, url)]
        recheck = day >= self.refresh_from
        known = set() if recheck else await self.known(articles)
        for url in self.skip_given_up(articles):
            if self.day_tracker.requested(day, url):
                continue
            if self.article_key(url) in known:
                self.crawler.stats.inc_value("bulletin/skipped_known")
                continue
            request = self.page_request(url, day, self.parse_article, "article",
                                        edition=layout.edition)
            request.cb_kwargs["edition"] = layout.edition
            requests.append(request)
        if not self.limits.room_for(self, len(requests)):
            self.day_tracker.failed(day)
            return []
        return requests

    def parse_article(self, response: Response, edition: dict[str, Any] | None = None
                      ) -> Iterator[Article]:
        extracted = self.extract(response)
        if extracted is None:  # counted and remembered; the day stays open unless given up
            self.page_done(response.meta, failed=not self.gave_up(response.url))
            return
        extracted.edition = extracted.edition or edition
        yield self.article(extracted, response)  # the page is done when its item is

    def item_done(self, item: Any, response: Response | None = None, **_signal: Any) -> None:
        """The article of a page left the pipelines (stored, merged, rejected or failed)."""
        if response is not None and "issue_day" in response.meta:
            rejected = bool(_signal.get("failure")) or isinstance(_signal.get("exception"),
                                                                  ArticleRejected)
            self.page_done(response.meta, failed=rejected and not self.gave_up(response.url))

    def request_failed(self, failure: Failure) -> None:
        lost = self.record_loss(failure)
        request: Request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        if "issue_day" in meta:
            url = meta.get("tracked_url", request.url)
            self.page_done(meta, failed=lost and not self.gave_up(url))

    def page_done(self, meta: dict[str, Any], failed: bool = False) -> None:
        """A page of a day is done; a failed one keeps its day open."""
        self.day_tracker.done(meta["issue_day"], meta["tracked_url"], failed)

    def day_complete(self, day: date) -> None:
        """Every page of ``day`` is done and none failed: the day is recorded as walked, behind
        its articles in the store's write buffer."""
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
