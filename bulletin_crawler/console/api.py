"""The JSON data API: articles with the console's filters, search and cursor pages; streamed
JSON Lines and CSV downloads (the CSV of ``bulletin export``); sites, runs and failed pages.
Described by ``/api/openapi.json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from bulletin_crawler.console.filters import article_query, parse_cursor, query_string
from bulletin_crawler.console.views import Archive, now_shanghai, run_summary, site_rows
from bulletin_crawler.exports.schema import CSV_COLUMNS, csv_row
from bulletin_crawler.exports.writers import EXCEL_BOM, csv_line
from bulletin_crawler.stores.browse import MAX_PAGE, BrowseQuery

router = APIRouter(prefix="/api", tags=["data"])
DOWNLOAD_BATCH = 500


class ArticleList(BaseModel):
    articles: list[dict[str, Any]] = Field(
        description="documents of the data contract (docs/data-contract.md), newest first")
    next_cursor: str | None = Field(description="pass as cursor= for the next page; null "
                                                "on the last page")
    next: str | None = Field(description="the URL of the next page")


def archive_of(request: Request) -> Archive:
    archive: Archive = request.app.state.archive
    return archive


ArchiveDep = Annotated[Archive, Depends(archive_of)]
QueryDep = Annotated[BrowseQuery, Depends(article_query)]


@router.get("/articles", response_model=ArticleList)
def list_articles(request: Request, archive: ArchiveDep, query: QueryDep,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
                  cursor: Annotated[str | None, Query(
                      description="next_cursor of the previous page")] = None) -> ArticleList:
    """Articles the filters select, newest first (undated last), ``limit`` at a time. The
    cursor is a keyset: pages stay stable while crawls write."""
    page = archive.read(archive.store.browse, query, limit, parse_cursor(cursor))
    token = page.next.token() if page.next else None
    following = (f"{request.url.path}?{query_string(query, limit=limit, cursor=token)}"
                 if token else None)
    return ArticleList(articles=page.articles, next_cursor=token, next=following)


@router.get("/articles.jsonl", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def download_jsonl(archive: ArchiveDep, query: QueryDep) -> StreamingResponse:
    """Every article the filters select as JSON Lines, newest first, streamed."""
    lines = (json.dumps(doc, ensure_ascii=False) + "\n" for doc in _every(archive, query))
    return StreamingResponse(lines, media_type="application/x-ndjson; charset=utf-8",
                             headers=_attachment("articles.jsonl"))


@router.get("/articles.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}}})
def download_csv(archive: ArchiveDep, query: QueryDep,
                 excel: Annotated[bool, Query(
                     description="start with a UTF-8 byte order mark for Excel")] = False
                 ) -> StreamingResponse:
    """The same CSV as ``bulletin export --format csv`` (columns, null vs empty, names joined
    with ;), of every article the filters select, newest first, streamed."""

    def lines() -> Iterator[str]:
        yield (EXCEL_BOM if excel else "") + csv_line(CSV_COLUMNS)
        for doc in _every(archive, query):
            yield csv_line(csv_row(doc))

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8",
                             headers=_attachment("articles.csv"))


@router.get("/articles/{article_id}")
def get_article(archive: ArchiveDep, article_id: str) -> dict[str, Any]:
    """One document of the data contract."""
    doc = archive.read(archive.store.get, article_id)
    if doc is None:
        raise HTTPException(404, f"no article {article_id!r} in this archive")
    return doc


@router.get("/articles/{article_id}/cluster")
def get_cluster(archive: ArchiveDep, article_id: str) -> dict[str, Any]:
    """Its near-duplicate cluster: the root (``duplicate_of``, or itself) and every story
    whose ``duplicate_of`` is that root."""
    doc = archive.read(archive.store.get, article_id)
    if doc is None:
        raise HTTPException(404, f"no article {article_id!r} in this archive")
    root = doc.get("duplicate_of") or doc["id"]
    return {"root": root, "members": [member["id"] for member in
                                      archive.read(archive.store.cluster, root)]}


@router.get("/sites")
def list_sites(archive: ArchiveDep,
               days: Annotated[int, Query(ge=1, le=366)] = 30) -> dict[str, Any]:
    """Every site: registry facts, articles, newest article, last run, next due, staleness,
    and articles per day over the last ``days`` days."""
    now = now_shanghai()
    rows, span, counts = site_rows(archive, days, now)
    return {"as_of": now.isoformat(timespec="seconds"), "days": [d.isoformat() for d in span],
            "sites": [{**row.as_json(), "daily": counts.get(row.key, {})} for row in rows]}


@router.get("/runs")
def list_runs(archive: ArchiveDep, site: str | None = None,
              limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> dict[str, Any]:
    """Crawl records, newest first, with status as it stands now, duration, figures and
    failed monitors."""
    runs = archive.read(lambda: list(archive.store.iter_runs(limit, site)))
    return {"runs": [{**run_summary(run), "record": run} for run in runs]}


@router.get("/failures")
def list_failures(archive: ArchiveDep, site: str) -> dict[str, Any]:
    """A site's pages that failed and wait for a retry (or were given up on)."""
    failures = archive.read(archive.store.failures, site)
    return {"max_attempts": archive.max_attempts,
            "failures": [{key: value for key, value in failure.items() if key != "meta"}
                         for failure in failures]}


def _every(archive: Archive, query: BrowseQuery) -> Iterator[dict[str, Any]]:
    """Every selected article, a page at a time; the store is only held while a page is read."""
    after = None
    while True:
        page = archive.read(archive.store.browse, query, DOWNLOAD_BATCH, after)
        yield from page.articles
        if page.next is None:
            return
        after = page.next


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
