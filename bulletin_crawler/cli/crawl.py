"""``bulletin crawl`` and ``bulletin demo``: run a site spider in this process, then summarise.

On a terminal the crawl is quiet: a live progress line, warnings and errors, then the summary;
Scrapy's own INFO lines come with ``--verbose``. Elsewhere (cron, CI, the scheduler) the log
keeps INFO lines and a progress line every ``BULLETIN_PROGRESS_INTERVAL`` seconds. The exit
status is 0 only when the crawl did its job (see :mod:`bulletin_crawler.extensions.outcome`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bulletin_crawler.demo import DEMO_DIR, DEMO_SINCE, DEMO_SITE_KEY, DEMO_SITE_ROOT, DEMO_UNTIL
from bulletin_crawler.demo.server import serve_directory
from bulletin_crawler.extensions.progress import format_losses, format_summary, losses, summary
from bulletin_crawler.redaction import redact
from bulletin_crawler.runner import (
    EXIT_BAD_INPUT,
    CrawlInputError,
    count_documents,
    parse_settings,
    project_settings,
    run_crawl,
)

# Loopback needs no politeness; the demo and tests use these.
LOCAL_SETTINGS = {"DOWNLOAD_DELAY": 0, "DOWNLOAD_DELAY_JITTER": 0, "AUTOTHROTTLE_ENABLED": False,
                  "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    crawl = commands.add_parser("crawl", help="crawl one site into the store")
    crawl.add_argument("site", help="site key (see `bulletin sites`)")
    crawl.add_argument("--since", help="first issue day, YYYY-MM-DD (default: today, Shanghai)")
    crawl.add_argument("--until", help="last issue day, YYYY-MM-DD (default: today)")
    crawl.add_argument("--origin", help="fetch from this mirror origin (http://HOST:PORT); "
                                        "stored URLs keep the site's own")
    crawl.add_argument("--full", action="store_true",
                       help="fetch known pages, page through known lists and retry pages "
                            "given up on")
    crawl.add_argument("--refresh-days", type=int, metavar="N",
                       help="e-papers: walk the last N days again for corrections (default 2)")
    crawl.add_argument("--frontier", metavar="redis://HOST:PORT/DB",
                       help="share the site's crawl with every worker started with the same "
                            "frontier (else $BULLETIN_FRONTIER; see docs/scaling.md)")
    common_options(crawl)
    crawl.set_defaults(run=run_crawl_command)
    demo = commands.add_parser("demo", help="crawl the bundled sample e-paper served on 127.0.0.1")
    demo.add_argument("--store", help="store URI (default: the embedded SQLite store "
                                      "./data/bulletin.sqlite3)")
    verbosity_options(demo)
    demo.set_defaults(run=run_demo)


def common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help="store URI: sqlite:///PATH or mongodb://HOST/DB "
                                        "(default $BULLETIN_STORE, else sqlite:///data/"
                                        "bulletin.sqlite3)")
    parser.add_argument("--sites", help="directory of extra site files (else $BULLETIN_SITES)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="any Scrapy or BULLETIN_* setting, e.g. -s DOWNLOAD_DELAY=2")
    verbosity_options(parser)


def verbosity_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="store_true",
                       help="show Scrapy's INFO lines (the default when not on a terminal)")
    group.add_argument("-q", "--quiet", action="store_true", help="errors and the summary only")
    group.add_argument("--loglevel", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                       help="log level (default: WARNING on a terminal, INFO otherwise)")


def output_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Log level and progress display for where the output goes."""
    terminal = sys.stderr.isatty()
    level = args.loglevel or ("ERROR" if args.quiet else "INFO" if args.verbose or not terminal
                              else "WARNING")
    display = "off" if args.quiet else "live" if terminal and level != "INFO" and level != "DEBUG" \
        else "lines"
    return {"LOG_LEVEL": level, "BULLETIN_PROGRESS_DISPLAY": display}


def run_crawl_command(args: argparse.Namespace) -> int:
    spider_args = {name: getattr(args, name)
                   for name in ("since", "until", "origin", "full", "refresh_days")
                   if getattr(args, name) is not None and getattr(args, name) is not False}
    try:
        overrides = {**output_settings(args), **parse_settings(args.set)}
    except CrawlInputError as error:
        print(f"bulletin crawl: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return crawl_and_report(args.site, spider_args, project_settings(
        args.store, args.sites, overrides, frontier=args.frontier))


def run_demo(args: argparse.Namespace) -> int:
    with serve_directory(DEMO_SITE_ROOT) as (base_url, _requested):
        print(f"serving the sample e-paper on {base_url}")
        settings = project_settings(args.store, str(DEMO_DIR),
                                    {**LOCAL_SETTINGS, **output_settings(args)})
        code = crawl_and_report(DEMO_SITE_KEY, {"since": DEMO_SINCE, "until": DEMO_UNTIL,
                                                "origin": base_url}, settings)
    if code == 0:
        print("open the console: bulletin serve --store "
              f"{redact(settings.get('BULLETIN_STORE'))}")
    return code


def crawl_and_report(key: str, spider_args: dict[str, Any], settings: Any) -> int:
    """Run the crawl; print its summary, status and store. Exit code: 0 ok, 1 failed, 2 bad
    input."""
    try:
        result = run_crawl(key, spider_args, settings)
    except CrawlInputError as error:
        print(f"bulletin crawl: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"summary: {format_summary(summary(result.stats))}")
    if losses(result.stats):
        print(f"losses: {format_losses(losses(result.stats))}")
    print(f"finish reason: {result.stats.get('finish_reason', 'did not start')}")
    print(f"status: {result.status}" + (f" ({'; '.join(result.reasons)})"
                                        if result.reasons else ""))
    if result.stats.get("finish_reason") == "finished":
        print(f"store: {redact(result.store_uri)} ({count_documents(result.store_uri)})")
    return result.exit_code
