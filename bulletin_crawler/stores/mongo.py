"""The MongoDB store: collection ``articles`` of the URI's database, upserts in ordered bulk writes.

``_id`` is the article id, so a re-run can never insert a second copy; a unique multikey index on
``url_keys`` keeps one document per article URL even across processes. The collection carries a
``$jsonSchema`` validator (:mod:`bulletin_crawler.stores.schema`), applied on open. Dates are BSON
dates (UTC instants of Asia/Shanghai times; ``event_date`` is stored as 00:00 +08:00 and read
back as a date). A write of a story the database already holds is merged with it under an
optimistic ``write_version``, so concurrent writers never lose a place. When the server is down,
writes go to the journal and are replayed later.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pymongo import ASCENDING, DESCENDING, DeleteMany, MongoClient, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import (
    CollectionInvalid,
    ConnectionFailure,
    ExecutionTimeout,
    PyMongoError,
    WriteConcernError,
)
from pymongo.uri_parser import parse_uri

from bulletin_crawler.canonical import merge_documents
from bulletin_crawler.contract import SCHEMA_VERSION
from bulletin_crawler.migrations import upgrade_document
from bulletin_crawler.redaction import redact
from bulletin_crawler.stores.base import (
    ArticleQuery,
    ArticleStore,
    Candidate,
    Match,
    StoreError,
    logger,
    short_error,
)
from bulletin_crawler.stores.bson_dates import day_start, from_bson, to_bson, to_datetime
from bulletin_crawler.stores.journal import (
    ClearFailures,
    Journal,
    MarkDays,
    Operation,
    RecordFailure,
    Reroot,
    Upsert,
)
from bulletin_crawler.stores.mongo_browse import BROWSE_INDEXES, HIDDEN, MongoBrowse
from bulletin_crawler.stores.schema import ARTICLE_SCHEMA
from bulletin_crawler.stores.search import SEARCH_VERSION, distinct_bigrams

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
MERGE_ATTEMPTS = 5  # optimistic merges of one story raced by other writers


_RUN_DATES = ("started_at", "finished_at", "heartbeat_at")


class MergeRaced(PyMongoError):
    """Other writers kept changing a story under our merges: worth trying again later."""


class MongoStore(MongoBrowse, ArticleStore):
    def __init__(self, uri: str, batch_size: int = 200, client: MongoClient[Any] | None = None,
                 server_timeout_ms: int = 5000, journal: Journal | None = None,
                 create: bool = True):
        super().__init__(batch_size, journal)
        shown = redact(uri)
        try:
            self.database_name = parse_uri(uri).get("database") or DEFAULT_DATABASE
            self.client: MongoClient[Any] = client or MongoClient(
                uri, tz_aware=True, serverSelectionTimeoutMS=server_timeout_ms)
        except (PyMongoError, ValueError) as error:
            raise StoreError(f"{shown}: not a usable MongoDB URI ({redact(str(error))}); "
                             "expected mongodb://HOST[:PORT]/DATABASE, credentials as user:password@HOST") from None
        database = self.client[self.database_name]
        self.articles: Collection[Any] = database["articles"]
        self.days: Collection[Any] = database["crawl_days"]
        self.runs: Collection[Any] = database["crawl_runs"]
        self.failed: Collection[Any] = database["failed_urls"]
        self.prepared = False
        try:
            self.prepare()
        except PyMongoError as error:  # down now: writes are journaled, prepared later
            if journal is None and not create:  # a reader has nothing to fall back on
                self.client.close()
                raise StoreError(f"{shown}: MongoDB cannot be reached "
                                 f"({redact(short_error(error))})") from None
            logger.warning("MongoDB unavailable on open (%s); writes go to the journal",
                           redact(short_error(error)))
        self.replay()

    def prepare(self) -> None:
        """Create the collection with its validator (or update the validator), and the indexes."""
        database = self.client[self.database_name]
        validator = {"$jsonSchema": ARTICLE_SCHEMA}
        try:
            try:
                database.create_collection("articles", validator=validator)
            except CollectionInvalid:  # exists: bring its validator up to date
                database.command({"collMod": "articles", "validator": validator})
        except NotImplementedError:  # mongomock has no validators; the tests emulate them
            logger.info("this MongoDB emulator does not apply validators")
        for keys, options in [*INDEXES, *BROWSE_INDEXES]:
            self.articles.create_index(keys, **options)
        self.runs.create_index([("site", ASCENDING), ("started_at", DESCENDING)],
                               name="site_started_at")
        self.failed.create_index([("site", ASCENDING), ("last_failed_at", DESCENDING)],
                                 name="site_last_failed_at")
        self.failed.create_index([("url_key", ASCENDING)], name="url_key")
        self.prepared = True
        self.migrate()
        self.index_search()

    def index_search(self) -> int:
        """Give ``search_grams`` to documents written before it existed or under another
        version of the tokenizer; returns how many were indexed."""
        meta = self.client[self.database_name]["store_meta"]
        state = meta.find_one({"_id": "search_version"}) or {}
        stale: dict[str, Any] = {"search_grams": {"$exists": False}}
        if state.get("value") != SEARCH_VERSION:
            stale = {}  # another tokenizer wrote them: every document again
        changed = 0
        for raw in self.articles.find(stale, {"title": 1, "kicker": 1, "subtitle": 1, "body": 1}):
            self.articles.update_one({"_id": raw["_id"]},
                                     {"$set": {"search_grams": distinct_bigrams(raw)}})
            changed += 1
        meta.update_one({"_id": "search_version"}, {"$set": {"value": SEARCH_VERSION}},
                        upsert=True)
        if changed:
            logger.info("indexed %d documents of %s for search", changed, self.database_name)
        return changed

    def migrate(self) -> int:
        """Bring documents of an older schema up to this one (see
        :mod:`bulletin_crawler.migrations`); returns how many were changed."""
        changed = 0
        for raw in self.articles.find({"schema_version": {"$lt": SCHEMA_VERSION}}):
            doc = upgrade_document(from_bson(raw))
            self.articles.replace_one({"_id": raw["_id"]},
                                      {**stored_form(doc), "_id": raw["_id"],
                                       "write_version": raw.get("write_version", 0) + 1})
            changed += 1
        if changed:
            logger.info("migrated %d documents of %s to schema %d", changed,
                        self.database_name, SCHEMA_VERSION)
        return changed

    # --- reads ---------------------------------------------------------------------------------
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
        doc = self.articles.find_one({"_id": doc_id}, {"_id": 0})
        return from_bson(doc) if doc else None

    def _stored_hash(self, doc_id: str) -> str | None:
        doc = self.articles.find_one({"_id": doc_id}, {"content_hash": 1})
        return doc.get("content_hash") if doc else None

    def _known_stored(self, url_keys: list[str]) -> set[str]:
        wanted = set(url_keys)
        found = self.articles.find({"url_keys": {"$in": url_keys}}, {"url_keys": 1})
        return {key for doc in found for key in doc["url_keys"] if key in wanted}

    def iter_articles(self, query: ArticleQuery | None = None) -> Iterator[dict[str, Any]]:
        query = query or ArticleQuery()
        criteria: dict[str, Any] = {}
        if query.site:
            criteria["site"] = query.site
        if query.region:
            criteria["region.code"] = query.region
        window = {op: day_start(value, 1 if op == "$lt" else 0)
                  for op, value in (("$gte", query.since), ("$lt", query.until)) if value}
        if window:
            criteria["published_at"] = window
        cursor = self.articles.find(criteria, HIDDEN).sort([("first_seen_at", ASCENDING),
                                                             ("id", ASCENDING)])
        for doc in cursor.batch_size(500):
            yield from_bson(doc)

    def count(self) -> int:
        return int(self.articles.count_documents({}))

    def sites(self) -> list[str]:
        return sorted(self.articles.distinct("site"))

    # --- writes --------------------------------------------------------------------------------
    def is_outage(self, error: BaseException) -> bool:
        """Connection trouble, timeouts and a merge that kept racing: try again later. A
        validation error, a duplicate key or a document BSON cannot hold: never."""
        return isinstance(error, (ConnectionFailure, ExecutionTimeout, WriteConcernError,
                                  MergeRaced))

    def _write(self, ops: list[Operation]) -> None:
        """Failures first, then the articles and re-rootings in their order (the articles clear
        their own failures), then day marks: a batch that fails half-way has recorded no day
        whose articles are not stored. Every request is idempotent, so a batch can be replayed."""
        if not self.prepared:
            self.prepare()
        failures = [_failure_request(op) for op in ops if isinstance(op, RecordFailure)]
        if failures:
            self.failed.bulk_write(failures, ordered=True)
        documents: list[dict[str, Any]] = []
        for op in [*ops, None]:
            if isinstance(op, Upsert):
                documents.append(op.doc)
                continue
            if documents:
                self._write_documents(documents)
                documents = []
            if isinstance(op, Reroot):
                self.articles.update_many(
                    {"$or": [{"duplicate_of": op.old}, {"_id": op.old}], "_id": {"$ne": op.new}},
                    {"$set": {"duplicate_of": op.new}})
        cleared = [key for op in ops for key in _cleared_keys(op)]
        if cleared:
            self.failed.bulk_write([DeleteMany({"url_key": {"$in": cleared}})])
        days = [UpdateOne({"_id": f"{op.site}:{day}"}, {"$set": {"site": op.site, "day": day}},
                          upsert=True)
                for op in ops if isinstance(op, MarkDays) for day in op.days]
        if days:
            self.days.bulk_write(days, ordered=False)

    def _write_documents(self, docs: list[dict[str, Any]]) -> None:
        """New stories in one bulk insert; a story the database already holds is merged with
        it (read, merge, replace if nobody wrote it meanwhile). Writes of one story within the
        batch are merged first, so each story is one request."""
        by_id: dict[str, dict[str, Any]] = {}
        for doc in docs:
            kept = by_id.get(doc["id"])
            by_id[doc["id"]] = merge_documents(kept, doc) if kept else doc
        result = self.articles.bulk_write(
            [UpdateOne({"_id": doc_id}, {"$setOnInsert": {**stored_form(doc),
                                                          "write_version": 1}}, upsert=True)
             for doc_id, doc in by_id.items()], ordered=True)
        inserted = set(result.upserted_ids.values())
        for doc_id, doc in by_id.items():
            if doc_id not in inserted:
                self._merge_stored(doc)

    def _merge_stored(self, doc: dict[str, Any]) -> None:
        for _ in range(MERGE_ATTEMPTS):
            raw = self.articles.find_one({"_id": doc["id"]})
            version = raw.get("write_version", 0) if raw else 0
            merged = merge_documents(from_bson(dict(raw)), doc) if raw else doc
            replaced = self.articles.replace_one(
                {"_id": doc["id"], "write_version": version} if raw else {"_id": doc["id"]},
                {**stored_form(merged), "_id": doc["id"], "write_version": version + 1},
                upsert=not raw)
            if replaced.matched_count or replaced.upserted_id is not None:
                return
        raise MergeRaced(f"story {doc['id']} kept changing under {MERGE_ATTEMPTS} merges")

    def _start_run(self, run: dict[str, Any]) -> None:
        self.runs.insert_one({"_id": run["run_id"], **to_bson(dict(run), _RUN_DATES)})

    def _update_run(self, run_id: str, fields: dict[str, Any]) -> None:
        self.runs.update_one({"_id": run_id}, {"$set": to_bson(dict(fields), _RUN_DATES)})

    def _iter_runs(self, limit: int, site: str | None) -> Iterator[dict[str, Any]]:
        cursor = self.runs.find({"site": site} if site else {}, {"_id": 0})
        for run in cursor.sort("started_at", DESCENDING).limit(limit):
            yield from_bson(run, _RUN_DATES)

    def _completed_days(self, site: str) -> set[str]:
        return {doc["day"] for doc in self.days.find({"site": site}, {"day": 1})}

    def _failures(self, site: str) -> list[dict[str, Any]]:
        cursor = self.failed.find({"site": site}, {"_id": 0}).sort("last_failed_at", DESCENDING)
        return [from_bson(doc, ("first_failed_at", "last_failed_at")) for doc in cursor]

    def _close(self) -> None:
        self.client.close()


def stored_form(doc: dict[str, Any]) -> dict[str, Any]:
    """A document as MongoDB keeps it: BSON dates, and its bigrams for search."""
    return {**to_bson(dict(doc)), "search_grams": distinct_bigrams(doc)}


def _failure_request(op: RecordFailure) -> UpdateOne:
    at = to_datetime(op.at)
    return UpdateOne({"_id": f"{op.site}:{op.url_key}"},
                     {"$set": {"site": op.site, "url_key": op.url_key, "url": op.url,
                               "kind": op.kind, "reason": op.reason, "last_failed_at": at,
                               "meta": op.meta},
                      "$setOnInsert": {"first_failed_at": at},
                      "$max": {"attempts": op.attempts}}, upsert=True)


def _cleared_keys(op: Operation) -> list[str]:
    """URL keys whose recorded failures a write settles."""
    if isinstance(op, ClearFailures):
        return op.url_keys
    if isinstance(op, Upsert):
        return list(op.doc["url_keys"])
    return []
