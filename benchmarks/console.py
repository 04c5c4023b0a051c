"""Search and page-render latency of ``bulletin serve`` on a generated archive, and the size of
its search index.

Generates N articles (the console tests' archive: four sites, 12 stories a site a day, near
copies, reposts, corrections; bodies of 3–5 paragraphs, ~300 characters) into a fresh SQLite
store — or a MongoDB database with ``--mongo URI`` (a real server; dropped first) — through the
store's own upserts, then times in this process:

- search: the first page (50) of ``/api/articles`` queries of 2, 3 and 5 characters, a common
  pair, two runs, and search within a site, each repeated;
- render: the Overview (30 and 90 days), Articles (plain and searched), an Article and a Site
  page, through the ASGI app (FastAPI's test client: server time, no network);
- a page 40 cursors deep.

Prints median and p95 in milliseconds, and the index sizes the database reports.

    python3 benchmarks/console.py --articles 100000 --keep /tmp/bench.sqlite3
    python3 benchmarks/console.py --store sqlite:////tmp/bench.sqlite3   # measure again
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' archive generator

from fastapi.testclient import TestClient

from bulletin_crawler.console import create_app
from bulletin_crawler.contract import SHANGHAI
from bulletin_crawler.sites import load_registry
from bulletin_crawler.stores import open_store
from bulletin_crawler.stores.base import ArticleStore
from tests.console.archive import documents, fill, record_runs

SEARCHES = {"2 chars (管城)": {"q": "管城"}, "3 chars (保卫战)": {"q": "保卫战"},
            "5 chars (蓝天保卫战)": {"q": "蓝天保卫战"}, "common pair (社区)": {"q": "社区"},
            "two runs (蓝天、满意)": {"q": "蓝天、满意"},
            "site + 2 chars": {"q": "街道", "site": "xihu-gov"}}
FILTERS = {"site": {"site": "xihu-gov"}, "province prefix (41)": {"region": "41"},
           "city prefix (4101)": {"region": "4101"}, "column": {"column": "政务动态"},
           "a week": {"since": "2026-01-05", "until": "2026-01-11"}}


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    call()  # warm the caches once
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def line(name: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)
    return f"{name:<28} {statistics.median(times):>8.1f} {p95:>8.1f}"


def get(client: TestClient, path: str, **params: str) -> Callable[[], object]:
    def call() -> object:
        answer = client.get(path, params=params)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])
        return answer

    return call


def deep_page(client: TestClient, depth: int) -> str:
    cursor = ""
    for _ in range(depth):
        cursor = client.get("/api/articles", params={"limit": 50, **(
            {"cursor": cursor} if cursor else {})}).json()["next_cursor"]
    return cursor


def measure(store: ArticleStore, rounds: int) -> None:
    client = TestClient(create_app(store, load_registry()))
    some = client.get("/api/articles", params={"q": "保卫战", "limit": 1}).json()["articles"][0]
    print(f"{'search (first page of 50)':<28} {'median':>8} {'p95':>8}   ms")
    everything = []
    for name, params in SEARCHES.items():
        times = timed(get(client, "/api/articles", limit="50", **params), rounds)
        everything += times
        print(line(name, times))
    print(line("all searches", everything))
    print(f"\n{'filter (first page of 50)':<28} {'median':>8} {'p95':>8}   ms")
    for name, params in FILTERS.items():
        print(line(name, timed(get(client, "/api/articles", limit="50", **params), rounds)))
    print(f"\n{'page render':<28} {'median':>8} {'p95':>8}   ms")
    pages = {"overview, 30 days": ("/", {}), "overview, 90 days": ("/", {"days": "90"}),
             "articles": ("/articles", {}), "articles, search 保卫战": ("/articles",
                                                                    {"q": "保卫战"}),
             "article": (f"/articles/{some['id']}", {}), "site": ("/sites/xihu-gov", {})}
    everything = []
    for name, (path, params) in pages.items():
        times = timed(get(client, path, **params), rounds)
        everything += times
        print(line(name, times))
    print(line("all pages", everything))
    cursor = deep_page(client, 40)
    print(line("api page 41 (cursor)", timed(get(client, "/api/articles", limit="50",
                                                  cursor=cursor), rounds)))
    print("\nindex sizes (MB):")
    for name, size in store.index_sizes().items():
        print(f"  {name:<40} {size / 2**20:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--mongo", help="mongodb://HOST/DB to measure instead (dropped first)")
    parser.add_argument("--store", help="measure this store, generated by an earlier run "
                                        "(kept with --keep), instead of generating one")
    parser.add_argument("--keep", help="generate into this SQLite file and keep it")
    args = parser.parse_args()
    if args.store:
        store = open_store(args.store, create=False)
        print(f"{store.count()} articles in {args.store}\n")
        measure(store, args.rounds)
        store.close()
        return
    with tempfile.TemporaryDirectory() as folder:
        uri = args.mongo or f"sqlite:///{args.keep or folder + '/bench.sqlite3'}"
        if args.mongo:
            from pymongo import MongoClient
            from pymongo.uri_parser import parse_uri

            MongoClient(uri).drop_database(parse_uri(uri)["database"])
        store = open_store(uri, batch_size=1000)
        now = datetime.now(SHANGHAI)
        started = time.perf_counter()
        docs = documents(args.articles, date.today())
        generated = time.perf_counter() - started
        fill(store, docs)
        record_runs(store, now)
        del docs
        print(f"{args.articles} articles in {uri.split('://')[0]}: generated in {generated:.0f} s,"
              f" stored in {time.perf_counter() - started - generated:.0f} s\n")
        measure(store, args.rounds)
        store.close()


if __name__ == "__main__":
    main()
