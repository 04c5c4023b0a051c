"""The article filters as query parameters, shared by the Articles page, ``/api/articles`` and
the downloads, so a page's download links select exactly what the page shows."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query

from bulletin_crawler.stores.browse import BrowseQuery, Cursor

FILTER_NAMES = ("site", "region", "since", "until", "column", "reporter", "q")


def article_query(
    site: Annotated[str | None, Query(description="site key")] = None,
    region: Annotated[str | None, Query(
        description="division code or prefix: 410000 or 41 (province), 410100 or 4101 "
                    "(city), 410104 (district)")] = None,
    since: Annotated[str | None, Query(description="first day of published_at, 2020-11-28"
                                       )] = None,
    until: Annotated[str | None, Query(description="last day of published_at, included"
                                       )] = None,
    column: Annotated[str | None, Query(description="portal column, exactly")] = None,
    reporter: Annotated[str | None, Query(description="a name among the reporters")] = None,
    q: Annotated[str | None, Query(
        description="search title, kicker, subtitle and body: every run of two or more "
                    "letters or characters must appear (管城, 蓝天保卫战)")] = None,
) -> BrowseQuery:
    """Blank fields (an empty form input) mean no filter; a bad value raises ``BadQuery``."""
    return BrowseQuery(site=site or None, region=region or None, since=since or None,
                       until=until or None, column=column or None, reporter=reporter or None,
                       text=(q or "").strip() or None)


def parse_cursor(cursor: str | None) -> Cursor | None:
    return Cursor.parse(cursor) if cursor else None


def query_string(query: BrowseQuery, **extra: str | int | None) -> str:
    """The query's filters (and ``extra``) as a URL query string, blanks left out."""
    values = {"site": query.site, "region": query.region, "since": query.since,
              "until": query.until, "column": query.column, "reporter": query.reporter,
              "q": query.text, **extra}
    return urlencode({name: value for name, value in values.items() if value})
