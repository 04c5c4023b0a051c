"""``bulletin export``: stream stored documents as JSON Lines, CSV or Parquet, in constant memory."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import IO, Any

from bulletin_crawler.contract import ARTICLE_FIELDS
from bulletin_crawler.stores import DEFAULT_STORE_URI, STORE_ENV, open_store
from bulletin_crawler.stores.base import ArticleQuery

PARQUET_BATCH = 1000


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("export", help="write stored articles as JSON Lines, CSV or "
                                                "Parquet")
    parser.add_argument("--store", default=os.environ.get(STORE_ENV, DEFAULT_STORE_URI),
                        help="store URI (default $BULLETIN_STORE, else the embedded store)")
    parser.add_argument("--site", help="only this site's articles")
    parser.add_argument("--since", type=_day, help="published on or after this day")
    parser.add_argument("--until", type=_day, help="published on or before this day")
    parser.add_argument("--region", help="only this 6-digit division code")
    parser.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl",
                        help="output format (default jsonl)")
    parser.add_argument("-o", "--output", help="file to write (default: standard output; "
                                               "required for parquet)")
    parser.set_defaults(run=run)


def _day(value: str) -> str:
    return date.fromisoformat(value).isoformat()


def run(args: argparse.Namespace) -> int:
    if args.format == "parquet" and not args.output:
        print("bulletin export: --format parquet needs -o FILE", file=sys.stderr)
        return 2
    if args.output and Path(args.output).is_dir():
        print(f"bulletin export: {args.output} is a folder; -o names the file to write",
              file=sys.stderr)
        return 2
    if args.output and not Path(args.output).parent.is_dir():
        print(f"bulletin export: {Path(args.output).parent} does not exist; create it or "
              "choose another -o", file=sys.stderr)
        return 2
    store = open_store(args.store, create=False, server_timeout_ms=3000)
    query = ArticleQuery(site=args.site, since=args.since, until=args.until, region=args.region)
    try:
        docs = store.iter_articles(query)
        if args.format == "parquet":
            count = _write_parquet(docs, args.output)
        else:
            with _output(args.output) as out:
                count = (_write_csv if args.format == "csv" else _write_jsonl)(docs, out)
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


def _output(path: str | None) -> IO[str]:
    if path:
        return open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - returned
    return os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", newline="")


def _write_jsonl(docs: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for count, doc in enumerate(docs, 1):  # noqa: B007 - the last value is the count
        out.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    return count


def _write_csv(docs: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=list(ARTICLE_FIELDS), extrasaction="ignore")
    writer.writeheader()
    count = 0
    for count, doc in enumerate(docs, 1):  # noqa: B007 - the last value is the count
        writer.writerow({name: _cell(doc.get(name)) for name in ARTICLE_FIELDS})
    return count


def _write_parquet(docs: Iterable[dict[str, Any]], path: str) -> int:
    """Batches of rows: memory stays flat however large the store. Lists of names are lists
    of strings; other nested values (region, edition, images, sources…) JSON strings."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise SystemExit("bulletin export: parquet needs pyarrow: pip install "
                         "'bulletin-crawler[parquet]'") from None
    names = pa.list_(pa.string())
    schema = pa.schema([(name, names if name in _NAME_LISTS else
                         pa.int64() if name == "schema_version" else pa.string())
                        for name in ARTICLE_FIELDS])
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in _batches(docs):
            rows = [{name: _parquet_cell(name, doc.get(name)) for name in ARTICLE_FIELDS}
                    for doc in batch]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            count += len(rows)
    return count


_NAME_LISTS = ("authors", "reporters", "correspondents", "editors", "photographers")


def _batches(docs: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(docs)
    while batch := list(islice(iterator, PARQUET_BATCH)):
        yield batch


def _parquet_cell(name: str, value: Any) -> Any:
    if name in _NAME_LISTS or name == "schema_version" or value is None:
        return value
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _cell(value: Any) -> Any:
    """Lists of names joined with ';', nested values as JSON: one flat row per article."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
