"""What every site spider shares: its site file, the date range, a mirror origin, the turn of an
extraction result into a contract :class:`Article`, and the bookkeeping that loses nothing.

Every page that yields no stored article — a network error, a 5xx after retries, a page that
cannot be decoded or parsed, an item the pipelines reject — is remembered in the store's
``failed_urls`` with its reason, and retried by the next run, up to ``BULLETIN_MAX_ATTEMPTS``
attempts in all. Pages given up on are not requested again (``--full`` tries them once more).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy
from scrapy import signals
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from bulletin_crawler.contract import Article
from bulletin_crawler.extraction.charset import BadEncoding, decode_page
from bulletin_crawler.extraction.dates import now_iso, today_shanghai
from bulletin_crawler.extraction.errors import ExtractionTimeout
from bulletin_crawler.extraction.result import Extracted
from bulletin_crawler.pipelines.store_client import store_client
from bulletin_crawler.pipelines.validate import ArticleRejected
from bulletin_crawler.sites.extract import extract_for_site
from bulletin_crawler.spiders.failures import failure_reason
from bulletin_crawler.urls import origin_of, rebase, url_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from twisted.python.failure import Failure
    from typing_extensions import Self

    from bulletin_crawler.sites import SiteConfig

MAX_DAYS = 3660  # a backfill longer than ten years is a typo, not a plan


class SiteSpider(scrapy.Spider):
    """Base of the family spiders; the spider loader makes one subclass per site file."""

    site: ClassVar[SiteConfig]
    #: Page kinds whose links are the site's own pages by their form (an e-paper layout's
    #: article links): refused because of their host, they are lost pages, not other sites'.
    refused_is_lost: ClassVar[frozenset[str]] = frozenset()

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
        self.site_origin = origin_of(self.site.start_urls[0])
        self.fetch_origin = origin.rstrip("/") if origin else self.site_origin
        #: The crawl record of an interrupted run this one resumes (set when the run starts).
        self.resumed_from: dict[str, Any] | None = None
        self.attempts: dict[str, int] = {}  # url key → failed attempts so far, all runs
        self.retries: list[dict[str, Any]] = []  # failed pages to try again, from the store
        self.max_attempts = 3
        self.extraction_budget: float | None = 20.0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_attempts = crawler.settings.getint("BULLETIN_MAX_ATTEMPTS", 3)
        spider.extraction_budget = crawler.settings.getfloat("BULLETIN_EXTRACTION_BUDGET") or None
        crawler.signals.connect(spider.item_rejected, signal=signals.item_dropped)
        crawler.signals.connect(spider.item_failed, signal=signals.item_error)
        return spider

    # --- dates and addresses ---------------------------------------------------------------------
    def days(self) -> list[date]:
        """Every issue day from ``since`` to ``until``, oldest first."""
        return [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]

    def fetch_url(self, url: str) -> str:
        """The URL to request: on the mirror when ``-a origin=`` names one."""
        return rebase(url, self.site_origin, self.fetch_origin)

    def public_url(self, url: str) -> str:
        """The URL to store: the site's own address, even when fetched from a mirror."""
        return rebase(url, self.fetch_origin, self.site_origin)

    def article_key(self, url: str) -> str:
        """The store's key for a fetched URL (on the site's own origin)."""
        return url_key(self.public_url(url))

    # --- pages -------------------------------------------------------------------------------------
    def page_text(self, response: Response) -> str:
        """The page as text, read by a codec that decodes it cleanly (the site file's
        ``encoding``, the declared charset, GB18030…); raises :class:`BadEncoding`."""
        declared = (http_content_type_encoding(response.headers.get("Content-Type", b"").decode(
            "latin-1")) or html_body_declared_encoding(response.body))
        text, _codec = decode_page(response.body, declared, self.site.encoding)
        return text

    def request(self, url: str, callback: Any, kind: str, **kwargs: Any) -> scrapy.Request:
        """A request of this site; ``page_kind`` (``layout``, ``list``, ``article``) says what
        the page is to the bookkeeping and to rendering."""
        meta = {"tracked_url": url, **kwargs.pop("meta", {}), "page_kind": kind}
        return scrapy.Request(url, callback=callback, errback=self.request_failed, meta=meta,
                              **kwargs)

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

    def extract(self, response: Response) -> Extracted | None:
        """The article of a page, or None (counted, logged with its URL and remembered as a
        failure) when it has none."""
        self.crawler.stats.inc_value("bulletin/article_pages")
        try:
            extracted = extract_for_site(self.site, self.page_text(response), response.url,
                                         self.extraction_budget)
        except BadEncoding as error:
            self.crawler.stats.inc_value("bulletin/dropped/bad_encoding")
            self.page_failed(response.request, "bad_encoding", str(error))
            return None
        except ExtractionTimeout as error:
            self.crawler.stats.inc_value("bulletin/parse_errors")
            self.page_failed(response.request, "parse_timeout", str(error))
            return None
        except Exception as error:
            self.crawler.stats.inc_value("bulletin/parse_errors")
            self.page_failed(response.request, "parse_error", str(error))
            return None
        self.crawler.stats.inc_value("bulletin/articles_parsed")
        return extracted

    # --- what the store knows ------------------------------------------------------------------
    async def known(self, urls: list[str]) -> set[str]:
        """URL keys of these pages that the store already holds (none with ``--full``)."""
        if self.full or not urls:
            return set()
        client = store_client(self.crawler)
        return await client.call(client.store.known_urls, [self.article_key(url) for url in urls])

    def gave_up(self, url: str) -> bool:
        """Whether this page failed ``max_attempts`` times already (retried only with
        ``--full``)."""
        return not self.full and self.attempts.get(self.article_key(url), 0) >= self.max_attempts

    def skip_given_up(self, urls: list[str]) -> list[str]:
        kept = [url for url in urls if not self.gave_up(url)]
        if len(kept) < len(urls):
            self.crawler.stats.inc_value("bulletin/skipped_gave_up", len(urls) - len(kept))
        return kept

    async def load_failures(self) -> None:
        """Failed pages of earlier runs: their attempts, and the ones to retry first."""
        client = store_client(self.crawler)
        failures = await client.call(client.store.failures, self.site.key)
        self.attempts = {failure["url_key"]: int(failure["attempts"]) for failure in failures}
        self.retries = [failure for failure in failures
                        if self.full or failure["attempts"] < self.max_attempts]
        if self.retries:
            self.logger.info("retrying %d pages that failed before", len(self.retries))
        self.crawler.stats.set_value("bulletin/failed_urls/pending", len(self.retries))

    # --- losses, counted and remembered ------------------------------------------------------
    def page_failed(self, request: Request, reason: str, detail: str = "") -> bool:
        """Remember a page of this site that produced no article; returns whether it has now
        used up its attempts. Logged with its URL and reason — never with page text."""
        url = self.public_url(request.meta.get("tracked_url") or request.url)
        key = url_key(url)
        attempts = self.attempts.get(key, 0) + 1
        self.attempts[key] = attempts
        kind = request.meta.get("page_kind", "article")
        meta = {name: request.meta[name] for name in ("issue_day", "edition", "column",
                                                     "listed") if request.meta.get(name)}
        client = store_client(self.crawler)
        client.submit(client.store.record_failure, self.site.key, url, key, kind, reason,
                      now_iso(), {name: str(value) if isinstance(value, date) else value
                                  for name, value in meta.items()}, attempts)
        self.crawler.stats.inc_value(f"bulletin/failed/{reason}")
        exhausted = attempts >= self.max_attempts
        if exhausted:
            self.crawler.stats.inc_value("bulletin/failed_urls/gave_up")
        self.logger.warning("%s page failed (%s%s), attempt %d of %d%s: %s", kind, reason,
                            f": {detail}" if detail else "", attempts, self.max_attempts,
                            ", giving up" if exhausted else "", url)
        return exhausted

    def settled(self, url: str) -> None:
        """A page that failed before was fetched and read this time."""
        self.attempts.pop(self.article_key(url), None)
        client = store_client(self.crawler)
        client.submit(client.store.clear_failures, [self.article_key(url)])

    def request_failed(self, failure: Failure) -> None:
        """The errback of every request (it returns nothing: an errback's return value would
        be taken for its output)."""
        self.record_loss(failure)

    def record_loss(self, failure: Failure) -> bool:
        """A refused, lost or failed page, counted by reason and remembered; returns whether a
        page of the site was lost (a refused link to another host is not)."""
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = failure_reason(failure)
        kind = request.meta.get("page_kind")
        if reason.startswith("refused") and not request.meta.get("redirect_urls"):
            if kind == "article":
                self.crawler.stats.inc_value("bulletin/article_links_refused")
            if kind not in self.refused_is_lost:
                return False  # a link to another site: not lost (the guard counts it)
            detail = "a page of the site on a host it does not list: add it to allowed_hosts"
        self.crawler.stats.inc_value("bulletin/request_errors")
        if kind in ("layout", "list"):
            self.crawler.stats.inc_value(f"bulletin/{kind}_pages_failed")
        self.page_failed(request, reason, detail)
        return True

    def item_rejected(self, item: Any, response: Response, exception: Exception,
                      spider: scrapy.Spider) -> None:
        """A rejected article (soft 404, no title, no body…) is a failed page; duplicates are
        not."""
        if isinstance(exception, ArticleRejected) and response is not None:
            self.page_failed(response.request, exception.reason)

    def item_failed(self, item: Any, response: Response, failure: Failure,
                    spider: scrapy.Spider) -> None:
        if response is not None:
            self.page_failed(response.request, "pipeline_error", failure.getErrorMessage())


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{name}={value!r} is not a date like 2020-11-30") from exc

