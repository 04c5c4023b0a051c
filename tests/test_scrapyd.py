"""The Scrapyd executor against a real Scrapyd on loopback (basic auth, SQLite job storage):
``bulletin deploy`` uploads the project from a scrapy.cfg target, ``bulletin schedule --once
--executor scrapyd`` skips a node that is down, schedules a fixture site's crawl on the live
one and polls it to the end; the articles are stored and Scrapyd's job id is in the run record
and the dispatch record."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from datetime import date

from bulletin_crawler.scheduling.deploy import build_egg

from .conftest import run_bulletin
from .faults.server import FaultServer, free_port
from .faults.sites import trs_portal
from .ops.scrapyd import PASSWORD, USER, scrapyd
from .ops.sites import write_scheduled

SCRAPY_CFG = """\
[settings]
default = bulletin_crawler.settings

[deploy:local]
url = {url}/
project = bulletin_crawler
username = {user}
password = ${{SCRAPYD_TEST_PASSWORD}}
"""


def test_a_crawl_runs_on_scrapyd_deployed_from_scrapy_cfg(tmp_path):
    site = trs_portal(15, first_day=date(2021, 3, 1))
    store, sites = tmp_path / "s.sqlite3", tmp_path / "sites"
    env = {"SCRAPYD_TEST_PASSWORD": PASSWORD}
    with FaultServer(site.routes) as server, \
            scrapyd(tmp_path / "scrapyd", {"BULLETIN_SITES": str(sites)}) as node:
        write_scheduled(site, sites, "portal", server.url, schedule="15 */3 * * *",
                        schedule_args={"since": "2021-03-01"})
        (tmp_path / "scrapy.cfg").write_text(SCRAPY_CFG.format(url=node.url, user=USER))
        deployed = run_bulletin("deploy", "local", cwd=tmp_path, env=env)
        assert deployed.stdout.startswith("deployed bulletin_crawler version ")
        assert "to local (" in deployed.stdout and "spiders)" in deployed.stdout
        assert "portal" in node.get("listspiders.json?project=bulletin_crawler")["spiders"]
        down = f"http://127.0.0.1:{free_port()}"
        once = run_bulletin("schedule", "portal", "--once", "--executor", "scrapyd",
                            "--scrapyd", down, "--scrapyd", "local", "--sites", str(sites),
                            "--store", f"sqlite:///{store}", "-s", "DOWNLOAD_DELAY=0",
                            "-s", "AUTOTHROTTLE_ENABLED=False", cwd=tmp_path, env=env)
        jobs = node.get("listjobs.json?project=bulletin_crawler")
    assert f"node skipped: Scrapyd {down} is down" in once.stderr
    with sqlite3.connect(store) as db:
        [run] = [json.loads(raw) for (raw,) in db.execute("SELECT run FROM crawl_runs")]
        [dispatch] = [json.loads(raw)
                      for (raw,) in db.execute("SELECT doc FROM schedule_dispatches")]
        stored = db.execute("SELECT COUNT(*) FROM articles WHERE site = 'portal'").fetchone()[0]
    assert stored == 15 and run["status"] == "ok" and run["figures"]["stored"] == 15
    [finished] = jobs["finished"]
    assert run["job"] == finished["id"] == dispatch["jobs"][0]["job"]
    assert dispatch["status"] == "ok" and dispatch["jobs"][0]["node"] == node.url
    assert dispatch["problems"] == [f"Scrapyd {down} is down: [Errno 111] Connection refused"]
    assert f"→ scrapyd {run['job']} ({node.url}; node skipped: Scrapyd {down} is down" \
        in once.stderr
    assert PASSWORD not in once.stderr + deployed.stdout + deployed.stderr


def test_the_egg_carries_the_package_with_its_builtin_sites_and_the_settings_entry_point():
    names = zipfile.ZipFile(io.BytesIO(build_egg())).namelist()
    assert "bulletin_crawler/settings.py" in names and "EGG-INFO/PKG-INFO" in names
    assert {f"bulletin_crawler/sites/builtin/{key}.yaml" for key in
            ("zzrb", "zzwb", "guancheng", "dahebao", "anyang", "zhumadian")} <= set(names)
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    entry_points = zipfile.ZipFile(io.BytesIO(build_egg())).read("EGG-INFO/entry_points.txt")
    assert entry_points == b"[scrapy]\nsettings = bulletin_crawler.settings\n"


def test_the_builtin_sites_are_read_from_inside_the_egg(tmp_path):
    """Scrapyd puts the egg first on sys.path (before an editable install): the registry reads
    the built-in site files from inside the zip."""
    egg = tmp_path / "bulletin_crawler.egg"
    egg.write_bytes(build_egg())
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); import bulletin_crawler; "
             "from bulletin_crawler.sites import load_registry; registry = load_registry(); "
             "print(bulletin_crawler.__file__); print(sorted(registry.sites)); "
             "print(registry.problems)")
    env = {name: value for name, value in os.environ.items() if name != "BULLETIN_SITES"}
    result = subprocess.run([sys.executable, "-c", probe, str(egg)], capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=60, check=True)
    where, keys, problems = result.stdout.splitlines()
    assert where.startswith(str(egg))
    assert keys == str(sorted(("anyang", "dahebao", "guancheng", "zhumadian", "zzrb", "zzwb")))
    assert problems == "[]"
