"""``bulletin status``: one line per site — its last run (when, how long, result, figures,
failed monitors), when it is due next — stale sites first; ``--json`` for scripts."""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime
from typing import Any

from bulletin_crawler.cli.table import print_table
from bulletin_crawler.extraction.dates import SHANGHAI
from bulletin_crawler.runner import project_settings
from bulletin_crawler.stores import DEFAULT_STORE_URI, STORE_ENV, open_store

RUNS_READ = 50  # records read per site to find its last successful run
HEADER = ("site", "last run", "took", "result", "stored", "new", "dup", "errors",
          "failed monitors", "next due", "stale", "why")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("status", help="each site's last run, next due time and "
                                                "staleness (stale sites first)")
    parser.add_argument("keys", nargs="*", metavar="KEY", help="only these sites")
    parser.add_argument("--store", default=os.environ.get(STORE_ENV, DEFAULT_STORE_URI),
                        help="store URI (default $BULLETIN_STORE, else the embedded store)")
    parser.add_argument("--sites", help="directory of extra site files (else $BULLETIN_SITES)")
    parser.add_argument("--all", action="store_true",
                        help="every registered site, also those never crawled or scheduled")
    parser.add_argument("--json", action="store_true", help="a JSON list, for scripts")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bulletin_crawler.scheduling.plan import ScheduleError, site_schedule
    from bulletin_crawler.scheduling.state import open_state
    from bulletin_crawler.scheduling.status import site_status
    from bulletin_crawler.sites.registry import load_registry, no_such_site

    settings = project_settings(args.store, args.sites)
    sites = load_registry(settings.get("BULLETIN_SITES") or None).sites
    unknown = [key for key in args.keys if key not in sites]
    if unknown:
        raise SystemExit(f"bulletin status: {no_such_site(unknown, sites)}")
    store = open_store(args.store, create=False, server_timeout_ms=3000)
    state = open_state(args.store, server_timeout_ms=3000, create=False)
    now = datetime.now(SHANGHAI)
    try:
        states = state.states()
        lines = []
        for key in args.keys or sorted(sites):
            runs = list(store.iter_runs(RUNS_READ, key))
            if not (runs or key in states or args.all or args.keys):
                continue
            try:
                schedule = site_schedule(sites[key], settings)
            except ScheduleError:
                schedule = None
            lines.append(site_status(key, schedule, runs, states.get(key), now))
    finally:
        state.close()
        store.close()
    lines.sort(key=lambda line: (not line["stale"], line["site"]))
    if args.json:
        print(json.dumps(lines, ensure_ascii=False, indent=1))
    else:
        print_table([HEADER, *(_row(line, now) for line in lines)], last_free=True)
    return 0


def _row(line: dict[str, Any], now: datetime) -> list[str]:
    run = line["last_run"]
    due = "due now" if line["due_now"] else _when(line["next_due"], now)
    stale = "STALE" if line["stale"] else ""
    if run is None:
        return [line["site"], "never", "", "", "", "", "", "", "", due, stale, ""]
    took = "" if run["seconds"] is None else _duration(run["seconds"])
    monitors = ", ".join(run["failed_monitors"])
    why = "; ".join(reason for reason in run["reasons"] if not reason.startswith("monitor "))
    return [line["site"], _when(run["started_at"], now), took, run["status"],
            *(str(run[name]) for name in ("stored", "new", "duplicates", "errors")),
            monitors, due, stale, why]


def _when(value: str | None, now: datetime) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(SHANGHAI)
    return f"{moment:%H:%M}" if moment.date() == now.date() else f"{moment:%Y-%m-%d %H:%M}"


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"
