"""The MongoDB store's answers to the console and the data API.

Search uses ``search_grams``, an internal array of each document's distinct character bigrams
(:mod:`bulletin_crawler.stores.search`), indexed together with the newest-first order: a query
asks for all of its terms' bigrams, the index walks the first one's entries newest first, and
the candidates' text is checked so the bigrams stand in order. MongoDB's own ``$text`` index
splits words at spaces and cannot find ``管城`` inside ``管城回族区``; docs/console.md says what
Atlas Search would add.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from pymongo.errors import OperationFailure

from bulletin_crawler.stores.browse import BrowseQuery, Coverage, Cursor, week_start
from bulletin_crawler.stores.bson_dates import day_start, from_bson, to_datetime, to_iso
from bulletin_crawler.stores.search import bigrams, contains_terms

NEWEST = [("published_at", DESCENDING), ("_id", DESCENDING)]
#: Every filter of the article list leads an index that ends in the newest-first order.
BROWSE_INDEXES: list[tuple[list[tuple[str, int]], dict[str, Any]]] = [
    (NEWEST, {"name": "newest"}),
    ([("site", ASCENDING), *NEWEST], {"name": "site_newest"}),
    ([("region.code", ASCENDING), *NEWEST], {"name": "region_newest"}),
    ([("column", ASCENDING), *NEWEST], {"name": "column_newest"}),
    ([("reporters", ASCENDING), *NEWEST], {"name": "reporters_newest"}),
    ([("search_grams", ASCENDING), *NEWEST], {"name": "search_grams_newest"}),
    ([("site", ASCENDING), ("first_seen_at", ASCENDING)], {"name": "site_first_seen_at"}),
]
HIDDEN = {"_id": 0, "url_keys": 0, "fingerprint": 0, "places": 0, "write_version": 0,
          "search_grams": 0}


class MongoBrowse:
    """Mixed into :class:`~bulletin_crawler.stores.mongo.MongoStore`."""

    articles: Collection[Any]
    database_name: str

    def _browse(self, query: BrowseQuery, limit: int, after: Cursor | None
                ) -> list[dict[str, Any]]:
        found = []
        cursor = self.articles.find(self._criteria(query, after), HIDDEN).sort(NEWEST)
        for raw in cursor.batch_size(limit):
            doc = from_bson(raw)
            if not query.terms or contains_terms(doc, query.terms):
                found.append(doc)
                if len(found) == limit:
                    break
        return found

    def _criteria(self, query: BrowseQuery, after: Cursor | None) -> dict[str, Any]:
        criteria: dict[str, Any] = {}
        if query.site:
            criteria["site"] = query.site
        if prefix := query.region_prefix:
            criteria["region.code"] = {"$regex": f"^{prefix}"}  # digits only: BrowseQuery
        window = {op: day_start(value, 1 if op == "$lt" else 0)
                  for op, value in (("$gte", query.since), ("$lt", query.until)) if value}
        if window:
            criteria["published_at"] = window
        if query.column:
            criteria["column"] = query.column
        if query.reporter:
            criteria["reporters"] = query.reporter
        if query.terms:
            criteria["search_grams"] = {"$all": list(dict.fromkeys(
                gram for term in query.terms for gram in bigrams(term)))}
        if after is None:
            return criteria
        if after.published_at is None:
            keyset: dict[str, Any] = {"published_at": None, "_id": {"$lt": after.id}}
        else:
            moment = to_datetime(after.published_at)
            keyset = {"$or": [{"published_at": {"$lt": moment}},
                              {"published_at": moment, "_id": {"$lt": after.id}},
                              {"published_at": None}]}
        return {"$and": [criteria, keyset]} if criteria else keyset

    def daily_counts(self, since: str, until: str) -> dict[str, dict[str, int]]:
        window = {"$gte": day_start(since, 0), "$lt": day_start(until, 1)}
        counts: dict[str, dict[str, int]] = {}
        for site in self.articles.distinct("site"):
            days = Counter(to_iso(doc["published_at"])[:10] for doc in self.articles.find(
                {"site": site, "published_at": window}, {"_id": 0, "published_at": 1}))
            if days:
                counts[site] = dict(days)
        return counts

    def site_totals(self) -> dict[str, tuple[int, str | None]]:
        totals = {}
        for site in sorted(self.articles.distinct("site")):
            newest = self.articles.find_one({"site": site}, {"_id": 0, "published_at": 1},
                                            sort=NEWEST)
            when = (newest or {}).get("published_at")
            totals[site] = (self.articles.count_documents({"site": site}),
                            to_iso(when) if when else None)
        return totals

    def cluster(self, root_id: str) -> list[dict[str, Any]]:
        return [from_bson(doc) for doc in self.articles.find({"duplicate_of": root_id},
                                                             HIDDEN).sort(NEWEST)]

    def coverage(self, site: str, since: str) -> list[Coverage]:
        weeks: dict[str, list[int]] = {}
        for doc in self.articles.find(
                {"site": site, "first_seen_at": {"$gte": day_start(since, 0)}},
                {"_id": 0, "first_seen_at": 1, "published_at": 1, "reporters": 1, "body": 1}):
            totals = weeks.setdefault(week_start(to_iso(doc["first_seen_at"])), [0, 0, 0, 0])
            for index, present in enumerate((True, doc.get("published_at") is not None,
                                             bool(doc.get("reporters")), bool(doc.get("body")))):
                totals[index] += present
        return [Coverage(week, *figures) for week, figures in sorted(weeks.items())]

    def index_sizes(self) -> dict[str, int]:
        try:
            stats = self.articles.database.command({"collStats": "articles"})
        except (NotImplementedError, OperationFailure):  # mongomock keeps no sizes
            return {}
        sizes = stats.get("indexSizes") or {}
        return {"search index": int(sizes.get("search_grams_newest", 0)),
                "reporter index": int(sizes.get("reporters_newest", 0)),
                "articles (documents and their indexes)": int(stats.get("storageSize", 0))
                + int(stats.get("totalIndexSize", 0)) - int(sizes.get("search_grams_newest", 0))
                - int(sizes.get("reporters_newest", 0))}
