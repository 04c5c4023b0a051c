"""The console's server-rendered pages: Overview, Site, Articles, Article, API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from bulletin_crawler.console.api import ArchiveDep, QueryDep
from bulletin_crawler.console.charts import daily_bars, days_back
from bulletin_crawler.console.diff import revision_changes
from bulletin_crawler.console.filters import parse_cursor, query_string
from bulletin_crawler.console.views import (
    chart_end,
    coverage_rows,
    now_shanghai,
    run_summary,
    site_row,
    site_rows,
)
from bulletin_crawler.exports.schema import FIELDS
from bulletin_crawler.stores.browse import BrowseQuery

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PAGE_SIZE = 50
SITE_RUNS = 50


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template, {"now": now_shanghai(), **context})


@router.get("/")
def overview(request: Request, archive: ArchiveDep,
             days: Annotated[int, Query()] = 30) -> HTMLResponse:
    days = 90 if days == 90 else 30
    now = now_shanghai()
    rows, span, _ = site_rows(archive, days, now)
    return render(request, "overview.html", rows=rows, days=days, span=span,
                  total=archive.read(archive.store.count))


@router.get("/sites/{key}")
def site(request: Request, archive: ArchiveDep, key: str) -> HTMLResponse:
    now = now_shanghai()
    totals = archive.read(archive.store.site_totals)
    runs = archive.read(lambda: list(archive.store.iter_runs(SITE_RUNS, key)))
    if key not in archive.registry.sites and key not in totals and not runs:
        raise HTTPException(404, f"no site {key!r} in the registry or the archive")
    row = site_row(archive, key, totals.get(key, (0, None)), runs, now)
    span = days_back(chart_end(totals, now.date()), 90)
    counts = archive.read(archive.store.daily_counts, span[0].isoformat(), span[-1].isoformat())
    row.chart = daily_bars(counts.get(key, {}), span, bar=6, label=key)
    summaries = [run_summary(run) for run in runs]
    source, coverage = coverage_rows(archive, key, summaries, now)
    return render(request, "site.html", row=row, runs=summaries, span=span,
                  failures=archive.read(archive.store.failures, key),
                  max_attempts=archive.max_attempts, coverage=coverage,
                  coverage_source=source)


@router.get("/articles")
def articles(request: Request, archive: ArchiveDep, query: QueryDep,
             cursor: str | None = None) -> HTMLResponse:
    page = archive.read(archive.store.browse, query, PAGE_SIZE, parse_cursor(cursor))
    following = (f"/articles?{query_string(query, cursor=page.next.token())}"
                 if page.next else None)
    return render(request, "articles.html", query=query, page=page, following=following,
                  first_page=cursor is None, filters=query_string(query),
                  sites=sorted({*archive.registry.sites, *archive.read(archive.store.sites)}))


@router.get("/articles/{article_id}")
def article(request: Request, archive: ArchiveDep, article_id: str) -> HTMLResponse:
    doc = archive.read(archive.store.get, article_id)
    if doc is None:
        raise HTTPException(404, f"no article {article_id!r} in this archive")
    root_id = doc.get("duplicate_of") or doc["id"]
    root = archive.read(archive.store.get, root_id) if root_id != doc["id"] else doc
    members = archive.read(archive.store.cluster, root_id)
    return render(request, "article.html", doc=doc, root=root,
                  members=[member for member in members if member["id"] != doc["id"]],
                  changes=revision_changes(doc), fields=FIELDS)


@router.get("/api")
def api_page(request: Request) -> HTMLResponse:
    """The data API described from its own OpenAPI document (no third-party UI to load)."""
    spec = request.app.openapi()
    return render(request, "api.html", spec=spec, example=BrowseQuery(text="保卫战"))
