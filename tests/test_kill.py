"""A crawl killed with ``kill -9`` midway, then run again with the same command, stores every
article exactly once: nothing lost in the write buffer, nothing stored twice.

Each test starts a real ``bulletin crawl`` of a generated site behind :class:`FaultServer`
(every page a little slow, so the kill lands mid-crawl), kills it once a share of the articles
has been fetched, and runs it again to the end."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from .conftest import run_bulletin
from .faults.server import FaultServer, Slow
from .faults.sites import GeneratedSite, founder_epaper, trs_portal

SETTINGS = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "RETRY_TIMES=0")


def command(tmp_path: Path, site: GeneratedSite, key: str, origin: str) -> list[str]:
    sites = tmp_path / "sites"
    site.write_site_file(sites, key)
    return ["crawl", key, "--sites", str(sites), "--origin", origin, "--store",
            f"sqlite:///{tmp_path}/s.sqlite3", "--since", site.first_day.isoformat(), "--until",
            site.last_day.isoformat(), *SETTINGS]


def kill_midway(tmp_path: Path, server: FaultServer, args: list[str], share: float,
                articles: set[str]) -> None:
    """Start the crawl, ``kill -9`` it once ``share`` of the articles were requested."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BULLETIN_")}
    process = subprocess.Popen([sys.executable, "-m", "bulletin_crawler.cli", *args],
                               cwd=tmp_path, env={**env, "PYTHONUTF8": "1"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            fetched = sum(1 for hit in server.log if hit.path.split("?")[0] in articles)
            if fetched >= share * len(articles):
                break
            time.sleep(0.05)
        assert process.poll() is None, "the crawl ended before it could be killed"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


def counts(tmp_path: Path) -> tuple[int, int, int, str]:
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        articles = db.execute("SELECT COUNT(*), COUNT(DISTINCT url) FROM articles").fetchone()
        days = db.execute("SELECT COUNT(*) FROM crawl_days").fetchone()[0]
        [status] = db.execute("SELECT status FROM crawl_runs ORDER BY id LIMIT 1").fetchone()
    return articles[0], articles[1], days, status


def test_a_killed_epaper_backfill_loses_nothing(tmp_path):
    site = founder_epaper(date(2021, 1, 1), 61, 10)
    articles = set(site.article_paths)
    assert len(articles) == 610
    routes = {path: Slow(route, 0.02) for path, route in site.routes.items()}
    with FaultServer(routes) as server:
        args = command(tmp_path, site, "paper", server.url)
        kill_midway(tmp_path, server, args, 0.5, articles)
        stored_then, _, days_then, _ = counts(tmp_path)
        assert stored_then < 610  # killed mid-crawl, with writes still buffered
        again = run_bulletin(*args, cwd=tmp_path)
    stored, distinct, days, first_status = counts(tmp_path)
    assert (stored, distinct, days) == (610, 610, 61)
    assert "resuming" in again.stderr and first_status == "interrupted"
    assert "status: ok" in again.stdout
    runs = run_bulletin("runs", "--store", f"sqlite:///{tmp_path}/s.sqlite3",
                        cwd=tmp_path).stdout
    assert "interrupted" in runs and " ok " in runs


def test_a_killed_portal_crawl_loses_nothing(tmp_path):
    site = trs_portal(600, per_page=20, first_day=date(2021, 1, 1), per_day=10)
    articles = set(site.article_paths)
    routes = {path: Slow(route, 0.02) for path, route in site.routes.items()}
    with FaultServer(routes) as server:
        args = command(tmp_path, site, "portal", server.url)
        kill_midway(tmp_path, server, args, 0.5, articles)
        stored_then, _, _, _ = counts(tmp_path)
        assert stored_then < 600
        server.clear_log()
        again = run_bulletin(*args, cwd=tmp_path)
        refetched = [hit.path for hit in server.log if hit.path in articles]
    stored, distinct, _, first_status = counts(tmp_path)
    assert (stored, distinct) == (600, 600) and first_status == "interrupted"
    assert "resuming" in again.stderr
    assert len(refetched) == len(set(refetched)) == 600 - stored_then  # each missing one, once


def test_a_portal_crawl_stopped_early_pages_on_next_time(tmp_path):
    """A crawl closed before the end (here by CLOSESPIDER_PAGECOUNT; Ctrl-C closes the same way)
    leaves deeper list pages unread: the next run pages past known articles to find them."""
    site = trs_portal(100, per_page=20, first_day=date(2021, 1, 1), per_day=5)
    with FaultServer(site.routes) as server:
        args = command(tmp_path, site, "portal", server.url)
        first = run_bulletin(*args, "-s", "CLOSESPIDER_PAGECOUNT=30", cwd=tmp_path, check=False)
        assert "finish reason: closespider_pagecount" in first.stdout
        again = run_bulletin(*args, cwd=tmp_path)
    stored, distinct, _, _ = counts(tmp_path)
    assert (stored, distinct) == (100, 100)
    assert "resuming" in again.stderr and "stopped early (closespider_pagecount)" in again.stderr
