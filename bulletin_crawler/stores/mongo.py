"""The MongoDB store: collection ``articles`` of the URI's database, upserts in ordered bulk writes.

``_id`` is the article id, so a re-run can never insert a second copy; a unique multikey index on
``url_keys`` keeps one document per article URL even across processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pymongo import ASCENDING, MongoClient, UpdateOne
from pymongo.collection import Collection
from pymongo.uri_parser import parse_uri

from bulletin_crawler.stores.base import AddSource, ArticleStore, Candidate, Match, Operation

DEFAULT_DATABASE = "bulletin"
INDEXES: list[tuple[list[tuple[str, int]], dict[str, Any]]] = [
    ([("url_keys", ASCENDING)], {"unique": True, "name": "url_keys_unique"}),
    ([("content_hash", ASCENDING)], {"name": "content_hash"}),
    ([("site", ASCENDING), ("published_at", ASCENDING)], {"name": "site_published_at"}),
    ([("region.code", ASCENDING), ("published_at", ASCENDING)], {"name": "region_published_at"}),
    ([("published_at", ASCENDING)], {"name": "published_at"}),
    ([("fingerprint.bands", ASCENDING)], {"name": "fingerprint_bands"}),
    ([("duplicate_of", ASCENDING)], {"name": "duplicate_of"}),
]
_MERGED_ON_WRITE = ("_id", "first_seen_at", "sources", "url_keys")
_HIDDEN = {"_id": 0, "url_keys": 0, "fingerprint": 0}


class MongoStore(ArticleStore):
    def __init__(self, uri: str, batch_size: int = 200, client: MongoClient[Any] | None = None,
                 server_timeout_ms: int = 5000):
        super().__init__(batch_size)
        database = parse_uri(uri).get("database") or DEFAULT_DATABASE
        self.client: MongoClient[Any] = client or MongoClient(
            uri, tz_aware=True, serverSelectionTimeoutMS=server_timeout_ms)
        self.articles: Collection[Any] = self.client[database]["articles"]
        self.days: Collection[Any] = self.client[database]["crawl_days"]
        for keys, options in INDEXES:
            self.articles.create_index(keys, **options)

    def _match_url(self, url_key: str) -> Match | None:
        doc = self.articles.find_one({"url_keys": url_key}, {"content_hash": 1})
        return Match(doc["_id"], doc.get("content_hash"), "url") if doc else None

    def _match_text(self, content_hash: str) -> Match | None:
        doc = self.articles.find_one({"content_hash": content_hash}, {"_id": 1},
                                     sort=[("first_seen_at", ASCENDING)])
        return Match(doc["_id"], content_hash, "text") if doc else None

    def _near_stored(self, bands: list[str]) -> list[Candidate]:
        found = self.articles.find({"fingerprint.bands": {"$in": bands}},
                                   {"fingerprint": 1, "duplicate_of": 1})
        return [Candidate(doc["_id"], doc["fingerprint"], doc.get("duplicate_of"))
                for doc in found]

    def _get_stored(self, doc_id: str) -> dict[str, Any] | None:
        return self.articles.find_one({"_id": doc_id})

    def completed_days(self, site: str) -> set[str]:
        return {doc["day"] for doc in self.days.find({"site": site}, {"day": 1})}

    def mark_days(self, site: str, days: Iterable[str]) -> None:
        requests = [UpdateOne({"_id": f"{site}:{day}"}, {"$set": {"site": site, "day": day}},
                              upsert=True) for day in days]
        if requests:
            self.days.bulk_write(requests, ordered=False)

    def _stored_hash(self, doc_id: str) -> str | None:
        doc = self.articles.find_one({"_id": doc_id}, {"content_hash": 1})
        return doc.get("content_hash") if doc else None

    def _known_stored(self, url_keys: list[str]) -> set[str]:
        wanted = set(url_keys)
        found = self.articles.find({"url_keys": {"$in": url_keys}}, {"url_keys": 1})
        return {key for doc in found for key in doc["url_keys"] if key in wanted}

    def _write(self, ops: list[Operation]) -> None:
        self.articles.bulk_write([_request(op) for op in ops], ordered=True)

    def iter_articles(self, site: str | None = None) -> Iterator[dict[str, Any]]:
        query = {"site": site} if site else {}
        for doc in self.articles.find(query, _HIDDEN).sort(
                [("first_seen_at", ASCENDING), ("id", ASCENDING)]):
            yield doc

    def count(self) -> int:
        return int(self.articles.count_documents({}))

    def _close(self) -> None:
        self.client.close()


def _request(op: Operation) -> UpdateOne:
    if isinstance(op, AddSource):
        return UpdateOne(
            {"_id": op.id, "sources.url": {"$ne": op.source["url"]}},
            {"$push": {"sources": {"$each": [op.source], "$sort": {"published_at": 1}}},
             "$addToSet": {"url_keys": op.url_key}, "$set": {"updated_at": op.updated_at}})
    doc = op.doc
    fields = {name: value for name, value in doc.items() if name not in _MERGED_ON_WRITE}
    return UpdateOne(
        {"_id": doc["id"]},
        {"$set": fields,
         "$setOnInsert": {"first_seen_at": doc["first_seen_at"], "sources": doc["sources"]},
         "$addToSet": {"url_keys": {"$each": doc["url_keys"]}}},
        upsert=True)
