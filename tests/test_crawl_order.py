"""Documents do not depend on crawl order: an e-paper and two portals that repost and re-edit its
stories, crawled in every order, give the same documents (apart from when they were stored).

The fixtures: the demo paper 管城示范报; order-a reposts one of its stories naming it as 来源
and prints the 15:00 version of a story; order-b prints the 11:00 version of that story and an
uncredited same-day copy of another paper story.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from bulletin_crawler.demo import DEMO_DIR, DEMO_SITE_ROOT

from .conftest import TESTS, jsonl, run_bulletin

ORDER = TESTS / "families" / "order"
SITES = {"demo-daily": (DEMO_SITE_ROOT, DEMO_DIR), "order-a": (ORDER / "www-a", ORDER / "sites"),
         "order-b": (ORDER / "www-b", ORDER / "sites")}
STORED_WHEN = ("first_seen_at", "updated_at")


def crawl_in_order(tmp_path: Path, order: tuple[str, ...], serve) -> list[dict[str, Any]]:
    store = f"sqlite:///{tmp_path}/{'-'.join(order)}.sqlite3"
    with ExitStack() as servers:
        for key in order:
            root, sites = SITES[key]
            origin, _ = servers.enter_context(serve(root))
            run_bulletin("crawl", key, "--sites", str(sites), "--origin", origin, "--store",
                         store, "--since", "2020-11-28", "--until", "2020-11-30", "-q",
                         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                         cwd=tmp_path)
    return jsonl(run_bulletin("export", "--store", store, cwd=tmp_path).stdout)


def comparable(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Documents by id, without the times they happened to be stored at."""
    kept = {}
    for doc in docs:
        doc = {name: value for name, value in doc.items() if name not in STORED_WHEN}
        doc["revisions"] = [{k: v for k, v in r.items() if k != "updated_at"}
                            for r in doc["revisions"]]
        kept[doc["id"]] = doc
    return kept


@pytest.fixture(scope="module")
def every_order(tmp_path_factory) -> dict[tuple[str, ...], dict[str, dict[str, Any]]]:
    from bulletin_crawler.demo.server import serve_directory

    folder = tmp_path_factory.mktemp("orders")
    orders = list(itertools.permutations(SITES))
    with ThreadPoolExecutor(max_workers=3) as pool:  # each order in its own store and servers
        results = pool.map(lambda order: comparable(crawl_in_order(folder, order,
                                                                   serve_directory)), orders)
        return dict(zip(orders, results, strict=True))


def test_every_crawl_order_gives_the_same_documents(every_order):
    results = list(every_order.values())
    assert len(results) == 6 and len(results[0]) == 8
    for order, docs in every_order.items():
        assert docs == results[0], f"crawl order {' → '.join(order)} differs"


def test_a_repost_never_takes_the_papers_place(every_order):
    docs = {doc["title"]: doc for doc in next(iter(every_order.values())).values()}
    story = docs["南曹乡推进高标准农田建设"]
    assert (story["site"], story["source"], story["published_at"]) == (
        "demo-daily", "管城示范报", "2020-11-30T00:00:00+08:00")
    assert story["edition"] == {"date": "2020-11-30", "page": "01", "name": "要闻"}
    assert story["authors"] == ["刘洋"]  # the repost had none
    assert [(s["site"], s["published_at"], s["source"]) for s in story["sources"]] == [
        ("demo-daily", "2020-11-30T00:00:00+08:00", "管城示范报"),
        ("order-a", "2020-11-30T10:00:00+08:00", "管城示范报")]
    uncredited = docs["商城遗址公园迎来秋季游园高峰"]
    assert uncredited["site"] == "demo-daily" and uncredited["correspondents"] == ["姜朴"]
    assert uncredited["column"] == "新闻"  # a field only the copy had (its list page), filled in


def test_the_earliest_version_roots_its_near_copies(every_order):
    docs = next(iter(every_order.values())).values()
    versions = {doc["published_at"][11:16]: doc for doc in docs
                if doc["title"] == "管城区召开老旧小区改造推进会"}
    assert versions["11:00"]["duplicate_of"] is None
    assert versions["15:00"]["duplicate_of"] == versions["11:00"]["id"]
