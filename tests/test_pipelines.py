"""The pipelines in order on real stores: normalise → validate → deduplicate → store."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from bulletin_crawler.contract import Article
from bulletin_crawler.pipelines.deduplicate import DeduplicatePipeline
from bulletin_crawler.pipelines.normalise import NormalisePipeline
from bulletin_crawler.pipelines.store import StorePipeline
from bulletin_crawler.pipelines.store_client import StoreClient
from bulletin_crawler.pipelines.validate import ValidatePipeline
from bulletin_crawler.stores.mongo import MongoStore
from bulletin_crawler.stores.sqlite import SQLiteStore

from .conftest import TESTS

ORDER = (NormalisePipeline, ValidatePipeline, DeduplicatePipeline, StorePipeline)


def article(url: str, body: str = "本报讯 管城区召开会议。\n会议要求抓好落实。", title: str = "标题",
            site: str = "demo", kind: str = "epaper") -> Article:
    return Article(url=url, site=site, source="示范报", kind=kind, title=title, body=body,
                   published_at="2020-11-30", reporters=["王晓", "王晓"], authors=["王晓"])


class Run:
    """One crawl's pipelines on one store, fed by hand."""

    def __init__(self, store: Any):
        self.crawler = get_crawler(settings_dict={"BULLETIN_STORE": "unused://"})
        self.crawler._bulletin_store_client = StoreClient(store)
        self.pipelines = [build_from_crawler(cls, self.crawler) for cls in ORDER]
        self.dropped: list[str] = []

    def feed(self, *items: Article) -> None:
        async def run() -> None:
            for item in items:
                try:
                    for pipeline in self.pipelines:
                        result = pipeline.process_item(item)
                        item = await result if asyncio.iscoroutine(result) else result
                except DropItem as reason:
                    self.dropped.append(str(reason))
            await self.pipelines[-1].close_spider()

        asyncio.run(run())

    def stat(self, key: str) -> int:
        return self.crawler.stats.get_value(key, 0)


@pytest.fixture(params=["sqlite", "mongomock"])
def open_store(request, tmp_path, mongo_client):
    def make() -> Any:
        if request.param == "sqlite":
            return SQLiteStore(tmp_path / "p.sqlite3")
        return MongoStore("mongodb://localhost/pipelines", client=mongo_client)

    return make


def test_normalise_cleans_text_and_names():
    item = article("http://p.cn/a.htm", body="　　本报讯 第一段。\n\n打印本页\n　　第一段。\n第二段。")
    item.title = " 管城区\u3000召开会议 "
    NormalisePipeline().process_item(item)
    assert item.title == "管城区 召开会议"
    assert item.body == "本报讯 第一段。\n第一段。\n第二段。"
    assert item.reporters == ["王晓"]


@pytest.mark.parametrize(("change", "reason"), [
    ({"title": " "}, "no title"), ({"body": ""}, "no body"), ({"kind": "blog"}, "bad kind")])
def test_validate_drops_and_counts_with_url(change, reason):
    crawler = get_crawler()
    pipeline = build_from_crawler(ValidatePipeline, crawler)
    item = article("http://p.cn/bad.htm")
    for name, value in change.items():
        setattr(item, name, value)
    with pytest.raises(DropItem, match=f"{reason}: http://p.cn/bad.htm"):
        pipeline.process_item(item)
    assert crawler.stats.get_value("bulletin/articles_dropped") == 1


def test_one_document_per_story_across_urls_and_runs(open_store):
    run = Run(open_store())
    run.feed(article("http://p.cn/a.htm"),
             article("http://p.cn/a.htm?div=-1"),                       # same URL
             article("https://gov.cn/1.jhtml", site="gov", kind="portal"),  # a repost
             article("http://p.cn/b.htm", body="本报讯 另一篇报道。"),
             article("http://p.cn/c.htm", title=""))                     # invalid
    assert run.stat("bulletin/articles_stored") == 2
    assert run.stat("bulletin/duplicates") == 2
    assert run.stat("bulletin/articles_dropped") == 1
    second = Run(open_store())                                           # a later crawl
    second.feed(article("http://p.cn/a.htm"), article("http://p.cn/b.htm",
                                                      body="本报讯 另一篇报道（更正）。"))
    assert second.stat("bulletin/articles_stored") == 1
    assert second.stat("bulletin/articles_updated") == 1
    store = open_store()
    docs = {doc["url"]: doc for doc in store.iter_articles()}
    assert len(docs) == 2
    assert [(s["site"], s["url"]) for s in docs["http://p.cn/a.htm"]["sources"]] == [
        ("demo", "http://p.cn/a.htm"), ("gov", "https://gov.cn/1.jhtml")]
    corrected = docs["http://p.cn/b.htm"]
    assert corrected["body"] == "本报讯 另一篇报道（更正）。"
    assert [r["body"] for r in corrected["revisions"]] == ["本报讯 另一篇报道。"]
    assert all(doc["duplicate_of"] is None and len(doc["id"]) == 24 for doc in docs.values())
    store.close()


def test_both_stores_keep_the_same_documents(tmp_path, mongo_client):
    stores = [SQLiteStore(tmp_path / "same.sqlite3"),
              MongoStore("mongodb://localhost/same", client=mongo_client)]
    items = [("http://p.cn/a.htm", "本报讯 甲。"), ("http://p.cn/b.htm", "本报讯 乙。"),
             ("http://q.cn/c.htm", "本报讯 甲。")]
    results = []
    for store in stores:
        Run(store).feed(*(article(url, body=body) for url, body in items))
        reopened = (SQLiteStore(tmp_path / "same.sqlite3") if isinstance(store, SQLiteStore)
                    else MongoStore("mongodb://localhost/same", client=mongo_client))
        results.append([{k: v for k, v in doc.items() if k not in ("first_seen_at", "updated_at")}
                        for doc in reopened.iter_articles()])
    assert results[0] == results[1] and len(results[0]) == 2


def linking_scores(docs: list[dict[str, Any]], rows: list[dict[str, Any]]) -> tuple[float, float]:
    """Precision and recall of linking copies to the first story of their group."""
    group_of = {f"http://p.cn/{row['id']}.htm": row["group"] for row in rows}
    by_id = {doc["id"]: doc for doc in docs}
    links = correct = 0
    for doc in docs:
        places = [source["url"] for source in doc["sources"]]
        merged = places[1:]  # exact copies kept as sources of the first
        links += len(merged)
        correct += sum(group_of[url] == group_of[places[0]] for url in merged)
        if doc["duplicate_of"]:
            links += 1
            correct += group_of[doc["url"]] == group_of[by_id[doc["duplicate_of"]]["url"]]
    copies = len(rows) - len({row["group"] for row in rows})
    return correct / max(links, 1), correct / copies


def test_near_copies_are_linked_and_template_stories_are_not(tmp_path):
    rows = [json.loads(line) for line in
            (TESTS / "dedup" / "labelled.jsonl").read_text(encoding="utf-8").splitlines()]
    run = Run(SQLiteStore(tmp_path / "near.sqlite3"))
    run.feed(*(article(f"http://p.cn/{row['id']}.htm", body=row["body"], title=row["id"])
               for row in rows))
    docs = list(SQLiteStore(tmp_path / "near.sqlite3").iter_articles())
    precision, recall = linking_scores(docs, rows)
    assert precision == 1.0 and recall == 1.0
    assert len(docs) == len(rows) - run.stat("bulletin/duplicates/same_text")
    roots = {doc["id"] for doc in docs if doc["duplicate_of"] is None}
    assert all(doc["duplicate_of"] in roots for doc in docs if doc["duplicate_of"])  # no chains
