"""The console in a real browser: Debian's headless Chromium driven by Playwright, against
``bulletin serve`` on a generated archive. Opens the overview, filters, searches 保卫战, opens
an article and follows its duplicate link, reading what the pages show.

Screenshots of the main pages are taken every run; ``BULLETIN_UPDATE_SCREENSHOTS=1`` writes
them to docs/screenshots/ (the README shows them). Without Chromium the tests are skipped on a
developer's machine and fail in CI (``CI=true``), where .ci/run installs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bulletin_crawler.contract import SHANGHAI
from bulletin_crawler.stores.sqlite import SQLiteStore

from .console.archive import BATTLE, GAP_SITE, documents, fill, record_runs, site_files
from .console.server import console

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach the internet.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).parent.parent / "docs" / "screenshots"
ARTICLES = 1500  # 31 days of 48 articles: the 30-day charts are full but for the gap


def _chromium_or_skip() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-zenhei)")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("console")
    (folder / "sites").mkdir()
    site_files(folder / "sites")
    now = datetime.now(SHANGHAI)
    store = SQLiteStore(folder / "archive.sqlite3", batch_size=500)
    fill(store, documents(ARTICLES, now.date()))
    record_runs(store, now)
    store.close()
    with console(f"sqlite:///{folder}/archive.sqlite3", "--sites", str(folder / "sites")) as up:
        yield up.url


@pytest.fixture(scope="module")
def page(served) -> Iterator[Any]:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.set_default_timeout(15_000)
        yield context.new_page()
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("BULLETIN_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


def test_overview_shows_every_site_and_puts_the_failed_one_first(page, served, shots):
    page.goto(served)
    rows = page.locator("table.sites tbody tr")
    assert page.title().startswith("Overview")
    keys = [key for key in rows.evaluate_all("rows => rows.map(r => r.dataset.site)")]
    assert keys[0] == GAP_SITE  # its last run failed: first among the non-stale
    assert {"guancheng-daily", "jinshui-gov", "xihu-gov", "zzrb"} <= set(keys)
    failed = page.locator(f'tr[data-site="{GAP_SITE}"]')
    assert "failed" in failed.locator(".status").first.inner_text()
    assert "reporters coverage" in failed.inner_text()
    assert "河南省 安阳市 (410500)" in failed.inner_text()
    gaps = failed.locator("svg.daily rect.gap").count()
    assert gaps == 3  # the three days it printed nothing
    assert page.locator('tr[data-site="xihu-gov"] svg.daily rect.gap').count() == 0
    page.screenshot(path=str(shots / "overview.png"), full_page=True)
    page.click(f'tr[data-site="{GAP_SITE}"] a[href="/sites/{GAP_SITE}"]')
    assert page.locator("h1").inner_text().startswith("安阳日报")
    assert "✗ reporters coverage" in page.locator("ul.monitors").inner_text()
    assert "http_500" in page.locator("table.failures").inner_text()
    assert page.locator("table.runs tbody tr").count() == 3
    page.screenshot(path=str(shots / "site.png"), full_page=True)


def test_filter_then_search_then_open_an_article_and_follow_its_duplicate(page, served, shots):
    page.goto(served + "articles")
    page.select_option("form.filters select[name=site]", "jinshui-gov")
    page.click("form.filters button")
    metas = page.locator("ol.articles .meta").all_inner_texts()
    assert len(metas) == 50 and all("jinshui-gov" in meta for meta in metas)
    page.fill("form.filters input[name=q]", "保卫战")
    page.select_option("form.filters select[name=site]", "")
    page.click("form.filters button")
    titles = page.locator("ol.articles .title").all_inner_texts()
    assert titles and all(BATTLE in title for title in titles[:5])
    page.screenshot(path=str(shots / "search.png"), full_page=False)
    page.locator("ol.articles li", has=page.locator(".tag", has_text="near copy")).first.locator(
        "a.title").click()
    copy_title = page.locator("article.story h1").inner_text()
    assert "（转载）" in copy_title
    assert "蓝天保卫战" in page.locator("article.story .body").inner_text()
    assert page.locator("table.fields th").all_inner_texts()[:3] == ["id", "url", "site"]
    page.screenshot(path=str(shots / "article.png"), full_page=True)
    page.click("a.root")
    assert page.locator("article.story h1").inner_text() == copy_title.removesuffix("（转载）")
    assert "earliest story of its cluster" in page.locator("main").inner_text()
    assert copy_title in page.locator("ul.cluster").inner_text()


def test_a_corrected_story_shows_what_changed(page, served):
    page.goto(served + "articles")
    page.locator("ol.articles li", has=page.locator(".tag", has_text="corrected")).first.locator(
        "a.title").click()
    revision = page.locator(".revision").first
    assert revision.locator("del").count() >= 1 and revision.locator("ins").count() >= 1
    assert "（初稿）" in revision.locator("del").first.inner_text()

