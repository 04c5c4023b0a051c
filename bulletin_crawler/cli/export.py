"""``bulletin export``: stream stored documents as JSON Lines, CSV or Parquet, in constant memory;
``--schema`` prints every field's type and CSV columns."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import IO

from bulletin_crawler.cli.table import print_table
from bulletin_crawler.exports import FORMATS, write
from bulletin_crawler.exports.schema import describe
from bulletin_crawler.sites import load_registry
from bulletin_crawler.stores import DEFAULT_STORE_URI, STORE_ENV, open_store
from bulletin_crawler.stores.base import ArticleQuery


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("export", help="write stored articles as JSON Lines, CSV or "
                                                "Parquet")
    parser.add_argument("--store", default=os.environ.get(STORE_ENV, DEFAULT_STORE_URI),
                        help="store URI (default $BULLETIN_STORE, else the embedded store)")
    parser.add_argument("--site", help="only this site's articles")
    parser.add_argument("--since", type=_day, help="published on or after this day")
    parser.add_argument("--until", type=_day, help="published on or before this day")
    parser.add_argument("--region", help="only this 6-digit division code")
    parser.add_argument("--format", choices=FORMATS, default="jsonl",
                        help="output format (default jsonl)")
    parser.add_argument("-o", "--output", help="file to write (default: standard output; "
                                               "required for parquet)")
    parser.add_argument("--excel", action=argparse.BooleanOptionalAction, default=None,
                        help="CSV: start with a UTF-8 byte order mark so Excel reads Chinese "
                             "(default: on for -o FILE.csv, off on standard output)")
    parser.add_argument("--schema", action="store_true",
                        help="print every field's type, nullability and CSV columns, and exit")
    parser.set_defaults(run=run)


def _day(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2020-11-30") from None


def run(args: argparse.Namespace) -> int:
    if args.schema:
        print_table([("field", "type", "null", "CSV columns"), *describe()])
        return 0
    problem = _output_problem(args)
    if problem:
        print(f"bulletin export: {problem}", file=sys.stderr)
        return 2
    store = open_store(args.store, create=False, server_timeout_ms=3000)
    try:
        if args.site and args.site not in (known := store.sites()):
            registered = set(load_registry().sites)
            print(f"bulletin export: no articles of site {args.site!r} in this store; sites "
                  f"in it: {', '.join(sorted(known)) or 'none'}"
                  + (f" (registered: {', '.join(sorted(registered - set(known)))})"
                     if registered - set(known) else ""), file=sys.stderr)
            return 2
        docs = store.iter_articles(ArticleQuery(site=args.site, since=args.since,
                                                until=args.until, region=args.region))
        if args.format == "parquet":
            count = write(docs, "parquet", args.output)
        else:
            excel = args.excel if args.excel is not None else bool(
                args.output and args.output.lower().endswith(".csv"))
            with _output(args.output) as out:
                count = write(docs, args.format, out, excel=excel and args.format == "csv")
    except BrokenPipeError:
        raise
    except OSError as error:
        print(f"bulletin export: cannot write {args.output or 'standard output'}: "
              f"{error.strerror or error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"exported {count} articles", file=sys.stderr)
    return 0


def _output_problem(args: argparse.Namespace) -> str | None:
    if args.format == "parquet" and not args.output:
        return "--format parquet needs -o FILE"
    if args.output and Path(args.output).is_dir():
        return f"{args.output} is a folder; -o names the file to write"
    if args.output and not Path(args.output).parent.is_dir():
        return f"{Path(args.output).parent} does not exist; create it or choose another -o"
    return None


def _output(path: str | None) -> IO[str]:
    if path:
        return open(path, "w", encoding="utf-8", newline="")
    return os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", newline="")
