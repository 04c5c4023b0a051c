"""``bulletin schedule`` as operators run it, in real processes on loopback: two schedulers on
one store drive three fixture sites on minute schedules (a clock 30 times faster than real
time), share them, never run one site twice at once, and stop cleanly on SIGTERM with the slow
crawl that was running stopped gracefully and recorded; then ``--once`` after five hours of
downtime catches every site up once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from .faults.server import FaultServer, Slow
from .faults.sites import founder_epaper, trs_portal
from .ops.sites import days, write_scheduled

CLOCK = ("--clock-start", "2026-01-05T07:59:50+08:00", "--clock-speed", "30")
SETTINGS = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0",
            "-s", "BULLETIN_SCHEDULE_POLL_INTERVAL=15", "-s", "BULLETIN_SCHEDULE_LEASE_TTL=600",
            "-s", "BULLETIN_SCHEDULE_STOP_GRACE=20")
KEYS = ("paper", "portal", "slowportal")
SLOW_LIST = 6.0  # seconds its list page takes, every run: the crawl that SIGTERM finds running


def bulletin(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {name: value for name, value in os.environ.items()
           if name not in ("BULLETIN_STORE", "BULLETIN_SITES", "BULLETIN_JOURNAL_DIR")}
    return subprocess.Popen([sys.executable, "-m", "bulletin_crawler.cli", *args], cwd=cwd,
                            env={**env, "PYTHONUTF8": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def rows(store: Path, table: str, column: str) -> list[dict[str, Any]]:
    if not store.exists():
        return []
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        try:
            return [json.loads(raw) for (raw,) in db.execute(f"SELECT {column} FROM {table}")]
        except sqlite3.OperationalError:  # not created yet
            return []


def wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """Three fixture sites on loopback and their site files: an e-paper and a portal due every
    minute, and a portal due every two minutes whose list page is slow."""
    folder = tmp_path_factory.mktemp("ops")
    paper = founder_epaper(date(2021, 3, 1), 1, 3)
    portal = trs_portal(8, first_day=date(2021, 3, 1))
    slow = trs_portal(3, first_day=date(2021, 3, 1), column="tzgg", name="慢门户", seed=7)
    with ExitStack() as stack:
        servers = [stack.enter_context(FaultServer(site.routes)) for site in (paper, portal, slow)]
        servers[2].route(slow.list_paths[0], Slow(slow.routes[slow.list_paths[0]], SLOW_LIST))
        sites = folder / "sites"
        write_scheduled(paper, sites, "paper", servers[0].url, schedule="* * * * *",
                        schedule_args=days(paper))
        write_scheduled(portal, sites, "portal", servers[1].url, schedule="* * * * *",
                        schedule_args={"since": "2021-03-01"})
        write_scheduled(slow, sites, "slowportal", servers[2].url, schedule="*/2 * * * *",
                        schedule_args={"since": "2021-03-01"})
        yield {"folder": folder, "store": folder / "s.sqlite3", "slow": (servers[2], slow),
               "args": ("--sites", str(sites), "--store", f"sqlite:///{folder / 's.sqlite3'}",
                        "-s", f"BULLETIN_SCHEDULE_LOG_DIR={folder / 'logs'}", *SETTINGS)}


@pytest.fixture(scope="module")
def two_schedulers(world) -> dict[str, Any]:
    """Two schedulers, one store, one shared fast clock; SIGTERM once the slow crawl runs."""
    anchor = ("--clock-anchor", str(time.time()))
    procs = [bulletin("schedule", *KEYS, "--max-parallel", "1", *world["args"], *CLOCK, *anchor,
                      cwd=world["folder"]) for _ in range(2)]
    store = world["store"]
    try:
        def busy() -> bool:  # paper ran twice, portal once, the slow crawl runs now
            runs = rows(store, "crawl_runs", "run")
            closed = Counter(run["site"] for run in runs if run["status"] != "running")
            return closed["paper"] >= 2 and closed["portal"] >= 1 and any(
                run["site"] == "slowportal" and run["status"] == "running" for run in runs)

        wait_for(busy, 90, "runs of paper and portal while the slow crawl runs")
        stopped_at = time.monotonic()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        outputs = [proc.communicate(timeout=40) for proc in procs]
        stop_seconds = time.monotonic() - stopped_at
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return {"codes": [proc.returncode for proc in procs], "logs": [err for _out, err in outputs],
            "stop_seconds": stop_seconds, "runs": rows(store, "crawl_runs", "run"),
            "dispatches": rows(store, "schedule_dispatches", "doc")}


def test_two_schedulers_share_the_sites_but_never_run_one_site_twice_at_once(two_schedulers):
    runs, dispatches = two_schedulers["runs"], two_schedulers["dispatches"]
    assert {run["site"] for run in runs} == set(KEYS)
    assert len({d["holder"] for d in dispatches}) == 2, "both schedulers dispatched"
    for site in KEYS:
        spans = sorted((run["started_at"], run["finished_at"]) for run in runs
                       if run["site"] == site)
        for (_, finished), (started, _) in zip(spans, spans[1:], strict=False):
            assert started >= finished, f"{site}: runs overlap: {spans}"
        slots = [d["slot"] for d in dispatches if d["site"] == site]
        assert len(slots) == len(set(slots)), f"{site}: a slot dispatched twice: {slots}"
    jobs = {job["job"] for d in dispatches for job in d.get("jobs", [])}
    assert {run["job"] for run in runs} <= jobs  # every run carries its dispatch's job id
    assert all(run["monitors"]["failed"] == [] for run in runs if run["status"] == "ok")
    for log in two_schedulers["logs"]:
        assert "dispatch " in log and "Traceback" not in log


def test_sigterm_stops_the_schedulers_and_the_running_crawl_gracefully(two_schedulers):
    assert two_schedulers["codes"] == [0, 0], two_schedulers["logs"]
    assert two_schedulers["stop_seconds"] < 20
    runs = two_schedulers["runs"]
    assert all(run["status"] in ("ok", "failed") for run in runs), runs  # all closed
    [stopped] = [run for run in runs if run["finish_reason"] == "shutdown"]
    assert stopped["site"] == "slowportal" and stopped["reasons"][0] == "finish reason shutdown"
    log = "".join(two_schedulers["logs"])
    assert "SIGTERM: stopping" in log and f"stopping slowportal job {stopped['job']}" in log
    [record] = [d for d in two_schedulers["dispatches"]
                if d.get("jobs") and d["jobs"][0]["job"] == stopped["job"]]
    assert record["status"] == "failed" and record["jobs"][0]["stopped"] == "stopped"
    assert record["jobs"][0]["reasons"] == stopped["reasons"]


def test_once_after_a_downtime_catches_each_site_up_once(world, two_schedulers):
    server, slow = world["slow"]
    server.route(slow.list_paths[0], slow.routes[slow.list_paths[0]])  # fast again
    before = len(two_schedulers["dispatches"])
    once = bulletin("schedule", *KEYS, "--once", "--max-parallel", "3", *world["args"],
                    "--clock-start", "2026-01-05T13:00:30+08:00", cwd=world["folder"])
    _out, log = once.communicate(timeout=60)
    assert once.returncode == 0, log
    new = rows(world["store"], "schedule_dispatches", "doc")[before:]
    assert sorted(d["site"] for d in new) == sorted(KEYS)
    assert all(d["status"] == "ok" for d in new)
    for d in new:
        assert d["slot"] == "2026-01-05T13:00:00+08:00" and d["missed"] > 100
        assert f"dispatch {d['site']}: slot 2026-01-05 13:00, catching up {d['missed']} " \
               "missed slots once" in log
    assert "done: 3 dispatched, 0 failed" in log
