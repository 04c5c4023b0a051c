"""``bulletin crawl`` and ``bulletin demo``: run a site spider in this process, then summarise."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from bulletin_crawler.demo import DEMO_DIR, DEMO_SINCE, DEMO_SITE_KEY, DEMO_SITE_ROOT, DEMO_UNTIL
from bulletin_crawler.demo.server import serve_directory
from bulletin_crawler.extensions.progress import format_summary, summary
from bulletin_crawler.sites import SiteFileError
from bulletin_crawler.stores import open_store, redact

# Loopback needs no politeness; the demo and tests use these.
LOCAL_SETTINGS = {"DOWNLOAD_DELAY": 0, "DOWNLOAD_DELAY_JITTER": 0, "AUTOTHROTTLE_ENABLED": False,
                  "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    crawl = commands.add_parser("crawl", help="crawl one site into the store")
    crawl.add_argument("site", help="site key (see `bulletin sites`)")
    crawl.add_argument("--since", help="first issue day, YYYY-MM-DD (default: today, Shanghai)")
    crawl.add_argument("--until", help="last issue day, YYYY-MM-DD (default: today)")
    crawl.add_argument("--origin", help="fetch from this mirror origin; stored URLs keep the site's")
    crawl.add_argument("--full", action="store_true",
                       help="fetch known pages and page through known lists again")
    crawl.add_argument("--refresh-days", type=int, metavar="N",
                       help="e-papers: walk the last N days again for corrections (default 2)")
    _common(crawl)
    crawl.set_defaults(run=run_crawl)
    demo = commands.add_parser("demo", help="crawl the bundled sample e-paper served on 127.0.0.1")
    demo.add_argument("--store", help="store URI (default: the embedded SQLite store)")
    demo.add_argument("--loglevel", default="WARNING")
    demo.set_defaults(run=run_demo)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help="store URI: sqlite:///PATH or mongodb://HOST/DB")
    parser.add_argument("--sites", help="directory of extra site files (else $BULLETIN_SITES)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="any Scrapy setting")
    parser.add_argument("--loglevel", default="INFO")


def run_crawl(args: argparse.Namespace) -> int:
    overrides = dict(item.split("=", 1) for item in args.set)
    spider_args = {name: getattr(args, name)
                   for name in ("since", "until", "origin", "full", "refresh_days")
                   if getattr(args, name) is not None and getattr(args, name) is not False}
    return crawl_site(args.site, spider_args, store=args.store, sites=args.sites,
                      settings=overrides, loglevel=args.loglevel)


def run_demo(args: argparse.Namespace) -> int:
    with serve_directory(DEMO_SITE_ROOT) as (base_url, _requested):
        print(f"serving the sample e-paper on {base_url}")
        return crawl_site(DEMO_SITE_KEY, {"since": DEMO_SINCE, "until": DEMO_UNTIL,
                                          "origin": base_url},
                          store=args.store, sites=str(DEMO_DIR), settings=LOCAL_SETTINGS,
                          loglevel=args.loglevel)


def crawl_site(key: str, spider_args: dict[str, str], *, store: str | None, sites: str | None,
               settings: dict[str, Any], loglevel: str) -> int:
    """Run one crawl in this process; print the summary. Exit code 1 unless it finished."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "bulletin_crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    project = get_project_settings()
    if store:
        project.set("BULLETIN_STORE", store, priority="cmdline")
    if sites:
        project.set("BULLETIN_SITES", sites, priority="cmdline")
    project.setdict({"LOG_LEVEL": loglevel, **settings}, priority="cmdline")
    try:
        process = CrawlerProcess(project)
        crawler = process.create_crawler(key)
    except (SiteFileError, KeyError) as error:
        message = error.args[0] if isinstance(error, KeyError) else error
        print(f"bulletin: {message}", file=sys.stderr)
        return 2
    try:
        crawler.spidercls(**spider_args)  # bad dates fail here, before the reactor starts
    except ValueError as error:
        print(f"bulletin: {error}", file=sys.stderr)
        return 2
    process.crawl(crawler, **spider_args)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    store_uri = project.get("BULLETIN_STORE")
    print(f"summary: {format_summary(summary(stats))}")
    print(f"finish reason: {stats.get('finish_reason', 'did not start')}")
    if stats.get("finish_reason") == "finished":
        print(f"store: {redact(store_uri)} ({_count(store_uri)} documents)")
    return 0 if stats.get("finish_reason") == "finished" else 1


def _count(uri: str) -> int | str:
    """Documents in the store now; a courtesy, so a database that is down just says so."""
    try:
        store = open_store(uri, server_timeout_ms=1000)
    except Exception as error:  # noqa: BLE001
        return f"count unavailable: {type(error).__name__}"
    try:
        return store.count()
    except Exception as error:  # noqa: BLE001
        return f"count unavailable: {type(error).__name__}"
    finally:
        store.close()
