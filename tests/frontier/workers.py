"""Workers as operators start them: ``bulletin crawl SITE --frontier URI`` processes, on one
generated fixture site behind :class:`~tests.faults.server.FaultServer`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bulletin_crawler.stores import open_store

from ..faults.sites import GeneratedSite

WORKER_TIMEOUT = 120  # seconds a worker may take; the tests' sites take a few


def crawl_command(tmp_path: Path, site: GeneratedSite, key: str, origin: str, frontier: str,
                  *settings: str) -> list[str]:
    """The workers' command line, with the site file written and the store created: workers
    that create one new SQLite file at the same moment can race in its schema set-up (an
    ``ALTER TABLE`` of the store's, outside our files), so the file exists first, as
    docs/scaling.md tells operators."""
    sites = tmp_path / "sites"
    site.write_site_file(sites, key)
    store = f"sqlite:///{tmp_path}/s.sqlite3"
    open_store(store).close()
    command = ["crawl", key, "--sites", str(sites), "--origin", origin, "--store", store,
               "--since", site.first_day.isoformat(),
               "--until", site.last_day.isoformat(), "--frontier", frontier]
    for setting in settings:
        command += ["-s", setting]
    return command


def start(args: list[str], cwd: Path, name: str) -> subprocess.Popen[str]:
    """One worker; its output goes to ``cwd/NAME.out`` and ``NAME.err``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BULLETIN_")}
    return subprocess.Popen([sys.executable, "-m", "bulletin_crawler.cli", *args], cwd=cwd,
                            env={**env, "PYTHONUTF8": "1"}, text=True,
                            stdout=(cwd / f"{name}.out").open("w"),
                            stderr=(cwd / f"{name}.err").open("w"))


def finish(process: subprocess.Popen[str], cwd: Path, name: str) -> str:
    """Wait for a worker; its standard output (the summary). A worker that failed fails the
    test with its log."""
    code = process.wait(WORKER_TIMEOUT)
    out = (cwd / f"{name}.out").read_text()
    if code != 0:
        raise AssertionError(f"worker {name} exited {code}\n{out}\n"
                             f"{(cwd / f'{name}.err').read_text()[-4000:]}")
    return out


def stored(tmp_path: Path) -> tuple[int, int, int]:
    """Articles stored, distinct URLs among them, e-paper days marked complete."""
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        articles, distinct = db.execute("SELECT COUNT(*), COUNT(DISTINCT url) FROM articles"
                                        ).fetchone()
        days = db.execute("SELECT COUNT(*) FROM crawl_days").fetchone()[0]
    return articles, distinct, days
