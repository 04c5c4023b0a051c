"""``bulletin export``: stream stored documents as JSON Lines or CSV."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from typing import IO, Any

from bulletin_crawler.contract import ARTICLE_FIELDS
from bulletin_crawler.stores import DEFAULT_STORE_URI, STORE_ENV, open_store


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("export", help="write stored articles as JSON Lines or CSV")
    parser.add_argument("--store", default=os.environ.get(STORE_ENV, DEFAULT_STORE_URI))
    parser.add_argument("--site", help="only this site's articles")
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    out: IO[str] = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        write = _write_csv if args.format == "csv" else _write_jsonl
        count = write(store.iter_articles(site=args.site), out)
    finally:
        store.close()
        if args.output:
            out.close()
    print(f"exported {count} articles", file=sys.stderr)
    return 0


def _write_jsonl(docs: Any, out: IO[str]) -> int:
    count = 0
    for count, doc in enumerate(docs, 1):  # noqa: B007 - the last value is the count
        out.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    return count


def _write_csv(docs: Any, out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=list(ARTICLE_FIELDS), extrasaction="ignore")
    writer.writeheader()
    count = 0
    for count, doc in enumerate(docs, 1):  # noqa: B007 - the last value is the count
        writer.writerow({name: _cell(doc.get(name)) for name in ARTICLE_FIELDS})
    return count


def _cell(value: Any) -> Any:
    """Lists of names joined with ';', nested values as JSON: one flat row per article."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
