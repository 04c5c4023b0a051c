"""``bulletin runs``: the recent crawls recorded in the store, as a table."""

from __future__ import annotations

import argparse
import os

from bulletin_crawler.stores import DEFAULT_STORE_URI, STORE_ENV, open_store

COLUMNS = ("started_at", "site", "finish_reason", "pages", "stored", "duplicates",
           "near_copies", "dropped", "errors", "waiting")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("runs", help="recent crawls, newest first")
    parser.add_argument("--store", default=os.environ.get(STORE_ENV, DEFAULT_STORE_URI))
    parser.add_argument("--site", help="only this site's crawls")
    parser.add_argument("-n", "--limit", type=int, default=20)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    try:
        rows = [[str(run.get(name, run.get("figures", {}).get(name, ""))) for name in COLUMNS]
                for run in store.iter_runs(args.limit, args.site)]
    finally:
        store.close()
    table = [[name.replace("_", " ") for name in COLUMNS], *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0
