"""What the rendering tests share: a crawl of a fixture site by ``bulletin crawl``, and what
came of it (summary figures, Scrapy's stats, stored URLs, failed pages)."""

from __future__ import annotations

import importlib.util
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import jsonl, run_bulletin
from tests.faults.server import FaultServer
from tests.rendering.sites import JsSite

CHROMIUM = os.environ.get("BULLETIN_CHROMIUM", "/usr/bin/chromium")
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1",
        "--loglevel", "INFO")


def require_chromium() -> None:
    """Skip without Chromium — but on CI, which installs it, fail."""
    missing = [what for what, there in (
        (CHROMIUM, os.access(CHROMIUM, os.X_OK)),
        ("scrapy-playwright", _importable("scrapy_playwright"))) if not there]
    if missing and os.environ.get("CI"):
        pytest.fail(f"CI must render with Chromium; missing: {', '.join(missing)}")
    if missing:
        pytest.skip(f"no {', '.join(missing)} on this machine")


def _importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def crawl(tmp_path: Path, server: FaultServer, js: JsSite, *render: str,
          options: tuple[str, ...] = FAST) -> subprocess.CompletedProcess[str]:
    sites = tmp_path / "sites"
    js.write_site_file(sites, "jsite", *render)
    result = run_bulletin("crawl", "jsite", "--sites", str(sites), "--origin", server.url,
                          "--store", f"sqlite:///{tmp_path}/s.sqlite3", "--since",
                          js.site.first_day.isoformat(), "--until", js.site.last_day.isoformat(),
                          *options, cwd=tmp_path, check=False)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result


def figure(output: str, name: str) -> int:
    summary = next(line for line in output.splitlines() if line.startswith("summary: "))
    return int(re.search(rf"\b{name} (\d+)", summary).group(1))  # type: ignore[union-attr]


def stat(stderr: str, name: str) -> int:
    """A figure of the stats Scrapy dumps at the end of a crawl logged at INFO."""
    match = re.search(rf"'{re.escape(name)}': (\d+)", stderr)
    return int(match.group(1)) if match else 0


def stored_urls(tmp_path: Path) -> set[str]:
    docs = jsonl(run_bulletin("export", "--store", f"sqlite:///{tmp_path}/s.sqlite3",
                              cwd=tmp_path).stdout)
    return {doc["url"] for doc in docs}


def failed_rows(tmp_path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        return db.execute("SELECT kind, reason, url FROM failed_urls ORDER BY url").fetchall()
