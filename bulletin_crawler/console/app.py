"""The console as one ASGI application: pages, the JSON API, the package's own static files,
and the access guard in front of everything."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from bulletin_crawler import __version__
from bulletin_crawler.console import api, pages
from bulletin_crawler.console.access import Access, AccessGuard
from bulletin_crawler.console.charts import share_bar
from bulletin_crawler.console.operations import DueFunction, no_schedule
from bulletin_crawler.console.views import Archive, region_text
from bulletin_crawler.sites.registry import Registry
from bulletin_crawler.stores.base import ArticleStore
from bulletin_crawler.stores.browse import BadQuery

HERE = Path(__file__).parent


def create_app(store: ArticleStore, registry: Registry, *, due: DueFunction = no_schedule,
               max_attempts: int = 3, access: Access | None = None) -> Any:
    """The console over an open store. ``due`` answers next due and staleness per site
    (:mod:`.operations`); ``access`` the credentials required (none: loopback use)."""
    app = FastAPI(title="bulletin console", version=__version__,
                  description="Read-only data API over the bulletin archive: articles of the "
                              "data contract (docs/data-contract.md), sites and crawl runs.",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.archive = Archive(store, registry, due, max_attempts)
    app.state.templates = templates()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(BadQuery, bad_query)
    app.add_exception_handler(HTTPException, http_error)
    return AccessGuard(app, access or Access())


def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=HERE / "templates")
    found.env.filters.update(when=when, duration=duration, region=region_text,
                             json=as_json)
    found.env.globals.update(share_bar=share_bar, version=__version__)
    return found


def when(value: str | None, precision: str | None = None) -> str:
    """An ISO time as people read it (Asia/Shanghai): ``2020-11-30`` for a day-precision
    date, ``2020-11-30 09:00`` otherwise."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d" if precision == "day" else "%Y-%m-%d %H:%M")


def as_json(value: Any) -> str:
    """A field's value as JSON Lines and the API give it (Chinese as is; escaped for HTML by
    the template)."""
    return json.dumps(value, ensure_ascii=False)


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {seconds:02d}s" if minutes \
        else f"{seconds}s"


async def bad_query(request: Request, error: Exception) -> Response:
    return _error(request, 400, str(error))


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return _error(request, error.status_code, str(error.detail))


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    page: HTMLResponse = pages.render(request, "error.html", status=status, message=message)
    page.status_code = status
    return page
