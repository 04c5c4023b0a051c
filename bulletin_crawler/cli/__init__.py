"""The ``bulletin`` command: crawl, parse, export, demo, sites."""

from __future__ import annotations

import argparse
import sys

from bulletin_crawler.cli import (
    check,
    crawl,
    evaluate,
    export,
    fixtures,
    newsite,
    parse,
    runs,
    sites,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bulletin", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for module in (crawl, parse, export, runs, sites, check, newsite, fixtures, evaluate):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # `bulletin export | head`: the reader had enough
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
