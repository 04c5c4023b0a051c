"""``bulletin sites``: every registered site, as a table; ``--check`` validates every site file
and runs every site's fixture pages offline."""

from __future__ import annotations

import argparse
import sys

from bulletin_crawler.cli.table import print_table
from bulletin_crawler.sites import SiteConfig, load_registry
from bulletin_crawler.sites.custom import page_object_for
from bulletin_crawler.sites.fixtures import differences, site_fixtures


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("sites", help="list the registered sites")
    parser.add_argument("--sites", help="directory of extra site files (else $BULLETIN_SITES)")
    parser.add_argument("--check", action="store_true",
                        help="validate the site files and run their fixture pages offline")
    parser.set_defaults(run=run)


def load_or_report(directory: str | None) -> dict[str, SiteConfig]:
    """The usable sites, after printing which site files are wrong and why (each bad file
    disables its own site only)."""
    registry = load_registry(directory)
    for problem in registry.problems:
        print(f"bulletin: site disabled: {problem}", file=sys.stderr)
    return registry.sites


def run(args: argparse.Namespace) -> int:
    registry = load_registry(args.sites)
    for problem in registry.problems:
        print(f"bulletin sites: disabled: {problem}", file=sys.stderr)
    sites = registry.sites
    rows = [("KEY", "FAMILY", "KIND", "REGION", "SCHEDULE", "RENDER", "NAME", "START URL")]
    for site in sites.values():
        region = " ".join(filter(None, (site.region.city, site.region.district, site.region.code)))
        schedule = "daily issues" if site.kind == "epaper" else f"lists, {site.max_pages} pages"
        render = "python" if page_object_for(site.key) else "html"
        rows.append((site.key, site.family, site.kind, region, schedule, render, site.name,
                     site.start_urls[0]))
    print_table(rows, last_free=True)
    if not args.check:
        return 2 if registry.problems else 0
    fixtures = site_fixtures(sites)
    failures = [line for fixture in fixtures for line in differences(fixture)]
    for line in failures:
        print(f"FAIL {line}")
    untested = sorted(set(sites) - {fixture.site.key for fixture in fixtures})
    print(f"{len(sites)} site files valid, {len(registry.problems)} disabled; "
          f"{len(fixtures)} fixture pages, {len(failures)} differences; no fixture pages: "
          f"{', '.join(untested) or 'none'}")
    return 1 if failures or registry.problems else 0
