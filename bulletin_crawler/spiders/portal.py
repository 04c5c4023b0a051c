"""Portal spiders: a column's list pages, newest first, then each article.

Every family shares the paging rules: items dated after ``--until`` are passed over; paging stops
at the first list page on which nothing is new, i.e. every item is older than ``--since`` (the
date cutoff) or already in the store (the incremental stop, unless ``--full``), at the page count
the list announces, or at the site's ``max_pages``. Known article pages are never requested again
unless ``--full``. Families differ in their article URLs and in how page N is addressed.

The incremental stop trusts that a run before this one paged through what lies below. It does
not when that run was killed (its record is ``interrupted``) or when a list page failed: then
this run pages on to the cutoff (still skipping known articles) — a *resume*. Articles that
failed before are requested first, before any stop applies.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy

from bulletin_crawler.contract import Article
from bulletin_crawler.extraction.dates import parse_datetime
from bulletin_crawler.extraction.listing import Listing, parse_listing
from bulletin_crawler.extraction.result import Extracted
from bulletin_crawler.spiders.base import SiteSpider
from bulletin_crawler.spiders.limits import Limits

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

_NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后页|next\s*(?:page)?\s*[>»]*)\s*$", re.IGNORECASE)
_TRS_PAGES = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,"
                        r"\s*[\"']([^\"']+)[\"']")


class ListingSpider(SiteSpider):
    article_pattern: ClassVar[re.Pattern[str]]
    resume = False
    limits = Limits()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.limits = Limits.from_settings(crawler.settings)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        await self.load_failures()
        failed_lists = [failure for failure in self.retries if failure["kind"] == "list"]
        self.resume = bool(self.resumed_from or failed_lists)
        if self.resume and not self.full:
            self.logger.warning("resuming: %s; paging past known articles to the cutoff this time",
                                "the last crawl did not finish" if self.resumed_from
                                else f"{len(failed_lists)} list pages failed before")
        for failure in self.retries:
            if failure["kind"] == "article":
                self.crawler.stats.inc_value("bulletin/failed_urls/retried")
                yield self.article_request(failure["url"], failure["meta"].get("column"),
                                           parse_datetime(failure["meta"].get("listed") or ""))
        for url in self.site.start_urls:
            yield self.list_request(self.fetch_url(url), page=1, first=self.fetch_url(url))

    def list_request(self, url: str, page: int, first: str, **extra: Any) -> scrapy.Request:
        return self.request(url, self.parse_list, "list",
                            cb_kwargs={"page": page, "first": first, **extra})

    def article_request(self, url: str, column: str | None, listed: Any) -> scrapy.Request:
        return self.request(self.fetch_url(url), self.parse_article, "article",
                            cb_kwargs={"column": column, "listed": listed},
                            meta={"column": column, "listed": listed})

    async def parse_list(self, response: Response, page: int, first: str, **state: Any
                         ) -> AsyncIterator[scrapy.Request]:
        try:
            listing = parse_listing(self.page_text(response), response.url,
                                    self.site.article_pattern or self.article_pattern,
                                    limit=self.limits.max_links)
        except Exception as error:
            self.crawler.stats.inc_value("bulletin/list_pages_failed")
            self.crawler.stats.inc_value("bulletin/parse_errors")
            self.page_failed(response.request, "parse_error", str(error))
            return
        if not listing.items and page == 1:  # a column page without articles is a broken one
            self.crawler.stats.inc_value("bulletin/list_pages_failed")
            self.page_failed(response.request, "empty_list")
            return
        self.crawler.stats.inc_value("bulletin/list_pages")
        if self.article_key(response.url) in self.attempts:
            self.settled(response.url)
        column = state.get("column") or listing.column
        capped = self.limits.left_out(self, listing.left_out, len(listing.items), response.url)
        in_range = [item for item in listing.items
                    if item.published is None or self.since <= item.published <= self.until]
        known = await self.known([item.url for item in in_range])
        wanted = set(self.skip_given_up([item.url for item in in_range]))
        fresh = [item for item in in_range
                 if self.article_key(item.url) not in known and item.url in wanted]
        self.crawler.stats.inc_value("bulletin/skipped_known", len(in_range) - len(fresh))
        if not self.limits.room_for(self, len(fresh)):
            fresh, capped = [], True
        if capped:  # what was left out is paged again by the next run
            self.page_failed(response.request, "capped")
        for item in fresh:
            yield self.article_request(item.url, column, item.published)
        if self.keep_paging(listing, in_range, fresh, page):
            request = self.next_page(response, listing, page, first, **{**state, "column": column})
            if request is not None:
                yield request

    def keep_paging(self, listing: Listing, in_range: list[Any], fresh: list[Any],
                    page: int) -> bool:
        older = all(item.published is not None and item.published < self.since
                    for item in listing.items)
        if older:
            self.crawler.stats.inc_value("bulletin/paging_stopped/cutoff")
            return False
        if in_range and not fresh and not (self.full or self.resume):
            self.crawler.stats.inc_value("bulletin/paging_stopped/known")
            return False
        last = min(listing.page_count or self.site.max_pages, self.site.max_pages)
        return page < last

    def next_page(self, response: Response, listing: Listing, page: int, first: str,
                  **state: Any) -> scrapy.Request | None:
        """Page ``page + 1`` of the column; the default follows a 下一页 link."""
        for link in response.xpath("//a[@href]"):
            if not _NEXT_TEXT.match(" ".join(link.xpath(".//text()").getall())):
                continue
            target = urljoin(response.url, link.attrib["href"].strip())
            if target.startswith(("http://", "https://")):  # not a javascript: pager
                return self.list_request(target, page + 1, first, **state)
        return None

    def parse_article(self, response: Response, column: str | None = None,
                      listed: Any = None) -> Iterator[Article]:
        extracted = self.extract(response)
        if extracted is not None:
            yield self.portal_article(extracted, response, column, listed)

    def portal_article(self, extracted: Extracted, response: Response, column: str | None,
                       listed: Any) -> Article:
        extracted.column = extracted.column or column
        extracted.published_at = extracted.published_at or listed
        return self.article(extracted, response)


class TrsSpider(ListingSpider):
    """TRS WCM: ``index.shtml`` then ``index_1.shtml`` (page 2), ``index_2.shtml`` …; articles
    ``tYYYYMMDD_ID.shtml``, long ones split into ``t…_1.shtml`` … and joined here."""

    article_pattern = re.compile(r"/t20\d{6}_\d+\.s?html?$", re.IGNORECASE)

    def next_page(self, response: Response, listing: Listing, page: int, first: str,
                  **state: Any) -> scrapy.Request | None:
        base, _, extension = first.rpartition("/")[2].rpartition(".")
        if not base:  # a folder URL: TRS serves it as index.html
            base, extension = "index", "html"
        folder = first.rsplit("/", 1)[0]
        return self.list_request(f"{folder}/{base}_{page}.{extension}", page + 1, first, **state)

    def parse_article(self, response: Response, column: str | None = None, listed: Any = None,
                      parts: list[Extracted] | None = None) -> Iterator[Any]:
        extracted = self.extract(response)
        if extracted is None:
            return
        parts = [*(parts or []), extracted]
        pages = _TRS_PAGES.search(response.text)
        if pages and len(parts) < int(pages.group(1)):
            following = urljoin(response.url, f"{pages.group(3)}_{len(parts)}.{pages.group(4)}")
            yield self.request(following, self.parse_article, "article",
                               cb_kwargs={"column": column, "listed": listed, "parts": parts},
                               meta={"tracked_url": response.meta.get("tracked_url"),
                                     "column": column, "listed": listed})
            return
        whole = parts[0]
        for part in parts[1:]:
            whole.paragraphs.extend(part.paragraphs)
            whole.images.extend(part.images)
        yield self.portal_article(whole, response, column, listed)


class JhtmlSpider(ListingSpider):
    """郑州 municipal platform: ``index.jhtml`` then ``index_2.jhtml`` …; articles ``N.jhtml``."""

    article_pattern = re.compile(r"/\d+\.jhtml$", re.IGNORECASE)

    def next_page(self, response: Response, listing: Listing, page: int, first: str,
                  **state: Any) -> scrapy.Request | None:
        stem = first.rsplit(".", 1)[0]
        return self.list_request(f"{stem}_{page + 1}.jhtml", page + 1, first, **state)


class HanwebSpider(ListingSpider):
    """Hanweb jcms: ``/col/colN/index.html`` with its first page as ``<datastore>`` XML; later
    pages are POSTs to ``module/web/jpage/dataproxy.jsp``; articles ``/art/Y/M/D/art_C_ID.html``."""

    article_pattern = re.compile(r"/art/20\d{2}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", re.IGNORECASE)

    def next_page(self, response: Response, listing: Listing, page: int, first: str,
                  **state: Any) -> scrapy.Request | None:
        form = state.get("form")
        if form is None:  # on the column page: read the form fields once
            form = _hanweb_form(response.text, first)
        per_page = int(form["perpage"])
        if listing.total_records is not None and page * per_page >= listing.total_records:
            return None
        start = page * per_page + 1
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(first))
        url = (f"{origin}/module/web/jpage/dataproxy.jsp?startrecord={start}"
               f"&endrecord={start + per_page - 1}&perpage={per_page}")
        return scrapy.FormRequest(url, formdata=form, callback=self.parse_list,
                                  errback=self.request_failed,
                                  meta={"page_kind": "list", "tracked_url": url},
                                  cb_kwargs={"page": page + 1, "first": first, "form": form,
                                             "column": state.get("column")})


def _hanweb_form(html: str, first: str) -> dict[str, str]:
    """The form fields ``dataproxy.jsp`` wants, read from the column page's scripts."""

    def find(name: str, default: str) -> str:
        match = re.search(rf"{name}\s*[=:]\s*['\"]?(\w+)", html, re.IGNORECASE)
        return match.group(1) if match else default

    column = re.search(r"/col/col(\d+)/", first)
    return {"col": "1", "appid": "1", "webid": find("webid", "1"), "path": "/",
            "columnid": column.group(1) if column else find("columnid", ""),
            "sourceContentType": "1", "unitid": find("unitid", ""),
            "permissiontype": "0", "perpage": find("perpage", "15")}


class GenericSpider(ListingSpider):
    """Any list page: links that look like articles (a date or a long number in the URL, or the
    site's ``article_pattern``), paging by its 下一页 link."""

    article_pattern = re.compile(r"(?:/|_|t)20\d{2}[-/_]?\d{1,2}[-/_]?\d{1,2}[/_]|/\d{5,}\.s?html?$",
                                 re.IGNORECASE)
