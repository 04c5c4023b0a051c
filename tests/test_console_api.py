"""The console's data API on both stores (SQLite, and MongoDB through mongomock): the same
filters, search and cursor pages give the same articles, checked against a plain reading of the
generated archive; pages stay stable while crawls write; downloads are the export's CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bulletin_crawler.console.app import create_app
from bulletin_crawler.exports.schema import CSV_COLUMNS
from bulletin_crawler.sites import load_registry
from bulletin_crawler.stores.base import ArticleStore
from bulletin_crawler.stores.mongo import MongoStore
from bulletin_crawler.stores.search import SEARCHED_FIELDS
from bulletin_crawler.stores.sqlite import SQLiteStore

from .conftest import jsonl, run_bulletin
from .console.archive import BATTLE, GAP_SITE, documents, fill, record_runs

LAST_DAY = date(2026, 11, 30)
COUNT = 120  # 2.5 days of the four sites: small enough for mongomock


@pytest.fixture(params=["sqlite", "mongomock"])
def store(request, tmp_path, mongo_client) -> ArticleStore:
    if request.param == "sqlite":
        opened: ArticleStore = SQLiteStore(tmp_path / "archive.sqlite3", batch_size=100)
    else:
        opened = MongoStore("mongodb://localhost/console_test", batch_size=100,
                            client=mongo_client)
    fill(opened, documents(COUNT, LAST_DAY))
    yield opened
    opened.close()


@pytest.fixture
def client(store) -> TestClient:
    return TestClient(create_app(store, load_registry()))


def every_page(client: TestClient, limit: int = 7, **filters: str) -> list[dict[str, Any]]:
    """Every article the API lists for ``filters``, following its cursors."""
    found, cursor = [], None
    while True:
        answer = client.get("/api/articles", params={**filters, "limit": limit,
                                                     **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        found += body["articles"]
        cursor = body["next_cursor"]
        if cursor is None:
            return found


def newest_first(docs: list[dict[str, Any]]) -> list[str]:
    return [doc["id"] for doc in sorted(docs, key=lambda d: (d["published_at"] or "", d["id"]),
                                        reverse=True)]


def text_of(doc: dict[str, Any]) -> str:
    return "\n".join(doc.get(name) or "" for name in SEARCHED_FIELDS)


ARCHIVE = documents(COUNT, LAST_DAY)
FILTERS = {
    "site": ({"site": "xihu-gov"}, lambda d: d["site"] == "xihu-gov"),
    "province": ({"region": "410000"}, lambda d: d["region"]["code"].startswith("41")),
    "city prefix": ({"region": "4101"}, lambda d: d["region"]["code"].startswith("4101")),
    "district": ({"region": "410104"}, lambda d: d["region"]["code"] == "410104"),
    "days": ({"since": "2026-11-29", "until": "2026-11-29"},
             lambda d: d["published_at"][:10] == "2026-11-29"),
    "column": ({"column": "政务动态"}, lambda d: d["column"] == "政务动态"),
    "reporter": ({"reporter": ARCHIVE[1]["reporters"][0]},
                 lambda d: ARCHIVE[1]["reporters"][0] in d["reporters"]),
    "site and search": ({"site": "guancheng-daily", "q": "管城"},
                        lambda d: d["site"] == "guancheng-daily" and "管城" in text_of(d)),
}
SEARCHES = {
    "two characters": ("管城", lambda text: "管城" in text),
    "three": ("保卫战", lambda text: "保卫战" in text),
    "five": ("蓝天保卫战", lambda text: "蓝天保卫战" in text),
    "a common pair": ("社区", lambda text: "社区" in text),
    "two runs": ("蓝天、普遍满意", lambda text: "蓝天" in text and "普遍满意" in text),
    "not there": ("保卫城", lambda text: "保卫城" in text),
}


@pytest.mark.parametrize("name", FILTERS)
def test_filters_page_through_exactly_the_selected_articles(client, name):
    params, selected = FILTERS[name]
    found = every_page(client, **params)
    expected = newest_first([doc for doc in ARCHIVE if selected(doc)])
    assert expected, "the archive has articles for every filter"
    assert [doc["id"] for doc in found] == expected


@pytest.mark.parametrize("name", SEARCHES)
def test_search_finds_chinese_substrings_of_two_characters_and_more(client, name):
    text, contains = SEARCHES[name]
    found = [doc["id"] for doc in every_page(client, q=text)]
    assert found == newest_first([doc for doc in ARCHIVE if contains(text_of(doc))])
    if name != "not there":
        assert found


def test_a_search_of_one_character_or_a_bad_filter_is_a_clear_400(client):
    for params, said in (({"q": "管"}, "at least two"), ({"region": "41a"}, "division code"),
                         ({"since": "30/11/2020"}, "a day like"),
                         ({"cursor": "nonsense"}, "start again")):
        answer = client.get("/api/articles", params=params)
        assert answer.status_code == 400 and said in answer.json()["error"]
    page = client.get("/articles", params={"q": "管"})
    assert page.status_code == 400 and "at least two" in page.text


def test_pages_stay_stable_while_crawls_write(client, store):
    """Between every two pages a crawl stores newer, older and undated stories: every story
    there at the start is listed once, none twice, and the newer ones never shift a page."""
    before = {doc["id"] for doc in ARCHIVE}
    more = documents(COUNT + 30, LAST_DAY + timedelta(days=1), seed=99)
    newer, older = more[:24], more[COUNT:COUNT + 24]  # the day after, and among the others
    undated = [{**doc, "published_at": None, "published_precision": None} for doc in more[-6:]]
    assert all(doc["published_at"] > ARCHIVE[0]["published_at"] for doc in newer)
    assert all(doc["published_at"] < ARCHIVE[0]["published_at"] for doc in older)
    arriving = iter([*newer, *older, *undated])
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 9, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/articles", params=params).json()
        seen += [doc["id"] for doc in body["articles"]]
        for doc in [next(arriving, None) for _ in range(3)]:
            if doc is not None:
                store.upsert({**doc, "places": [{**place, "published_at": doc["published_at"],
                                                 "published_precision":
                                                     doc["published_precision"]}
                                                for place in doc["places"]]})
        store.flush()
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert before <= set(seen)


def test_search_follows_corrections_and_source_merges(client, store):
    story = ARCHIVE[0]
    corrected_body = story["body"] + "\n另据悉，白沙湾湿地公园将于明年开放。"
    store.upsert({**story, "body": corrected_body, "content_hash": "c" * 40,
                  "updated_at": "2026-12-02T10:00:00+08:00",
                  "revisions": [{"title": story["title"], "kicker": story["kicker"],
                                 "subtitle": None, "body": story["body"],
                                 "content_hash": story["content_hash"],
                                 "updated_at": "2026-12-02T10:00:00+08:00"}]})
    store.flush()
    assert ids(client, "白沙湾湿地") == [story["id"]]
    first_words = story["body"].split("\n")[-1][-12:-1]
    replaced = {**story, "body": "本报讯 全文已更正为一段新的文字，旧的句子都不在了。",
                "content_hash": "d" * 40, "title": "更正后的标题",
                "updated_at": "2026-12-03T10:00:00+08:00"}
    store.upsert(replaced)
    store.flush()
    assert ids(client, "白沙湾湿地") == [] and story["id"] not in ids(client, first_words)
    assert ids(client, "旧的句子") == [story["id"]] == ids(client, "更正后")


def ids(client: TestClient, text: str) -> list[str]:
    return [doc["id"] for doc in every_page(client, limit=100, q=text)]


def test_downloads_stream_every_selected_article(client):
    everything = client.get("/api/articles.jsonl")
    assert everything.headers["content-type"].startswith("application/x-ndjson")
    docs = jsonl(everything.text)
    assert [doc["id"] for doc in docs] == newest_first(ARCHIVE)
    assert docs[0] == client.get(f"/api/articles/{docs[0]['id']}").json()
    assert not {"places", "fingerprint", "url_keys", "search_grams"} & set(docs[0])
    table = client.get("/api/articles.csv", params={"site": "jinshui-gov"})
    rows = list(csv.reader(io.StringIO(table.text)))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) - 1 == sum(doc["site"] == "jinshui-gov" for doc in ARCHIVE)
    assert client.get("/api/articles.csv", params={"excel": "true"}).text.startswith("\ufeff")


def test_the_csv_download_is_the_csv_of_bulletin_export(tmp_path):
    store = SQLiteStore(tmp_path / "archive.sqlite3")
    fill(store, ARCHIVE[:40])
    download = TestClient(create_app(store, load_registry())).get("/api/articles.csv").text
    store.close()
    exported = run_bulletin("export", "--store", f"sqlite:///{tmp_path}/archive.sqlite3",
                            "--format", "csv", cwd=tmp_path).stdout
    lines = download.splitlines()
    assert lines[0] == exported.splitlines()[0]
    assert sorted(lines) == sorted(exported.splitlines())


def test_sites_runs_failures_clusters_and_the_openapi_description(client, store):
    from datetime import datetime

    from bulletin_crawler.contract import SHANGHAI

    record_runs(store, datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI))
    sites = client.get("/api/sites").json()
    by_key = {site["site"]: site for site in sites["sites"]}
    assert sites["sites"][0]["site"] == GAP_SITE  # its last run failed
    assert by_key[GAP_SITE]["last_run"]["failed_monitors"] == ["reporters coverage"]
    assert by_key["xihu-gov"]["region"]["code"] == "330106"
    assert sum(by_key["xihu-gov"]["daily"].values()) == by_key["xihu-gov"]["articles"] == 30
    assert by_key["zzrb"]["articles"] == 0 and by_key["zzrb"]["last_run"] is None
    runs = client.get("/api/runs", params={"site": GAP_SITE}).json()["runs"]
    assert [run["status"] for run in runs] == ["failed", "ok", "ok"]
    assert runs[0]["seconds"] == 3 * 60 + 2 * 60 + 12
    failures = client.get("/api/failures", params={"site": GAP_SITE}).json()
    assert {failure["reason"] for failure in failures["failures"]} == {"http_500", "timeout"}
    copy = next(doc for doc in ARCHIVE if doc["duplicate_of"])
    cluster = client.get(f"/api/articles/{copy['id']}/cluster").json()
    assert cluster["root"] == copy["duplicate_of"] and copy["id"] in cluster["members"]
    spec = client.get("/api/openapi.json").json()
    assert {"/api/articles", "/api/articles.csv", "/api/articles.jsonl", "/api/sites",
            "/api/runs"} <= set(spec["paths"])
    assert client.get("/api/articles/nothing").status_code == 404


def test_every_page_renders_from_both_stores(client, store):
    from datetime import datetime

    from bulletin_crawler.contract import SHANGHAI

    record_runs(store, datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI))
    corrected = next(doc for doc in ARCHIVE if doc["revisions"])
    copy = next(doc for doc in ARCHIVE if doc["duplicate_of"])
    for path, says in (("/", "西湖区人民政府"), ("/?days=90", "90 days"),
                       (f"/sites/{GAP_SITE}", "reporters coverage"), ("/sites/zzrb", "never run"),
                       ("/articles?q=" + BATTLE, BATTLE), ("/api", "/api/articles"),
                       (f"/articles/{corrected['id']}", "<del>"),
                       (f"/articles/{copy['id']}", "A near copy of")):
        page = client.get(path)
        assert page.status_code == 200 and says in page.text, path
    assert client.get("/sites/nowhere").status_code == 404
    assert json.loads(client.get("/api/articles", params={"limit": 1}).text)["next"]


def test_a_search_index_of_an_older_release_is_rebuilt_on_open(tmp_path, mongo_client):
    """Articles written before the index existed (or under another tokenizer version) are
    indexed when the store opens, once."""
    import sqlite3

    path = tmp_path / "archive.sqlite3"
    fill(SQLiteStore(path), ARCHIVE[:30])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE store_meta SET value = '0' WHERE name = 'search_version'")
        db.execute("INSERT INTO article_search (article_search) VALUES ('delete-all')")
    sqlite = SQLiteStore(path)
    mongo = MongoStore("mongodb://localhost/console_test", client=mongo_client)
    fill(mongo, ARCHIVE[:30])
    mongo.articles.update_many({}, {"$unset": {"search_grams": 1}})
    mongo = MongoStore("mongodb://localhost/console_test", client=mongo_client)
    expected = newest_first([doc for doc in ARCHIVE[:30] if "社区" in text_of(doc)])
    for store in (sqlite, mongo):
        client = TestClient(create_app(store, load_registry()))
        assert [doc["id"] for doc in every_page(client, q="社区")] == expected
        store.close()


def test_a_story_re_pointed_to_an_earlier_place_is_searched_at_its_new_date(client, store):
    from bulletin_crawler.canonical import make_place
    from bulletin_crawler.urls import url_key

    story = next(doc for doc in ARCHIVE if BATTLE in doc["title"])
    earlier = {**story, "url": "http://early.bulletin.invalid/1.htm", "site": "early-paper",
               "published_at": "2020-01-02T00:00:00+08:00", "published_precision": "day"}
    store.upsert({**story, "places": [make_place(earlier, url_key(earlier["url"]), True,
                                                 "2026-12-05T10:00:00+08:00")],
                  "updated_at": "2026-12-05T10:00:00+08:00"})
    store.flush()
    found = every_page(client, q=BATTLE)
    assert found[-1]["id"] == story["id"]  # the oldest now
    assert found[-1]["published_at"] == "2020-01-02T00:00:00+08:00"
    assert [doc["id"] for doc in every_page(client, q=BATTLE, site="early-paper")] == [
        story["id"]]
