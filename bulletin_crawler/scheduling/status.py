"""Where each site stands, for ``bulletin status``: its last run, its next slot, and whether it
is **stale** — no successful run since the slot before its latest one, i.e. at least one whole
period of its schedule went by without a good crawl."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bulletin_crawler.scheduling.plan import ScheduleError, SiteSchedule, site_schedule
from bulletin_crawler.scheduling.state import ScheduleState, SiteState
from bulletin_crawler.sites.config import SiteConfig

FIGURES = ("stored", "new", "duplicates", "errors")


def last_run_summary(run: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The fields of a run record an operator reads first."""
    started = _time(run.get("started_at"))
    finished = _time(run.get("finished_at")) if run["status"] != "running" else now
    figures = run.get("figures") or {}
    monitors = run.get("monitors") or {}
    return {"run_id": run.get("run_id"), "job": run.get("job"), "status": run["status"],
            "started_at": run.get("started_at"), "finished_at": run.get("finished_at"),
            "seconds": round((finished - started).total_seconds())
            if started and finished else None,
            **{name: figures.get(name, 0) for name in FIGURES},
            "failed_monitors": [f["monitor"] for f in monitors.get("failed", [])],
            "reasons": list(run.get("reasons") or [])}


def site_status(key: str, schedule: SiteSchedule | None, runs: list[dict[str, Any]],
                state: SiteState | None, now: datetime) -> dict[str, Any]:
    """One site's line: ``runs`` are its recent records, newest first."""
    last_ok = next((run for run in runs if run["status"] == "ok"), None)
    status: dict[str, Any] = {
        "site": key, "schedule": schedule.cron.expression if schedule else None,
        "last_run": last_run_summary(runs[0], now) if runs else None,
        "last_ok_at": last_ok.get("started_at") if last_ok else None,
        "next_due": None, "due_now": False, "stale": False}
    if schedule is None:
        return status
    latest = schedule.cron.last_at_or_before(now)
    dispatched = state is not None and state.last_slot is not None \
        and state.last_slot >= latest.timestamp()
    retry_at = datetime.fromtimestamp(state.retry_at, now.tzinfo) \
        if state is not None and state.retry_at else None
    if retry_at and retry_at > now:
        status["next_due"] = retry_at.isoformat()
    elif dispatched:
        status["next_due"] = schedule.cron.next_after(now).isoformat()
    else:
        status.update(next_due=latest.isoformat(), due_now=True)
    before = schedule.cron.last_at_or_before(latest - timedelta(seconds=1))
    ok_at = _time(last_ok.get("started_at")) if last_ok else None
    status["stale"] = ok_at is None or ok_at < before
    return status


def due_function(settings: Any, state: ScheduleState | None
                 ) -> Callable[[str, SiteConfig | None, list[dict[str, Any]], datetime],
                               tuple[datetime | None, bool]]:
    """Next due time and staleness by the same rule as ``bulletin status``, for the console's
    overview (:data:`bulletin_crawler.console.operations.DueFunction`)."""

    def due(key: str, site: SiteConfig | None, runs: list[dict[str, Any]],
            now: datetime) -> tuple[datetime | None, bool]:
        try:
            schedule = site_schedule(site, settings) if site is not None else None
        except ScheduleError:
            schedule = None
        if schedule is None:
            return None, False
        states = state.states() if state is not None else {}
        line = site_status(key, schedule, runs, states.get(key), now)
        # a site nobody crawled or scheduled yet is not late for anything
        known = bool(runs) or key in states
        return _time(line["next_due"]), bool(line["stale"]) and known

    return due


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
