"""A real Scrapyd (from PyPI) for the tests: its own folder and config — loopback bind, a free
port, basic auth, SQLite job storage, a short poll interval — started in a subprocess."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..faults.server import free_port

USER, PASSWORD = "bulletin", "scrapyd-pa55"
CONFIG = """\
[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
username = {user}
password = {password}
eggs_dir = {folder}/eggs
logs_dir = {folder}/logs
dbs_dir = {folder}/dbs
jobstorage = scrapyd.jobstorage.SqliteJobStorage
poll_interval = 0.2
max_proc = 2
"""


@dataclass
class Scrapyd:
    url: str
    folder: Path
    process: subprocess.Popen[bytes]

    def get(self, endpoint: str) -> dict:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(f"{self.url}/{endpoint}",
                                         headers={"Authorization": f"Basic {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())


@contextmanager
def scrapyd(folder: Path, env: dict[str, str]) -> Iterator[Scrapyd]:
    """Scrapyd running in ``folder`` with ``env`` added to its environment (its jobs get it)."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scrapyd.conf").write_text(CONFIG.format(port=port, user=USER, password=PASSWORD,
                                                       folder=folder))
    log = (folder / "scrapyd.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=folder,
                               env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    server = Scrapyd(f"http://127.0.0.1:{port}", folder, process)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                server.get("daemonstatus.json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("Scrapyd did not start:\n"
                                         + (folder / "scrapyd.log").read_text()) from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
