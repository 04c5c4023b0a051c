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
from bulletin_crawler.stores.sqlite_search import COLUMN, NEWEST, index_bytes


class SQLiteBrowse:
    """Mixed into :class:`~bulletin_crawler.stores.sqlite.SQLiteStore`."""

    db: sqlite3.Connection

    def _browse(self, query: BrowseQuery, limit: int, after: Cursor | None
                ) -> list[dict[str, Any]]:
        where, params = _filters(query)
        if after is not None:
            where.append(f"({NEWEST}, id) < (?, ?)")
            params += [after.published_at or "", after.id]
        sql = ("SELECT doc FROM articles" + (" WHERE " + " AND ".join(where) if where else "")
               + f" ORDER BY {NEWEST} DESC, id DESC LIMIT ?")
        return [public(json.loads(raw)) for (raw,) in self.db.execute(sql, [*params, limit])]

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


def _filters(query: BrowseQuery) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if query.site:
        where.append("site = ?")
        params.append(query.site)
    if prefix := query.region_prefix:
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
    if query.terms:
        where.append("id IN (SELECT article_id FROM article_rows WHERE n IN"
                     " (SELECT rowid FROM article_search WHERE article_search MATCH ?))")
        params.append(fts_query(query.terms))
    return where, params
