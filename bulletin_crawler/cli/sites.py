"""``bulletin sites``: every registered site, as a table."""

from __future__ import annotations

import argparse
import sys

from bulletin_crawler.sites import SiteFileError, load_sites


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("sites", help="list the registered sites")
    parser.add_argument("--sites", help="directory of extra site files (else $BULLETIN_SITES)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        sites = load_sites(args.sites)
    except SiteFileError as error:
        print(f"bulletin: {error}", file=sys.stderr)
        return 2
    rows = [("KEY", "FAMILY", "KIND", "REGION", "NAME", "START URL")]
    for site in sites.values():
        region = " ".join(filter(None, (site.region.city, site.region.district, site.region.code)))
        rows.append((site.key, site.family, site.kind, region, site.name, site.start_urls[0]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    return 0
