"""Real crawls, as operators run them: the CLI and `scrapy crawl` against fixture sites served
on 127.0.0.1, into a real SQLite store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bulletin_crawler.contract import published
from bulletin_crawler.demo import DEMO_DIR, DEMO_SITE_ROOT
from bulletin_crawler.sites import load_sites

from .conftest import SITES_FIXTURES, jsonl, run_bulletin

FIELDS = ("url", "title", "kicker", "subtitle", "body", "published_at", "event_date", "edition",
          "column", "reporters", "correspondents", "editors", "photographers", "authors",
          "images", "source", "kind", "region")


def crawl(tmp_path: Path, base_url: str, *args: str, site: str = "demo-daily",
          sites: Path = DEMO_DIR) -> subprocess.CompletedProcess[str]:
    return run_bulletin("crawl", site, "--sites", str(sites), "--origin", base_url,
                        "--store", f"sqlite:///{tmp_path}/s.sqlite3", "--loglevel", "WARNING",
                        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", *args,
                        cwd=tmp_path)


def export(tmp_path: Path) -> list[dict]:
    out = run_bulletin("export", "--store", f"sqlite:///{tmp_path}/s.sqlite3", cwd=tmp_path)
    return jsonl(out.stdout)


def test_multi_day_crawl_requests_each_page_once(tmp_path, serve):
    with serve(DEMO_SITE_ROOT) as (base, requested):
        result = crawl(tmp_path, base, "--since", "2020-11-28", "--until", "2020-11-30")
    assert "stored 6" in result.stdout and "missing issues 1" in result.stdout
    assert "duplicates 1" in result.stdout and "errors 0" in result.stdout
    day = "/html/2020-11/{}/{}"
    expected = {"/robots.txt", day.format(29, "node_1.htm")}
    expected |= {day.format(28, page) for page in ("node_1.htm", "node_2.htm", "content_5001.htm",
                                                   "content_5002.htm", "content_5003.htm")}
    expected |= {day.format(30, page) for page in ("node_1.htm", "node_2.htm", "content_6001.htm",
                                                   "content_6002.htm", "content_6003.htm",
                                                   "content_6004.htm")}
    assert sorted(requested) == sorted(expected)  # every page once, ?div= links folded


def test_demo_stores_the_sample_and_a_second_run_adds_nothing(tmp_path):
    first = run_bulletin("demo", cwd=tmp_path)
    assert "stored 6" in first.stdout and "(6 documents)" in first.stdout
    assert (tmp_path / "data" / "bulletin.sqlite3").exists()
    second = run_bulletin("demo", cwd=tmp_path)
    # the three issue days were walked to the end: the second run fetches nothing
    assert "pages 0, stored 0" in second.stdout and "skipped known 3" in second.stdout
    assert "(6 documents)" in second.stdout
    docs = {doc["title"]: doc for doc in
            jsonl(run_bulletin("export", cwd=tmp_path).stdout)}
    assert len(docs) == 6
    gbk = docs["紫荆山南路街道举办社区邻里节"]  # a GBK page
    assert gbk["published_at"] == "2020-11-30T00:00:00+08:00" and gbk["event_date"] == "2020-11-28"
    assert gbk["published_precision"] == "day"
    assert gbk["edition"] == {"date": "2020-11-30", "page": "02", "name": "县区"}
    assert gbk["reporters"] == ["孙悦"] and gbk["region"]["code"] == "410104"
    repeated = docs["管城回族区启动老旧小区改造三年行动"]
    assert [s["url"] for s in repeated["sources"]] == [
        "http://demo.bulletin.invalid/html/2020-11/28/content_5001.htm",
        "http://demo.bulletin.invalid/html/2020-11/30/content_6004.htm"]
    assert repeated["photographers"] == ["王建宏", "张文攀", "李萌"]
    assert repeated["images"][0]["url"].startswith("http://demo.bulletin.invalid/images/")


def test_unparseable_page_is_counted_and_the_crawl_goes_on(tmp_path, serve):
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE_ROOT, site)
    (site / "html/2020-11/28/content_5002.htm").write_text("<html><body></body></html>")
    with serve(site) as (base, _requested):
        result = crawl(tmp_path, base, "--since", "2020-11-28", "--until", "2020-11-28")
    assert "stored 2" in result.stdout and "errors 1" in result.stdout
    assert "article page failed (parse_error" in result.stderr and "content_5002.htm" in result.stderr


def test_bad_arguments_and_unknown_site_are_clear(tmp_path):
    result = run_bulletin("crawl", "zzrb", "--since", "2020-13-01", cwd=tmp_path, check=False)
    assert result.returncode == 2 and "since='2020-13-01' is not a date" in result.stderr
    result = run_bulletin("crawl", "nope", cwd=tmp_path, check=False)
    assert result.returncode == 2 and "Spider not found: nope" in result.stderr


BUILTIN = sorted(load_sites(None))


def test_every_builtin_site_has_fixture_pages():
    assert BUILTIN and all((SITES_FIXTURES / key / "expected.json").exists() for key in BUILTIN)


@pytest.mark.parametrize("key", BUILTIN)
def test_builtin_site_extracts_its_fixture_pages(key, tmp_path, serve):
    """Selector regressions on any built-in site fail here with a field-by-field diff."""
    expected = json.loads((SITES_FIXTURES / key / "expected.json").read_text(encoding="utf-8"))
    with serve(SITES_FIXTURES / key) as (base, requested):
        crawl(tmp_path, base, "--since", expected["args"]["since"], "--until",
              expected["args"]["until"], site=key, sites=tmp_path)
    assert sorted(set(requested) - {"/robots.txt"}) == expected["requested"]
    got = {doc["url"]: {name: doc[name] for name in FIELDS} for doc in export(tmp_path)}
    for fields in expected["articles"].values():  # stored as a datetime with its precision
        fields["published_at"] = published(fields["published_at"])[0]
    assert got == expected["articles"]


def test_scrapy_list_and_crawl_use_the_registry(tmp_path, serve):
    project = Path(__file__).parent.parent
    env = {"BULLETIN_SITES": str(DEMO_DIR)}
    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=project, text=True,
                            capture_output=True, env={**__import__("os").environ, **env})
    assert listed.stdout.split() == sorted(["demo-daily", *BUILTIN])
    with serve(DEMO_SITE_ROOT) as (base, _requested):
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "demo-daily", "-a", "since=2020-11-28",
             "-a", "until=2020-11-28", "-a", f"origin={base}", "-s", "DOWNLOAD_DELAY=0",
             "-s", f"BULLETIN_STORE=sqlite:///{tmp_path}/s.sqlite3"],
            cwd=project, text=True, capture_output=True, env={**__import__("os").environ, **env},
            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'bulletin/articles_stored': 3" in result.stderr
    assert len(export(tmp_path)) == 3


def test_progress_lines_during_the_crawl(tmp_path, serve):
    with serve(DEMO_SITE_ROOT) as (base, _requested):
        result = crawl(tmp_path, base, "--since", "2020-11-28", "--until", "2020-11-30",
                       "--loglevel", "INFO", "-s", "BULLETIN_PROGRESS_INTERVAL=0.05",
                       "-s", "DOWNLOAD_DELAY=0.05")
    assert "progress: pages" in result.stderr
    assert "summary: pages 13, stored 6" in result.stderr
