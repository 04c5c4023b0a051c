"""Run one site's crawl in this process and say how it went: what ``bulletin crawl``, the demo,
the scheduler's local executor and Scrapyd jobs share.

Everything that can be checked before the reactor starts is checked here — the site, the
dates, the store URI, the settings — so bad input is one clear line and exit status 2, never a
traceback from inside the crawl.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin_crawler.pipelines.store_client import StoreClient
from bulletin_crawler.stores import open_store
from bulletin_crawler.stores.base import short_error

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class CrawlInputError(ValueError):
    """The crawl cannot start as asked; the message says what is expected."""


@dataclass
class CrawlResult:
    stats: dict[str, Any]
    store_uri: str
    status: str = "failed"
    reasons: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.status == "ok" else EXIT_FAILED


def parse_settings(pairs: list[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs of ``-s``; a pair without ``=`` or a lower-case name is an error."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CrawlInputError(f"-s {pair!r}: expected NAME=VALUE, e.g. -s DOWNLOAD_DELAY=2")
        if not name.strip().isupper():
            raise CrawlInputError(f"-s {pair!r}: setting names are upper case, "
                                  "e.g. -s CONCURRENT_REQUESTS=4")
        settings[name.strip()] = value
    return settings


def project_settings(store: str | None = None, sites: str | None = None,
                     overrides: dict[str, Any] | None = None, frontier: str | None = None
                     ) -> Any:
    """The project's Scrapy settings with the command line's choices on top."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "bulletin_crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    if store:
        settings.set("BULLETIN_STORE", store, priority="cmdline")
    if sites:
        settings.set("BULLETIN_SITES", sites, priority="cmdline")
    if frontier:
        settings.set("BULLETIN_FRONTIER", frontier, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def run_crawl(key: str, spider_args: dict[str, Any], settings: Any) -> CrawlResult:
    """Crawl site ``key``; raises :class:`CrawlInputError` (or ``StoreError``) before anything
    starts when the input is wrong."""
    from scrapy.crawler import CrawlerProcess

    from bulletin_crawler.sites import load_registry
    from bulletin_crawler.spiders.loader import spider_class

    try:
        spidercls = spider_class(load_registry(settings.get("BULLETIN_SITES") or None).site(key))
    except KeyError as error:
        raise CrawlInputError(error.args[0]) from None
    try:
        spidercls(**spider_args)  # bad dates fail here, before the reactor starts
    except (TypeError, ValueError) as error:
        raise CrawlInputError(str(error)) from None
    check_frontier(settings.get("BULLETIN_FRONTIER"))
    uri = settings.get("BULLETIN_STORE")
    journal = settings.get("BULLETIN_JOURNAL_DIR")
    store = open_store(uri, batch_size=settings.getint("BULLETIN_STORE_BATCH_SIZE"),
                       journal_dir=Path(journal) if journal else None,
                       server_timeout_ms=settings.getint("BULLETIN_MONGO_TIMEOUT_MS"))
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spidercls)
    crawler._bulletin_store_client = StoreClient(store)  # type: ignore[attr-defined]
    process.crawl(crawler, **spider_args)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    status = stats.get("bulletin/status") or ("ok" if stats.get("finish_reason") == "finished"
                                              else "failed")
    reasons = list(stats.get("bulletin/failure_reasons") or [])
    if status != "ok" and not reasons:
        reasons = [f"finish reason {stats.get('finish_reason', 'did not start')}"]
    return CrawlResult(stats, uri, status, reasons)


def check_frontier(uri: str | None) -> None:
    """A malformed frontier URI is bad input; a Redis that does not answer is reported like an
    unreachable store (``FrontierUnavailable``)."""
    if not uri:
        return
    from bulletin_crawler.frontier.uri import check_reachable, check_uri

    try:
        check_uri(uri)
    except ValueError as error:
        raise CrawlInputError(str(error)) from None
    check_reachable(uri)


def count_documents(uri: str) -> str:
    """``N documents`` in the store now; a courtesy, so a database that is down just says so."""
    try:
        store = open_store(uri, server_timeout_ms=1000, create=False)
    except Exception as error:
        return f"document count unavailable: {short_error(error)}"
    try:
        return f"{store.count()} documents"
    except Exception as error:
        return f"document count unavailable: {short_error(error)}"
    finally:
        store.close()
