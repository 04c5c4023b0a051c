"""Schedule state in MongoDB: collections ``schedule_leases`` (``_id`` = site) and
``schedule_dispatches`` in the store's database. A claim is one ``find_one_and_update`` with
``upsert``: when the site's document exists but does not match (held, or slot already taken),
the upsert's insert collides on ``_id`` and the claim fails — atomic across machines."""

from __future__ import annotations

from typing import Any

from pymongo import DESCENDING, MongoClient
from pymongo.errors import DuplicateKeyError, PyMongoError
from pymongo.uri_parser import parse_uri

from bulletin_crawler.redaction import redact
from bulletin_crawler.scheduling.state import ScheduleState, SiteState
from bulletin_crawler.stores import StoreError
from bulletin_crawler.stores.base import short_error

DEFAULT_DATABASE = "bulletin"


class MongoScheduleState(ScheduleState):
    def __init__(self, uri: str, client: MongoClient[Any] | None = None,
                 server_timeout_ms: int = 5000, create: bool = True):
        try:
            database = parse_uri(uri).get("database") or DEFAULT_DATABASE
            self.client: MongoClient[Any] = client or MongoClient(
                uri, serverSelectionTimeoutMS=server_timeout_ms)
            self.leases = self.client[database]["schedule_leases"]
            self.log = self.client[database]["schedule_dispatches"]
            if create:
                self.log.create_index([("site", 1), ("dispatched_at", DESCENDING)],
                                      name="site_dispatched_at")
        except (PyMongoError, ValueError) as error:
            raise StoreError(f"{redact(uri)}: cannot keep the schedule "
                             f"({redact(short_error(error))})") from None

    def claim(self, site: str, slot: float, holder: str, ttl: float, now: float) -> bool:
        free = {"$or": [{"holder": None}, {"expires_at": {"$lt": now}}]}
        newer = {"$or": [{"last_slot": None}, {"last_slot": {"$lt": slot}}]}
        waited = {"$or": [{"retry_at": None}, {"retry_at": {"$lte": now}}]}
        try:
            self.leases.find_one_and_update(
                {"_id": site, "$and": [free, newer, waited]},
                {"$set": {"holder": holder, "expires_at": now + ttl, "last_slot": slot,
                          "retry_at": None}}, upsert=True)
        except DuplicateKeyError:
            return False
        return True

    def renew(self, site: str, holder: str, ttl: float, now: float) -> bool:
        result = self.leases.update_one({"_id": site, "holder": holder},
                                        {"$set": {"expires_at": now + ttl}})
        return result.matched_count == 1

    def release(self, site: str, holder: str, retry: tuple[float | None, float] | None = None
                ) -> None:
        fields: dict[str, Any] = {"holder": None, "expires_at": None}
        if retry is not None:
            fields.update(last_slot=retry[0], retry_at=retry[1])
        self.leases.update_one({"_id": site, "holder": holder}, {"$set": fields})

    def states(self) -> dict[str, SiteState]:
        return {doc["_id"]: SiteState(doc["_id"], doc.get("holder"), doc.get("expires_at"),
                                      doc.get("last_slot"), doc.get("retry_at"))
                for doc in self.leases.find()}

    def record_dispatch(self, dispatch: dict[str, Any]) -> None:
        self.log.insert_one({"_id": dispatch["id"], **dispatch})

    def update_dispatch(self, dispatch_id: str, fields: dict[str, Any]) -> None:
        self.log.update_one({"_id": dispatch_id}, {"$set": fields})

    def dispatches(self, site: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        cursor = self.log.find({"site": site} if site else {}, {"_id": 0})
        return list(cursor.sort("dispatched_at", DESCENDING).limit(limit))

    def close(self) -> None:
        self.client.close()
