"""Both stores behind the one interface: the same behaviour, the same documents."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from bulletin_crawler.contract import Article, article_id, text_fingerprint
from bulletin_crawler.pipelines.store_client import StoreClient
from bulletin_crawler.stores import StoreError, open_store, redact
from bulletin_crawler.stores.base import ArticleQuery, ArticleStore, public
from bulletin_crawler.stores.mongo import MongoStore
from bulletin_crawler.stores.sqlite import SQLiteStore
from bulletin_crawler.urls import url_key


def document(url: str, body: str = "本报讯 正文。", title: str = "标题") -> dict[str, Any]:
    doc = Article(url=url, site="demo", source="示范报", kind="epaper", title=title,
                  body=body, published_at="2020-11-30",
                  region={"province": "河南省", "city": "郑州市", "district": "管城回族区",
                          "code": "410104"}).to_document()
    doc.update(id=article_id(url_key(url)), content_hash=text_fingerprint(body),
               sources=[{"site": "demo", "url": url, "published_at": "2020-11-30"}],
               url_keys=[url_key(url)],
               first_seen_at="2026-11-24T10:00:00+08:00", updated_at="2026-11-24T10:00:00+08:00")
    return doc


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


def test_add_source_and_update_keep_history(make_store):
    store = make_store(batch_size=1)
    doc = document("http://p.cn/a.htm")
    store.upsert(doc)
    store.add_source(doc["id"], {"site": "gov", "url": "http://gov.cn/1.jhtml",
                                 "published_at": "2020-12-01"}, "gov.cn/1.jhtml",
                     "2026-11-25T10:00:00+08:00")
    store.add_source(doc["id"], {"site": "zzrb", "url": "http://zzrb.cn/9.htm",
                                 "published_at": "2020-11-29"}, "zzrb.cn/9.htm",
                     "2026-11-25T10:00:00+08:00")
    changed = document("http://p.cn/a.htm", body="本报讯 更正后的正文。")
    changed.update(first_seen_at="2026-11-26T10:00:00+08:00",
                   updated_at="2026-11-26T10:00:00+08:00")
    store.upsert(changed)
    store.close()
    store = make_store()
    [stored] = list(store.iter_articles())
    assert [source["site"] for source in stored["sources"]] == ["zzrb", "demo", "gov"]
    assert stored["first_seen_at"] == "2026-11-24T10:00:00+08:00"
    assert stored["updated_at"] == "2026-11-26T10:00:00+08:00"
    assert stored["body"] == "本报讯 更正后的正文。"
    assert store.match("gov.cn/1.jhtml", "x").id == doc["id"]
    store.close()


def test_known_urls_from_buffer_and_store(make_store):
    store = make_store()
    store.upsert(document("http://p.cn/a.htm"))
    assert store.known_urls(["p.cn/a.htm", "p.cn/b.htm"]) == {"p.cn/a.htm"}
    store.close()
    store = make_store()
    store.add_source(store.match("p.cn/a.htm", "x").id,
                     {"site": "s", "url": "http://q.cn/c", "published_at": "2020-12-01"},
                     "q.cn/c", "2026-11-24T10:00:00+08:00")
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
