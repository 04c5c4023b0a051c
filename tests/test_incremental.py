"""Deduplication across sites and incremental re-crawls, on real crawls of fixture sites."""

from __future__ import annotations

import shutil
from pathlib import Path

from bulletin_crawler.demo import DEMO_DIR, DEMO_SITE_ROOT

from .conftest import TESTS, jsonl, run_bulletin

DEMO_WINDOW = ("--since", "2020-11-28", "--until", "2020-11-30")
CROSSPOST = TESTS / "families" / "crosspost"


def crawl(serve, root: Path, key: str, sites: Path, tmp_path: Path, *args: str,
          check: bool = True) -> tuple[str, list[str]]:
    with serve(root) as (origin, requested):
        result = run_bulletin("crawl", key, "--sites", str(sites), "--origin", origin,
                              "--store", f"sqlite:///{tmp_path}/s.sqlite3", "--loglevel",
                              "WARNING", "-s", "DOWNLOAD_DELAY=0", "-s",
                              "AUTOTHROTTLE_ENABLED=False", *args, cwd=tmp_path, check=check)
    return result.stdout, sorted(set(requested) - {"/robots.txt"})


def documents(tmp_path: Path) -> dict[str, dict]:
    out = run_bulletin("export", "--store", f"sqlite:///{tmp_path}/s.sqlite3", cwd=tmp_path)
    return {doc["title"]: doc for doc in jsonl(out.stdout)}


def test_a_portal_repost_joins_the_epaper_story(serve, tmp_path):
    crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path, *DEMO_WINDOW)
    summary, _ = crawl(serve, CROSSPOST / "www", "crosspost-demo", CROSSPOST / "sites",
                       tmp_path, "--since", "2020-11-28", "--until", "2020-12-01")
    assert "stored 1" in summary and "duplicates 1" in summary and "near copies 1" in summary
    docs = documents(tmp_path)
    assert len(docs) == 7  # six stories + one edited repost, linked
    exact = docs["南曹乡推进高标准农田建设"]
    assert [(s["site"], s["published_at"]) for s in exact["sources"]] == [
        ("demo-daily", "2020-11-30T00:00:00+08:00"), ("crosspost-demo", "2020-11-30T09:00:00+08:00")]
    edited = docs["我区启动老旧小区改造三年行动"]
    original = docs["管城回族区启动老旧小区改造三年行动"]
    assert edited["duplicate_of"] == original["id"] and original["duplicate_of"] is None
    assert edited["editors"] == ["赵六"]
    assert all(doc["duplicate_of"] is None for title, doc in docs.items()
               if title != "我区启动老旧小区改造三年行动")  # no different stories linked


def test_a_corrected_article_is_updated_with_its_revision(serve, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE_ROOT, site)
    crawl(serve, site, "demo-daily", DEMO_DIR, tmp_path, *DEMO_WINDOW)
    before = documents(tmp_path)["商城遗址公园迎来秋季游园高峰"]
    page = site / "html/2020-11/28/content_5002.htm"
    page.write_text(page.read_text(encoding="utf-8").replace("1.2万人次", "1.5万人次"),
                    encoding="utf-8")
    summary, requested = crawl(serve, site, "demo-daily", DEMO_DIR, tmp_path, *DEMO_WINDOW,
                               "--full")
    assert "updated 1" in summary and "stored 1" in summary
    after = documents(tmp_path)["商城遗址公园迎来秋季游园高峰"]
    assert "1.5万人次" in after["body"] and after["id"] == before["id"]
    assert after["revisions"] == [{
        "title": before["title"], "kicker": None, "subtitle": None, "body": before["body"],
        "content_hash": before["content_hash"], "updated_at": before["updated_at"]}]
    assert after["updated_at"] >= before["updated_at"]
    assert after["first_seen_at"] == before["first_seen_at"]


def test_an_interrupted_crawl_resumes_without_fetching_known_pages(serve, tmp_path):
    first, first_requested = crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path,
                                   *DEMO_WINDOW, "-s", "CLOSESPIDER_ITEMCOUNT=2",
                                   "-s", "CONCURRENT_REQUESTS=1", check=False)
    assert "finish reason: closespider_itemcount" in first
    stored_first = {doc["url"].split("/html", 1)[1] for doc in documents(tmp_path).values()}
    assert 0 < len(stored_first) < 6
    second, requested = crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path,
                              *DEMO_WINDOW)
    articles = {path for path in requested if "content_" in path}
    assert not articles & {f"/html{path}" for path in stored_first}  # known pages not fetched
    assert len(documents(tmp_path)) == 6


def test_crawls_cut_short_one_after_another_are_resumed_from_the_earliest(serve, tmp_path):
    """A backfill cut short, then a daily run of the last day cut short too: the next daily
    run still walks the backfill's window, once."""
    cut = ("-s", "CLOSESPIDER_ITEMCOUNT=1", "-s", "CONCURRENT_REQUESTS=1")
    daily = ("--since", "2020-11-30", "--until", "2020-11-30")
    first, _ = crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path, *DEMO_WINDOW,
                     *cut, check=False)
    assert "finish reason: closespider_itemcount" in first
    crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path, *daily, *cut, check=False)
    assert len(documents(tmp_path)) < 6
    crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path, *daily)
    assert len(documents(tmp_path)) == 6  # the backfill's days were walked again
    _, requested = crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path, *daily)
    assert not any("2020-11/2" in path for path in requested)  # resumed once, then done


def test_complete_days_are_not_walked_again_unless_refreshed(serve, tmp_path):
    crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path, *DEMO_WINDOW)
    summary, requested = crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path,
                               *DEMO_WINDOW)
    assert requested == [] and "skipped known 3" in summary
    summary, requested = crawl(serve, DEMO_SITE_ROOT, "demo-daily", DEMO_DIR, tmp_path,
                               *DEMO_WINDOW, "--refresh-days", "100000")
    assert "/html/2020-11/30/content_6001.htm" in requested  # refreshed days refetch articles
    assert "stored 0" in summary
