"""``bulletin sites``: every registered site, as a table; ``--check`` validates every site file
and runs every site's fixture pages offline."""

from __future__ import annotations

import argparse
import sys

from bulletin_crawler.sites import SiteConfig, SiteFileError, load_sites
from bulletin_crawler.sites.custom import page_object_for
from bulletin_crawler.sites.fixtures import differences, site_fixtures


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("sites", help="list the registered sites")
    parser.add_argument("--sites", help="directory of extra site files (else $BULLETIN_SITES)")
    parser.add_argument("--check", action="store_true",
                        help="validate the site files and run their fixture pages offline")
    parser.set_defaults(run=run)


def load_or_report(directory: str | None) -> dict[str, SiteConfig] | None:
    """The registry, or None after printing which site file is wrong and why."""
    try:
        return load_sites(directory)
    except SiteFileError as error:
        print(f"bulletin: {error}", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:
    sites = load_or_report(args.sites)
    if sites is None:
        return 2
    rows = [("KEY", "FAMILY", "KIND", "REGION", "SCHEDULE", "RENDER", "NAME", "START URL")]
    for site in sites.values():
        region = " ".join(filter(None, (site.region.city, site.region.district, site.region.code)))
        schedule = "daily issues" if site.kind == "epaper" else f"lists, {site.max_pages} pages"
        render = "python" if page_object_for(site.key) else "html"
        rows.append((site.key, site.family, site.kind, region, schedule, render, site.name,
                     site.start_urls[0]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
              + "  " + row[-1])
    if not args.check:
        return 0
    fixtures = site_fixtures(sites)
    failures = [line for fixture in fixtures for line in differences(fixture)]
    for line in failures:
        print(f"FAIL {line}")
    untested = sorted(set(sites) - {fixture.site.key for fixture in fixtures})
    print(f"{len(sites)} site files valid; {len(fixtures)} fixture pages, "
          f"{len(failures)} differences; no fixture pages: {', '.join(untested) or 'none'}")
    return 1 if failures else 0
