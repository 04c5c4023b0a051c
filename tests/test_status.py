"""``bulletin status``: staleness and next due time from a site's schedule and runs, the table
and the JSON on a store no scheduler ever touched (read without writing), and one-line errors
for bad input to the operations commands."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest
from scrapy.settings import Settings

from bulletin_crawler import settings as project_settings
from bulletin_crawler.scheduling.plan import site_schedule
from bulletin_crawler.scheduling.state import SiteState
from bulletin_crawler.scheduling.status import site_status
from bulletin_crawler.sites import load_registry
from bulletin_crawler.stores import open_store

from .conftest import run_bulletin
from .test_cli_errors import one_line_error

SETTINGS = Settings(vars(project_settings))
ZZRB = site_schedule(load_registry().site("zzrb"), SETTINGS)  # 20 7 * * *


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+08:00")


def run(started: str, status: str = "ok", **fields) -> dict:
    return {"run_id": started, "status": status, "started_at": f"{started}+08:00",
            "finished_at": f"{started[:-2]}59+08:00", "figures": {"stored": 3}, **fields}


@pytest.mark.parametrize(("runs", "stale"), [
    ([run("2026-01-05T07:20:05")], False),
    ([run("2026-01-05T07:20:05", "failed"), run("2026-01-04T07:20:03")], False),  # one miss
    ([run("2026-01-05T07:20:05", "failed"), run("2026-01-03T07:20:03")], True),
    ([], True),
])
def test_a_site_is_stale_when_a_whole_period_went_by_without_a_good_run(runs, stale):
    line = site_status("zzrb", ZZRB, runs, SiteState("zzrb", last_slot=at(
        "2026-01-05T07:20:00").timestamp()), at("2026-01-05T12:00:00"))
    assert line["stale"] is stale
    assert line["next_due"] == "2026-01-06T07:20:00+08:00" and not line["due_now"]


def test_next_due_is_now_when_a_slot_waits_and_later_when_a_retry_waits():
    now = at("2026-01-05T12:00:00")
    assert site_status("zzrb", ZZRB, [], None, now)["due_now"] is True
    retry = SiteState("zzrb", retry_at=at("2026-01-05T12:10:00").timestamp())
    assert site_status("zzrb", ZZRB, [], retry, now)["next_due"] == "2026-01-05T12:10:00+08:00"


def test_status_reads_a_store_no_scheduler_touched(tmp_path):
    uri = f"sqlite:///{tmp_path / 's.sqlite3'}"
    store = open_store(uri)
    store.start_run({"run_id": "r1", "site": "zzrb", "status": "running",
                     "started_at": "2026-01-05T07:20:05+08:00", "host": "elsewhere",
                     "heartbeat_at": "2026-01-05T07:20:05+08:00", "stale_after": 120})
    store.update_run("r1", {"status": "failed", "finished_at": "2026-01-05T07:21:10+08:00",
                            "reasons": ["monitor missing issues: 4 issues missing, expected at "
                                        "most 3"], "figures": {"stored": 0, "errors": 1},
                            "monitors": {"failed": [{"monitor": "missing issues",
                                                     "message": "4 issues missing"}]}})
    store.close()
    table = run_bulletin("status", "--store", uri, cwd=tmp_path).stdout.splitlines()
    assert len(table) == 2 and table[1].split()[:6] == ["zzrb", "2026-01-05", "07:20", "1m05s",
                                                        "failed", "0"]
    assert "missing issues" in table[1] and "due now" in table[1] and "STALE" in table[1]
    [line] = json.loads(run_bulletin("status", "--json", "--store", uri, cwd=tmp_path).stdout)
    assert line["last_run"]["failed_monitors"] == ["missing issues"]
    assert line["last_run"]["seconds"] == 65 and line["due_now"] and line["stale"]
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:  # status wrote no schedule tables
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert not any(name.startswith("schedule_") for name in tables)
    everything = json.loads(run_bulletin("status", "--json", "--all", "--store", uri,
                                         cwd=tmp_path).stdout)
    assert len(everything) == 6 and everything[0]["site"] == "anyang"  # never run: stale


def test_bad_input_to_the_operations_commands_is_one_line(tmp_path):
    store = ("--store", f"sqlite:///{tmp_path / 's.sqlite3'}")
    one_line_error(run_bulletin("schedule", "nosuch", "--once", *store, cwd=tmp_path,
                                check=False), "bulletin schedule: nosuch: no such site", code=2)
    one_line_error(run_bulletin("schedule", "--once", "--executor", "scrapyd", "--scrapyd",
                                "nowhere", *store, cwd=tmp_path, check=False),
                   "Scrapyd node 'nowhere' is neither a scrapy.cfg deploy target", code=2)
    one_line_error(run_bulletin("deploy", "nowhere", cwd=tmp_path, check=False),
                   "bulletin deploy: no deploy target 'nowhere' in scrapy.cfg", code=2)


def test_the_console_shows_the_schedulers_next_due_and_stale_sites(tmp_path):
    """`bulletin serve` asks the scheduling rules of `bulletin status` for next due and stale."""
    from datetime import datetime, timedelta

    from fastapi.testclient import TestClient

    from bulletin_crawler.console.app import create_app
    from bulletin_crawler.runner import project_settings
    from bulletin_crawler.scheduling.state import open_state
    from bulletin_crawler.scheduling.status import due_function
    from bulletin_crawler.sites import load_registry
    from bulletin_crawler.stores.sqlite import SQLiteStore

    uri = f"sqlite:///{tmp_path}/s.sqlite3"
    store = SQLiteStore(tmp_path / "s.sqlite3")
    long_ago = (datetime.now().astimezone() - timedelta(days=3)).isoformat(timespec="seconds")
    store.start_run({"run_id": "r1", "site": "zzrb", "started_at": long_ago, "status": "ok",
                     "finished_at": long_ago, "figures": {"stored": 3}})
    state = open_state(uri, create=False)
    app = create_app(store, load_registry(), due=due_function(project_settings(uri), state))
    page = TestClient(app).get("/").text
    row = page[page.index("zzrb"):][:3000]
    row = row[:row.find("</tr>")]
    assert 'class="status stale"' in row and " 07:20</td>" in row  # e-papers' default slot
    state.close()
    store.close()
