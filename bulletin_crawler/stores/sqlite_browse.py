"""The embedded store's answers to the console and the data API, on the indexes of
:mod:`.sqlite_search`."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bulletin_crawler.stores.base import public
from bulletin_crawler.stores.browse import (
    BrowseQuery,
    Coverage,
    Cursor,
    day_after,
    next_prefix,
    week_start,
)
from bulletin_crawler.stores.search import fts_query
from bulletin_crawler.stores.sqlite_search import (
    COLUMN,
    NEWEST,
    bucket,
    index_bytes,
    order_number,
)


class SQLiteBrowse:
    """Mixed into :class:`~bulletin_crawler.stores.sqlite.SQLiteStore`."""

    db: sqlite3.Connection

    def _browse(self, query: BrowseQuery, limit: int, after: Cursor | None
                ) -> list[dict[str, Any]]:
        if query.terms:
            ids = self._search_ids(query, limit, after)
        elif (prefix := query.region_prefix) and len(prefix) < 6:
            ids = self._region_ids(query, prefix, limit, after)
        else:
            ids = [doc_id for _, doc_id in self._page_keys(query, limit, after)]
        marks = ",".join("?" * len(ids))
        docs = dict(self.db.execute(f"SELECT id, doc FROM articles WHERE id IN ({marks})", ids))
        return [public(json.loads(docs[doc_id])) for doc_id in ids if doc_id in docs]

    def _page_keys(self, query: BrowseQuery, limit: int, after: Cursor | None,
                   region_code: str | None = None) -> list[tuple[str, str]]:
        """``(date, id)`` of a page, newest first: one index range (the page's ids first, their
        documents after, so nothing but keys is ever sorted)."""
        where, params = _filters(query, region_code)
        if after is not None:  # (date, id) < cursor, written so the date bounds the range
            where.append(f"{NEWEST} <= ? AND ({NEWEST} < ? OR id < ?)")
            params += [after.published_at or "", after.published_at or "", after.id]
        sql = (f"SELECT {NEWEST}, id FROM articles"
               + (" WHERE " + " AND ".join(where) if where else "")
               + f" ORDER BY {NEWEST} DESC, id DESC LIMIT ?")
        return list(self.db.execute(sql, [*params, limit]))

    def _region_ids(self, query: BrowseQuery, prefix: str, limit: int, after: Cursor | None
                    ) -> list[str]:
        """A province or city: the page of each of its division codes (index ranges), merged."""
        codes = [row[0] for row in self.db.execute(
            "SELECT DISTINCT region_code FROM articles WHERE region_code >= ? AND"
            " region_code < ?", (prefix, next_prefix(prefix)))]
        keys = [key for code in codes for key in self._page_keys(query, limit, after, code)]
        return [doc_id for _, doc_id in sorted(keys, reverse=True)[:limit]]

    def _search_ids(self, query: BrowseQuery, limit: int, after: Cursor | None) -> list[str]:
        """Walk the FTS matches newest first (rowids are :func:`order_number`) through the other
        filters, to the end of the bucket (second) in which the page fills; order that by
        ``(date, id)``."""
        where, params = _filters(query)
        if after is not None:  # the whole bucket of the cursor, cut exactly below
            where.append("s.rowid < ?")
            params.append((bucket(order_number(after.published_at, after.id)) + 1) << 32)
        rows = self.db.execute(
            "SELECT s.rowid, ifnull(a.published_at, ''), a.id FROM article_search s"
            " CROSS JOIN article_rows r ON r.n = s.rowid CROSS JOIN articles a"
            " ON a.id = r.article_id WHERE article_search MATCH ?"
            + "".join(f" AND {clause}" for clause in where) + " ORDER BY s.rowid DESC",
            [fts_query(query.terms), *params])
        cursor = (after.published_at or "", after.id) if after else None
        found: list[tuple[str, str]] = []
        last = -1
        for number, published, doc_id in rows:
            if len(found) >= limit and bucket(number) != last:
                break
            last = bucket(number)
            if cursor is None or (published, doc_id) < cursor:
                found.append((published, doc_id))
        return [doc_id for _, doc_id in sorted(found, reverse=True)[:limit]]

    def daily_counts(self, since: str, until: str) -> dict[str, dict[str, int]]:
        rows = self.db.execute(
            f"SELECT site, substr({NEWEST}, 1, 10) AS day, COUNT(*) FROM articles"
            f" INDEXED BY articles_site_newest WHERE site IN (SELECT DISTINCT site FROM articles)"
            f" AND {NEWEST} >= ? AND {NEWEST} < ? GROUP BY site, day",
            (since, day_after(until)))
        counts: dict[str, dict[str, int]] = {}
        for site, day, count in rows:
            counts.setdefault(site, {})[day] = count
        return counts

    def site_totals(self) -> dict[str, tuple[int, str | None]]:
        rows = self.db.execute(f"SELECT site, COUNT(*), MAX({NEWEST}) FROM articles"
                               " INDEXED BY articles_site_newest GROUP BY site")
        return {site: (count, newest or None) for site, count, newest in rows}

    def cluster(self, root_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT doc FROM articles WHERE duplicate_of = ?"
                               f" ORDER BY {NEWEST} DESC, id DESC", (root_id,))
        return [public(json.loads(raw)) for (raw,) in rows]

    def coverage(self, site: str, since: str) -> list[Coverage]:
        rows = self.db.execute(
            "SELECT substr(first_seen_at, 1, 10), COUNT(*), COUNT(published_at),"
            " SUM(json_array_length(doc, '$.reporters') > 0),"
            " SUM(length(json_extract(doc, '$.body')) > 0)"
            " FROM articles WHERE site = ? AND first_seen_at >= ?"
            " GROUP BY substr(first_seen_at, 1, 10)", (site, since))
        weeks: dict[str, list[int]] = {}
        for day, *figures in rows:
            totals = weeks.setdefault(week_start(day), [0, 0, 0, 0])
            for index, value in enumerate(figures):
                totals[index] += value or 0
        return [Coverage(week, *figures) for week, figures in sorted(weeks.items())]

    def index_sizes(self) -> dict[str, int]:
        return index_bytes(self.db)


def _filters(query: BrowseQuery, region_code: str | None = None
             ) -> tuple[list[str], list[Any]]:
    """Conditions on ``articles`` for every filter but the search terms (``region_code``: one
    division code instead of the query's prefix)."""
    where: list[str] = []
    params: list[Any] = []
    if query.site:
        where.append("site = ?")
        params.append(query.site)
    if region_code:
        where.append("region_code = ?")
        params.append(region_code)
    elif prefix := query.region_prefix:
        where.append("region_code >= ? AND region_code < ?")
        params += [prefix, next_prefix(prefix)]
    if query.since:
        where.append(f"{NEWEST} >= ?")
        params.append(query.since)
    if query.until:
        where.append(f"{NEWEST} < ? AND published_at IS NOT NULL")
        params.append(query.until_next_day)
    if query.column:
        where.append(f"{COLUMN} = ?")
        params.append(query.column)
    if query.reporter:
        where.append("id IN (SELECT article_id FROM article_reporters WHERE name = ?)")
        params.append(query.reporter)
    return where, params
