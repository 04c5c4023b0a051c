"""Both stores behind the one interface: the same behaviour, the same documents."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from bulletin_crawler.canonical import assemble, make_place, story_id
from bulletin_crawler.contract import Article, text_fingerprint
from bulletin_crawler.pipelines.store_client import StoreClient
from bulletin_crawler.redaction import redact
from bulletin_crawler.stores import StoreError, open_store
from bulletin_crawler.stores.base import ArticleQuery, ArticleStore, public
from bulletin_crawler.stores.mongo import MongoStore
from bulletin_crawler.stores.sqlite import SQLiteStore
from bulletin_crawler.urls import url_key


def document(url: str, body: str = "本报讯 正文。", title: str = "标题", site: str = "demo",
             published_at: str = "2020-11-30T00:00:00+08:00", seen: str = "2026-11-24T10:00:00+08:00",
             kind: str = "epaper") -> dict[str, Any]:
    doc = Article(url=url, site=site, source="示范报", kind=kind, title=title,
                  body=body, published_at=published_at, published_precision="day",
                  region={"province": "河南省", "city": "郑州市", "district": "管城回族区",
                          "code": "410104"}).to_document()
    doc.update(id=story_id(text_fingerprint(body)), content_hash=text_fingerprint(body),
               first_seen_at=seen, updated_at=seen)
    return assemble(doc, [make_place(doc, url_key(url), kind == "epaper", seen)])


@pytest.fixture(params=["sqlite", "mongomock"])
def make_store(request, tmp_path, mongo_client):
    """A factory so a test can close a store and open it again on the same data."""

    def make(batch_size: int = 200) -> ArticleStore:
        if request.param == "sqlite":
            return SQLiteStore(tmp_path / "store.sqlite3", batch_size=batch_size)
        return MongoStore("mongodb://localhost/bulletin_test", batch_size=batch_size,
                          client=mongo_client)

    return make


def test_upsert_match_and_reopen(make_store):
    store = make_store()
    doc = document("http://p.cn/a.htm")
    store.upsert(doc)
    assert store.match(url_key("http://p.cn/a.htm?div=-1"), "x").by == "url"  # buffered
    store.close()
    store = make_store()
    found = store.match(doc["url_keys"][0], "other")
    assert (found.id, found.content_hash, found.by) == (doc["id"], doc["content_hash"], "url")
    assert store.match("p.cn/b.htm", doc["content_hash"]).by == "text"
    assert store.match("p.cn/b.htm", "nothing") is None
    assert store.count() == 1
    [stored] = list(store.iter_articles())
    assert stored == public(doc) and "fingerprint" not in stored
    store.close()


def test_a_second_place_is_merged_and_the_earliest_decides(make_store):
    store = make_store(batch_size=1)
    paper = document("http://p.cn/a.htm")
    store.upsert(paper)
    repost = document("http://gov.cn/1.jhtml", site="gov", kind="portal",
                      published_at="2020-12-01T09:00:00+08:00", seen="2026-11-25T10:00:00+08:00")
    store.upsert({**repost, "id": paper["id"], "title": "转载的标题"})
    earlier = document("http://zzrb.cn/9.htm", site="zzrb", published_at="2020-11-29T00:00:00+08:00",
                       seen="2026-11-26T10:00:00+08:00")
    store.upsert({**earlier, "id": paper["id"], "title": "最早的标题"})
    store.close()
    store = make_store()
    [stored] = list(store.iter_articles())
    assert [source["site"] for source in stored["sources"]] == ["zzrb", "demo", "gov"]
    assert (stored["url"], stored["site"], stored["title"]) == (
        "http://zzrb.cn/9.htm", "zzrb", "最早的标题")  # re-pointed to the earliest place
    assert stored["first_seen_at"] == "2026-11-24T10:00:00+08:00"
    assert stored["updated_at"] == "2026-11-26T10:00:00+08:00"
    assert store.match("gov.cn/1.jhtml", "x").id == paper["id"]
    store.close()


def test_reroot_moves_a_cluster_to_an_earlier_story(make_store):
    store = make_store(batch_size=1)
    root, member, earlier = (document(f"http://p.cn/{n}.htm", body=f"本报讯 第{n}篇。")
                             for n in (1, 2, 3))
    store.upsert(root)
    store.upsert({**member, "duplicate_of": root["id"]})
    store.upsert(earlier)
    store.reroot(root["id"], earlier["id"])
    store.close()
    store = make_store()
    links = {doc["id"]: doc["duplicate_of"] for doc in store.iter_articles()}
    assert links == {root["id"]: earlier["id"], member["id"]: earlier["id"], earlier["id"]: None}
    store.close()


def test_known_urls_from_buffer_and_store(make_store):
    store = make_store()
    store.upsert(document("http://p.cn/a.htm"))
    assert store.known_urls(["p.cn/a.htm", "p.cn/b.htm"]) == {"p.cn/a.htm"}
    store.close()
    store = make_store()
    first = document("http://p.cn/a.htm")
    store.upsert({**document("http://q.cn/c", site="s"), "id": first["id"]})
    assert store.known_urls(["p.cn/a.htm", "q.cn/c", "p.cn/z.htm"]) == {"p.cn/a.htm", "q.cn/c"}
    store.close()


def test_near_candidates_by_band_and_days(make_store):
    store = make_store()
    doc = document("http://p.cn/a.htm")
    doc["fingerprint"] = {"signature": "00", "bands": ["01aa", "02bb"], "numbers": [],
                          "length": 10}
    store.upsert(doc)
    assert [c.id for c in store.near(["02bb", "03cc"])] == [doc["id"]]  # buffered
    store.mark_days("zzrb", ["2020-11-29", "2020-11-30"])
    store.close()
    store = make_store()
    [candidate] = store.near(["01aa"])
    assert candidate.id == doc["id"] and candidate.fingerprint["bands"] == ["01aa", "02bb"]
    assert store.near(["09zz"]) == []
    assert store.completed_days("zzrb") == {"2020-11-29", "2020-11-30"}
    assert store.completed_days("zzwb") == set()
    assert store.get(doc["id"])["title"] == "标题" and "fingerprint" not in store.get(doc["id"])
    store.close()


def test_iter_filters_by_site(make_store):
    store = make_store()
    store.upsert(document("http://p.cn/a.htm"))
    other = document("http://q.cn/b.htm", body="另一篇。")
    other["site"] = "other"
    store.upsert(other)
    store.flush()
    assert [d["url"] for d in store.iter_articles(ArticleQuery(site="other"))] == [
        "http://q.cn/b.htm"]
    assert [d["url"] for d in store.iter_articles(ArticleQuery(since="2020-12-01"))] == []
    assert len(list(store.iter_articles(ArticleQuery(since="2020-11-30", until="2020-11-30",
                                                     region="410104")))) == 2
    assert list(store.iter_articles(ArticleQuery(region="410100"))) == []
    store.close()


def test_failed_write_keeps_the_batch(tmp_path):
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.upsert(document("http://p.cn/a.htm"))
    real_write = store._write
    store._write = lambda ops: (_ for _ in ()).throw(OSError("disk gone"))  # type: ignore
    with pytest.raises(OSError):
        store.flush()
    store._write = real_write  # type: ignore[method-assign]
    assert store.flush() == 1 and store.count() == 1
    store.close()


def test_open_store_by_uri(tmp_path):
    store = open_store(f"sqlite:///{tmp_path}/x/y.sqlite3")
    assert isinstance(store, SQLiteStore) and Path(store.path).parent.is_dir()
    store.close()
    with pytest.raises(StoreError, match="unknown store URI 'redis://u:\\*\\*\\*@h'"):
        open_store("redis://u:secret@h")
    assert redact("mongodb://user:pw@host/db") == "mongodb://user:***@host/db"


# --- the real-server suite -------------------------------------------------------------------
MONGO_URI = os.environ.get("BULLETIN_TEST_MONGO_URI")


@pytest.mark.mongo_server
@pytest.mark.skipif(not MONGO_URI, reason="set BULLETIN_TEST_MONGO_URI=mongodb://HOST/DB to run "
                    "against a real MongoDB server (none can be installed on this machine)")
def test_real_mongo_server_round_trip():
    store = MongoStore(MONGO_URI)
    store.articles.delete_many({})
    doc = document("http://p.cn/real.htm")
    store.upsert(doc)
    store.upsert(doc)
    store.close()
    store = MongoStore(MONGO_URI)
    assert store.count() == 1
    names = {index["name"] for index in store.articles.list_indexes()}
    assert {"url_keys_unique", "content_hash", "site_published_at"} <= names
    store.articles.delete_many({})
    store.close()


def test_the_local_store_is_called_directly_and_mongodb_on_the_worker_thread(make_store):
    """SQLite answers an index probe faster than a thread hop; MongoDB may be slow or down and
    must never block the reactor."""
    store = make_store()
    client = StoreClient(store)

    async def caller_thread() -> str:
        return await client.call(lambda: threading.current_thread().name)

    name = asyncio.run(caller_thread())
    assert name.startswith("bulletin-store") is store.in_thread
    assert store.in_thread is isinstance(store, MongoStore)
    asyncio.run(client.close())


def test_schema_1_documents_are_migrated_on_open(tmp_path, mongo_client):
    """A document as schema 1 stored it: a bare issue date, sources without precision, no
    places. Both stores bring it to schema 2 when opened, once."""
    v1 = {"id": "0123456789abcdef01234567", "url": "http://p.cn/a.htm", "site": "demo",
          "source": "示范报", "kind": "epaper", "title": "标题", "body": "本报讯 正文。",
          "region": {"code": "410104"}, "published_at": "2020-11-30", "event_date": None,
          "authors": [], "reporters": [], "correspondents": [], "editors": [],
          "photographers": [], "images": [], "kicker": None, "subtitle": None,
          "edition": None, "column": "要闻", "content_hash": text_fingerprint("本报讯 正文。"),
          "duplicate_of": None, "revisions": [], "fingerprint": None,
          "sources": [{"site": "demo", "url": "http://p.cn/a.htm", "published_at": "2020-11-30"},
                      {"site": "gov", "url": "http://gov.cn/1.htm", "published_at": "2020-12-01"}],
          "url_keys": ["p.cn/a.htm", "gov.cn/1.htm"], "first_seen_at": "2026-11-24T10:00:00+08:00",
          "updated_at": "2026-11-24T10:00:00+08:00", "schema_version": 1}
    sqlite = SQLiteStore(tmp_path / "old.sqlite3")
    sqlite.db.execute("INSERT INTO articles (id, site, url, content_hash, published_at,"
                      " region_code, first_seen_at, updated_at, doc) VALUES (?,?,?,?,?,?,?,?,?)",
                      (v1["id"], "demo", v1["url"], v1["content_hash"], "2020-11-30", "410104",
                       v1["first_seen_at"], v1["updated_at"], json.dumps(v1)))
    sqlite.db.commit()
    sqlite.close()
    mongo = MongoStore("mongodb://localhost/old", client=mongo_client)
    mongo.articles.insert_one({"_id": v1["id"], **v1})
    assert mongo.migrate() == 1 and mongo.migrate() == 0
    reopened = SQLiteStore(tmp_path / "old.sqlite3")
    assert reopened.migrate() == 0  # done on open already
    for store in (reopened, mongo):
        [doc] = list(store.iter_articles())
        assert doc["id"] == v1["id"] and doc["schema_version"] == 2
        assert (doc["published_at"], doc["published_precision"]) == (
            "2020-11-30T00:00:00+08:00", "day")
        assert [(s["site"], s["published_at"], s["published_precision"]) for s in doc["sources"]] \
            == [("demo", "2020-11-30T00:00:00+08:00", "day"),
                ("gov", "2020-12-01T00:00:00+08:00", "day")]
        assert doc["column"] == "要闻" and "places" not in doc
        assert len(store.document(v1["id"])["places"]) == 2
        store.close()
