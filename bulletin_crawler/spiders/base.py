"""What every site spider shares: its site file, the date range, a mirror origin, and the
turn of an extraction result into a contract :class:`Article`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import scrapy

from bulletin_crawler.contract import Article
from bulletin_crawler.extraction.dates import today_shanghai
from bulletin_crawler.pipelines.store_client import store_client
from bulletin_crawler.sites.fixtures import extract_for_site
from bulletin_crawler.urls import url_key
from bulletin_crawler.extraction.result import Extracted

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from bulletin_crawler.sites import SiteConfig

MAX_DAYS = 3660  # a backfill longer than ten years is a typo, not a plan


class SiteSpider(scrapy.Spider):
    """Base of the family spiders; the spider loader makes one subclass per site file."""

    site: ClassVar[SiteConfig]

    def __init__(self, since: str | None = None, until: str | None = None,
                 origin: str | None = None, full: str | bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.full = str(full).lower() not in ("", "0", "false", "no")
        self.until = _parse_day(until, "until") if until else today_shanghai()
        self.since = _parse_day(since, "since") if since else self.until
        if self.since > self.until:
            raise ValueError(f"since {self.since} is after until {self.until}")
        if (self.until - self.since).days >= MAX_DAYS:
            raise ValueError(f"date range {self.since}..{self.until} is over {MAX_DAYS} days")
        self.site_origin = _origin(self.site.start_urls[0])
        self.fetch_origin = origin.rstrip("/") if origin else self.site_origin

    def days(self) -> list[date]:
        """Every issue day from ``since`` to ``until``, oldest first."""
        return [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]

    def fetch_url(self, url: str) -> str:
        """The URL to request: on the mirror when ``-a origin=`` names one."""
        return self.fetch_origin + url[len(self.site_origin):] if url.startswith(
            self.site_origin) else url

    def public_url(self, url: str) -> str:
        """The URL to store: the site's own address, even when fetched from a mirror."""
        return self.site_origin + url[len(self.fetch_origin):] if url.startswith(
            self.fetch_origin) else url

    def decoded(self, response: Response) -> Response:
        """The response read with the site file's ``encoding`` when it sets one."""
        if self.site.encoding:
            return response.replace(encoding=self.site.encoding)
        return response

    def article(self, extracted: Extracted, response: Response) -> Article:
        fields = extracted.as_fields()
        fields["images"] = [{**image, "url": self.public_url(image["url"] or "")}
                            for image in fields["images"]]
        return Article(
            url=self.public_url(extracted.url or response.url),
            site=self.site.key,
            source=fields.pop("source") or self.site.name,
            kind=self.site.kind,
            region=self.site.region.as_dict(),
            title=fields.pop("title") or "",
            body=fields.pop("body"),
            **{name: value for name, value in fields.items() if name != "url"},
        )

    async def known(self, urls: list[str]) -> set[str]:
        """URL keys of these pages that the store already holds (none with ``--full``)."""
        if self.full or not urls:
            return set()
        client = store_client(self.crawler)
        return await client.call(client.store.known_urls, [self.article_key(url) for url in urls])

    def article_key(self, url: str) -> str:
        """The store's key for a fetched URL (on the site's own origin)."""
        return url_key(self.public_url(url))

    def extract(self, response: Response) -> Extracted | None:
        """The article of a page, or None (counted and logged with its URL) when it has none."""
        self.crawler.stats.inc_value("bulletin/article_pages")
        try:
            return extract_for_site(self.site, self.decoded(response).text, response.url)
        except Exception as error:  # noqa: BLE001 - a bad page is counted, never fatal
            self.extraction_failed(response, error)
            return None

    def extraction_failed(self, response: Response, error: Exception) -> None:
        """A page that cannot be parsed is counted and logged with its URL; the crawl goes on."""
        self.crawler.stats.inc_value("bulletin/parse_errors")
        self.logger.warning("cannot extract %s: %s", response.url, error)

    def request_failed(self, failure: Failure) -> None:
        self.crawler.stats.inc_value("bulletin/request_errors")
        self.logger.warning("request failed: %s", failure.getErrorMessage())


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{name}={value!r} is not a date like 2020-11-30") from exc


def _origin(url: str) -> str:
    parts = urlsplit(url.format(date=date(2000, 1, 1)))
    return f"{parts.scheme}://{parts.netloc}"
