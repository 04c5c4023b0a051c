"""The ``bulletin`` command: crawl, parse, export, demo, sites and the tools around them.

Bad input gets one line naming the thing and what is expected, and a non-zero exit — never a
traceback (``BULLETIN_DEBUG=1`` shows one for an unexpected error).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import traceback
from pathlib import Path

from bulletin_crawler import __version__
from bulletin_crawler.cli import (
    check,
    crawl,
    deploy,
    evaluate,
    export,
    fixtures,
    newsite,
    parse,
    runs,
    schedule,
    serve,
    sites,
    status,
)
from bulletin_crawler.extraction.html import ExtractionError
from bulletin_crawler.redaction import redact
from bulletin_crawler.sites import SiteFileError
from bulletin_crawler.sites.registry import SITES_ENV
from bulletin_crawler.stores import StoreError

EXIT_BAD_INPUT = 2
EXIT_UNEXPECTED = 70  # sysexits' EX_SOFTWARE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bulletin", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (crawl, parse, export, runs, status, schedule, deploy, serve, sites, check,
                   newsite, fixtures, evaluate):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    name = f"bulletin {args.command}"
    if problem := _sites_problem(args):
        print(f"{name}: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # `bulletin export | head`: the reader had enough
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130
    except (StoreError, SiteFileError, ExtractionError) as error:
        print(f"{name}: {redact(str(error))}", file=sys.stderr)
        return 1
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"{name}: {where}{error.strerror or error}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as error:
        print(f"{name}: the store's database failed: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        if os.environ.get("BULLETIN_DEBUG"):
            traceback.print_exc()
        print(f"{name}: unexpected error: {type(error).__name__}: {redact(str(error))[:300]} "
              "(set BULLETIN_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_UNEXPECTED


def _sites_problem(args: argparse.Namespace) -> str | None:
    """A site directory named (``--sites``, else ``$BULLETIN_SITES``) that is not there: the
    crawl would otherwise run with the built-in sites alone, or a same-named built-in one."""
    if not hasattr(args, "sites"):
        return None
    named = f"--sites {args.sites}" if args.sites else f"{SITES_ENV}={os.environ.get(SITES_ENV)}"
    directory = args.sites or os.environ.get(SITES_ENV)
    if directory and not Path(directory).is_dir():
        return f"{named}: no such directory (expected a directory of site files)"
    return None


if __name__ == "__main__":
    sys.exit(main())
