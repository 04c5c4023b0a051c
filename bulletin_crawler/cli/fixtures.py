"""``bulletin fixtures update``: record the current extraction of sites' fixture pages as their
expected output — an explicit step after reviewing ``bulletin sites --check``, never done by CI."""

from __future__ import annotations

import argparse
import sys

from bulletin_crawler.cli.sites import load_or_report
from bulletin_crawler.sites.fixtures import differences, site_fixtures, write_expected


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("fixtures", help="manage sites' fixture pages")
    actions = parser.add_subparsers(dest="action", required=True, help="what to do")
    update = actions.add_parser("update", help="rewrite expected files from the current "
                                               "extraction")
    update.add_argument("keys", nargs="*", help="only these sites (default: all)")
    update.add_argument("--sites", help="directory of extra site files (else $BULLETIN_SITES)")
    update.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    sites = load_or_report(args.sites)
    unknown = set(args.keys) - set(sites)
    if unknown:
        print(f"bulletin fixtures: unknown site(s): {', '.join(sorted(unknown))}",
              file=sys.stderr)
        return 2
    for fixture in site_fixtures(sites):
        if args.keys and fixture.site.key not in args.keys:
            continue
        changed = differences(fixture)
        write_expected(fixture)
        print(f"{'updated' if changed else 'unchanged'} {fixture.expected_path}")
        for line in changed:
            print(f"  {line}")
    return 0
