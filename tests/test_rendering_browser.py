"""``render: browser`` for real: sites whose list pages hold no article link until JavaScript
writes them, crawled through Debian's Chromium by ``bulletin crawl`` on loopback.

Chromium is installed on CI (``.ci/run``): there these tests never skip; a machine without it
skips them, unless ``CI`` is set, where a missing browser fails them.
"""

from __future__ import annotations

import asyncio
import re

from .conftest import run_bulletin
from .faults.server import FaultServer, Page, Redirect, Stall
from .faults.sites import DEFAULT_ORIGIN
from .rendering.harness import (
    FAST,
    crawl,
    failed_rows,
    figure,
    require_chromium,
    stat,
    stored_urls,
)
from .rendering.sites import click_portal, js_portal


def test_a_javascript_only_portal_is_crawled_completely_and_only_through_chromium(tmp_path):
    require_chromium()
    with FaultServer({"/tracker.js": Page("var seen = 1;"),
                      "/collect": Page("{}", content_type="application/json"),
                      "/frame.html": Page("<p>frame</p>")}) as other:
        extras = ('<img src="/images/banner.png"><video src="/media/clip.mp4" autoplay muted>'
                  "</video><style>@font-face { font-family: hei; src: url(/fonts/hei.woff2); }"
                  " body { font-family: hei; }</style>"
                  f'<script src="{other.url}/tracker.js"></script>'
                  f'<iframe src="{other.url}/frame.html"></iframe>'
                  f'<script>fetch("{other.url}/collect").catch(() => null);'
                  f'new WebSocket("ws://127.0.0.1:{other.port}/socket");'
                  "new Worker(URL.createObjectURL(new Blob(["
                  f'\'fetch("{other.url}/worker").catch(() => null)\'])));</script>')
        js = js_portal(articles=15, per_page=5, extras=extras)
        with FaultServer(js.site.routes) as server:
            rendered = crawl(tmp_path / "rendered", server, js, "render: browser")
            assert other.log == []  # the page's own requests to another port never left
            assert [server.hits(path) for path in ("/images/banner.png", "/media/clip.mp4",
                                                   "/fonts/hei.woff2")] == [0, 0, 0]
            assert all(server.hits(path) == 1 for path in js.site.list_paths)
            assert server.hits("/zwyw/items_1.json") == server.hits("/zwyw/items_2.json") == 1
            plain = crawl(tmp_path / "plain", server, js)
    assert rendered.returncode == 0, rendered.stdout
    assert figure(rendered.stdout, "stored") == 15
    assert stored_urls(tmp_path / "rendered") == {DEFAULT_ORIGIN + path
                                                  for path in js.site.article_paths}
    assert stat(rendered.stderr, "bulletin/render/pages") == 3
    # at least the script, the frame and the fetch (the socket and the worker may come late)
    assert stat(rendered.stderr, "bulletin/render/refused/offsite") >= 3
    assert stat(rendered.stderr, "bulletin/render/refused/resource") >= 2  # image, video, font
    # without rendering the same site yields nothing: the render path is what works
    assert plain.returncode == 1 and figure(plain.stdout, "stored") == 0
    assert "losses: failed: empty_list 1" in plain.stdout


def test_a_list_paged_by_clicking_next_is_crawled_completely(tmp_path):
    require_chromium()
    """下一页 replaces the list with the next page: every page seen is kept."""
    js = click_portal(articles=15, per_page=5, mode="replace")
    with FaultServer(js.site.routes) as server:
        result = crawl(tmp_path, server, js, "render: browser", "render_wait: '#list li'",
                       "render_click: a.more", "render_clicks: 5")
        assert [server.hits(f"/news/page_{n}.json") for n in (1, 2, 3)] == [1, 1, 1]
    assert result.returncode == 0, result.stdout
    assert figure(result.stdout, "stored") == 15 and figure(result.stdout, "errors") == 0
    assert stored_urls(tmp_path) == {DEFAULT_ORIGIN + path for path in js.site.article_paths}


def test_load_more_and_articles_rendered_a_redirect_away_is_refused(tmp_path):
    require_chromium()
    """加载更多 appends to the list; ``render_pages: all`` renders the articles too, and one
    whose page redirects to another port is refused inside the browser and remembered."""
    js = click_portal(articles=12, per_page=5, mode="append")
    moved = js.site.article_paths[4]
    with FaultServer({"/inner.htm": Page("<h1>内部</h1>")}) as internal:
        js.site.routes[moved] = Redirect(f"{internal.url}/inner.htm")
        with FaultServer(js.site.routes) as server:
            result = crawl(tmp_path, server, js, "render: browser", "render_pages: all",
                           "render_click: a.more", "render_clicks: 5")
        assert internal.log == []
    assert figure(result.stdout, "stored") == 11
    assert stat(result.stderr, "bulletin/render/pages") == 12  # the list and 11 articles
    assert failed_rows(tmp_path) == [("article", "refused_offsite", DEFAULT_ORIGIN + moved)]
    assert stored_urls(tmp_path) == {DEFAULT_ORIGIN + path for path in js.site.article_paths
                                     if path != moved}


def test_a_page_that_never_settles_is_retried_then_counted_as_failed(tmp_path):
    require_chromium()
    js = js_portal(articles=10, per_page=10)
    first = js.site.list_paths[0]
    with FaultServer(js.site.routes) as server:
        server.route(first, Stall(60))
        result = crawl(tmp_path, server, js, "render: browser",
                       options=(*FAST, "-s", "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT=1000"))
        assert server.hits(first) == 2  # once, and one retry
    assert result.returncode == 1 and "losses: failed: timeout 1" in result.stdout
    listing = run_bulletin("runs", "--site", "jsite", "--failed", "--store",
                           f"sqlite:///{tmp_path}/s.sqlite3", cwd=tmp_path).stdout
    assert re.search(r"list\s+timeout\s+1\s+will retry\s+" + re.escape(DEFAULT_ORIGIN + first),
                     listing), listing


def test_check_render_shows_what_rendering_changes(tmp_path):
    require_chromium()
    js = js_portal(articles=12, per_page=6)
    with FaultServer(js.site.routes) as server:
        result = run_bulletin("check", f"{server.url}/zwyw/index.shtml", "--render",
                              cwd=tmp_path)
    assert "rendered (browser): article links 0 → 6, links 1 → 7" in result.stdout
    assert "article links only when rendered (6):" in result.stdout
    assert f"{server.url}{js.site.article_paths[-1]}" in result.stdout


def test_new_site_suggests_render_browser_only_when_the_list_needs_it(tmp_path):
    require_chromium()
    js, plain = js_portal(articles=12, per_page=6), click_portal(articles=3)
    del plain.site.routes["/news/list.html"]  # its TRS list pages are plain HTML
    with FaultServer(js.site.routes) as server, FaultServer(plain.site.routes) as plain_server:
        scripted = run_bulletin("new-site", "scripted", "--url",
                                f"{server.url}/zwyw/index.shtml", "--dir", "sites",
                                cwd=tmp_path)
        static = run_bulletin("new-site", "static", "--url",
                              plain_server.url + plain.site.article_paths[0], "--dir", "sites",
                              cwd=tmp_path)
    assert ("render: browser, because the list page shows 6 article links only when rendered"
            in scripted.stdout)
    assert "render: browser  # the list page shows 6" in (tmp_path / "sites/scripted.yaml"
                                                           ).read_text(encoding="utf-8")
    assert "render" not in static.stdout
    assert "render:" not in (tmp_path / "sites/static.yaml").read_text(encoding="utf-8")


def test_the_in_page_guard_refuses_internal_addresses_behind_names():
    from bulletin_crawler.middlewares.hosts import HostPolicy
    from bulletin_crawler.rendering.guard import InPageGuard

    looked_up: list[str] = []

    async def resolve(host: str) -> list[str]:
        looked_up.append(host)
        return {"cdn.example.cn": ["93.184.216.34"],
                "intranet.example.cn": ["93.184.216.35", "10.1.2.3"]}[host]

    guard = InPageGuard(HostPolicy.for_urls(["http://www.example.cn", "http://127.0.0.1:8080"],
                                            ["*.example.cn"]), resolve)

    async def checks() -> list[tuple[str | None, str]]:
        return [await guard.check(url) for url in (
            "http://cdn.example.cn/list.js", "http://intranet.example.cn/admin",
            "https://intranet.example.cn:443/", "http://127.0.0.1:8080/items.json",
            "http://127.0.0.1:8081/items.json", "http://evil.cn/x.js", "ftp://www.example.cn/a")]

    assert asyncio.run(checks()) == [
        (None, "93.184.216.34"), ("refused_private", ""), ("refused_private", ""),
        (None, "127.0.0.1"), ("refused_offsite", ""), ("refused_offsite", ""),
        ("refused_scheme", "")]
    assert looked_up == ["cdn.example.cn", "intranet.example.cn"]  # once per host; not 127.0.0.1
