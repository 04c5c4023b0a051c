"""What each page shows, read from the store, the site registry and the due function; the
templates only lay it out, and the JSON API returns the same facts."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from markupsafe import Markup

from bulletin_crawler.console.charts import daily_bars, days_back
from bulletin_crawler.console.operations import RUNS_FOR_DUE, DueFunction
from bulletin_crawler.contract import SHANGHAI
from bulletin_crawler.sites.config import SiteConfig
from bulletin_crawler.sites.registry import Registry
from bulletin_crawler.stores.base import ArticleStore
from bulletin_crawler.stores.browse import BrowseQuery

T = TypeVar("T")
FIGURES = ("pages", "stored", "new", "updated", "duplicates", "near_copies", "failed", "errors")
COVERAGE_PREFIX = "bulletin/coverage/"
COVERED = ("published_at", "reporters", "body")
COVERAGE_WEEKS = 12


@dataclass
class Archive:
    """The store and what the console knows beside it. One lock serialises store calls: the
    embedded store's connection is shared by the server's worker threads."""

    store: ArticleStore
    registry: Registry
    due: DueFunction
    max_attempts: int
    lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self, method: Callable[..., T], *args: Any) -> T:
        with self.lock:
            return method(*args)


@dataclass
class SiteRow:
    key: str
    name: str
    family: str
    kind: str
    region: dict[str, Any]
    articles: int
    newest: str | None
    last_run: dict[str, Any] | None
    next_due: datetime | None
    stale: bool
    chart: Markup = field(default_factory=Markup)

    @property
    def region_text(self) -> str:
        return region_text(self.region)

    def as_json(self) -> dict[str, Any]:
        return {"site": self.key, "name": self.name, "family": self.family, "kind": self.kind,
                "region": self.region, "articles": self.articles, "newest": self.newest,
                "last_run": self.last_run,
                "next_due": self.next_due.isoformat() if self.next_due else None,
                "stale": self.stale}


def region_text(region: dict[str, Any]) -> str:
    names = [region.get(part) for part in ("province", "city", "district")]
    return " ".join(name for name in names if name) + (f" ({region['code']})"
                                                        if region.get("code") else "")


def run_summary(run: dict[str, Any]) -> dict[str, Any]:
    """A run record as the console shows it: duration, figures, failed monitors."""
    figures = run.get("figures") or {}
    monitors = run.get("monitors") or {}
    failed = [item.get("monitor", "?") for item in monitors.get("failed") or []] or [
        reason.removeprefix("monitor ").split(":")[0] for reason in run.get("reasons") or []
        if reason.startswith("monitor ")]
    return {"run_id": run.get("run_id"), "site": run.get("site"), "status": run["status"],
            "started_at": run.get("started_at"), "finished_at": run.get("finished_at"),
            "seconds": _seconds(run.get("started_at"), run.get("finished_at")),
            "figures": {name: figures.get(name, 0) for name in FIGURES},
            "reasons": list(run.get("reasons") or []), "failed_monitors": failed,
            "passed_monitors": list(monitors.get("passed") or []),
            "skipped_monitors": list(monitors.get("skipped") or []),
            "coverage": run_coverage(run)}


def run_coverage(run: dict[str, Any]) -> dict[str, int] | None:
    """Field coverage a monitored crawl counted in its stats, or None."""
    stats = run.get("stats") or {}
    articles = stats.get(COVERAGE_PREFIX + "articles")
    if not isinstance(articles, int) or not articles:
        return None
    return {"articles": articles, **{name: int(stats.get(COVERAGE_PREFIX + name) or 0)
                                     for name in COVERED}}


def _seconds(start: str | None, end: str | None) -> int | None:
    try:
        return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)
                      ).total_seconds()) if start and end else None
    except ValueError:
        return None


def now_shanghai() -> datetime:
    return datetime.now(SHANGHAI)


def chart_end(totals: dict[str, tuple[int, str | None]], today: date) -> date:
    """The last day of the charts: today, or the newest article's day when the archive stops
    before today (a backfill, the demo) — never a future day a bad date would suggest."""
    newest = max((when[:10] for _, when in totals.values() if when), default=None)
    return min(today, date.fromisoformat(newest)) if newest else today


def site_rows(archive: Archive, days: int, now: datetime
              ) -> tuple[list[SiteRow], list[date], dict[str, dict[str, int]]]:
    """Every registered site and every site the store has — stale first, then those whose last
    run failed, sites never crawled last —, the charts' days, and articles per site per day."""
    store = archive.store
    totals = archive.read(store.site_totals)
    span = days_back(chart_end(totals, now.date()), days)
    counts = archive.read(store.daily_counts, span[0].isoformat(), span[-1].isoformat())
    keys = sorted({*archive.registry.sites, *totals})
    rows = []
    for key in keys:
        runs = archive.read(lambda site=key: list(store.iter_runs(RUNS_FOR_DUE, site)))
        row = site_row(archive, key, totals.get(key, (0, None)), runs, now)
        row.chart = daily_bars(counts.get(key, {}), span, bar=3 if days > 30 else 6,
                               label=key)
        rows.append(row)
    rows.sort(key=lambda row: (not row.stale, (row.last_run or {}).get("status") != "failed",
                               not (row.last_run or row.articles), row.key))
    return rows, span, counts


def site_row(archive: Archive, key: str, total: tuple[int, str | None],
             runs: list[dict[str, Any]], now: datetime) -> SiteRow:
    config: SiteConfig | None = archive.registry.sites.get(key)
    next_due, stale = archive.due(key, config, runs, now)
    if config is not None:
        name, family, kind = config.name, config.family, config.kind
        region = config.region.as_dict()
    else:  # known from the store only (the demo's site, a site file since removed)
        sample = archive.read(archive.store.browse, BrowseQuery(site=key), 1).articles
        doc = sample[0] if sample else {}
        name, family, kind = doc.get("source", key), "—", doc.get("kind", "—")
        region = doc.get("region") or {}
    return SiteRow(key, name, family, kind, region, total[0], total[1],
                   run_summary(runs[0]) if runs else None, next_due, stale)


def coverage_rows(archive: Archive, key: str, runs: list[dict[str, Any]], now: datetime
                  ) -> tuple[str, list[dict[str, Any]]]:
    """Field coverage over time: per run from the monitors' counts when crawls recorded them,
    else per week of stored articles. Returns ``(source, rows)``, oldest first."""
    counted = [(run["started_at"], run["coverage"]) for run in runs if run["coverage"]]
    if counted:
        return "runs", [{"when": when, **figures} for when, figures in reversed(counted)]
    since = (now.date() - timedelta(weeks=COVERAGE_WEEKS)).isoformat()
    weeks = archive.read(archive.store.coverage, key, since)
    return "articles", [{"when": f"week of {week.week}", "articles": week.articles,
                         "published_at": week.published_at, "reporters": week.reporters,
                         "body": week.body} for week in weeks]
