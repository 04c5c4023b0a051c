"""``render: splash`` without scrapy-splash: the exact requests sent to a loopback endpoint
speaking Splash's HTTP API, articles stored under their own URLs, Splash's failures read as
the download errors they amount to, and our ``execute`` script run by Splash's Lua over
Chromium."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from twisted.internet import error as net

from bulletin_crawler.middlewares.hosts import HostGuardMiddleware, HostPolicy
from bulletin_crawler.rendering.errors import RenderError
from bulletin_crawler.rendering.scripts import LUA_SOURCE
from bulletin_crawler.rendering.splash import FORBIDDEN_CONTENT_TYPES, read_answer

from .conftest import run_bulletin
from .faults.server import FaultServer
from .faults.sites import DEFAULT_ORIGIN
from .rendering import harness
from .rendering.sites import click_portal, js_portal
from .rendering.splash import SplashStub


def sent(splash: FaultServer) -> list[tuple[str, str, str, dict[str, object]]]:
    return [(hit.method, hit.path, hit.headers.get("content-type", ""), json.loads(hit.body))
            for hit in splash.log]


def test_list_pages_go_through_render_html_and_articles_keep_their_own_urls(tmp_path):
    js = js_portal(articles=15, per_page=5)
    with FaultServer(js.site.routes) as server:
        stub = SplashStub({server.url + path: html for path, html in js.static_lists.items()},
                          failures={server.url + js.site.list_paths[2]: 504})
        with FaultServer({"/render.html": stub, "/execute": stub}) as splash:
            result = harness.crawl(tmp_path, server, js, "render: splash",
                                   options=(*harness.FAST, "-s", f"SPLASH_URL={splash.url}/"))
            assert [server.hits(path) for path in js.site.list_paths] == [0, 0, 0]
            calls = sent(splash)
    expected = {"wait": 0.5, "timeout": 30.0, "images": 0,
                "allowed_domains": "127.0.0.1,site.bulletin.invalid",
                "forbidden_content_types": FORBIDDEN_CONTENT_TYPES}
    assert calls == [("POST", "/render.html", "application/json",
                      {"url": server.url + path, **expected})
                     for path in (*js.site.list_paths, js.site.list_paths[2])]  # 504: retried
    assert harness.figure(result.stdout, "stored") == 10
    assert harness.stored_urls(tmp_path) == {DEFAULT_ORIGIN + path
                                             for path in js.site.article_paths[5:]}
    assert harness.failed_rows(tmp_path) == [
        ("list", "timeout", DEFAULT_ORIGIN + js.site.list_paths[2])]
    assert harness.stat(result.stderr, "bulletin/render/pages") == 2


def test_actions_go_through_execute_with_our_lua_script(tmp_path, monkeypatch):
    js = js_portal(articles=10, per_page=10)
    with FaultServer(js.site.routes) as server:
        stub = SplashStub({server.url + path: html for path, html in js.static_lists.items()})
        with FaultServer({"/render.html": stub, "/execute": stub}) as splash:
            monkeypatch.setenv("BULLETIN_SPLASH_URL", splash.url)
            result = harness.crawl(tmp_path, server, js, "render: splash",
                                   "render_wait: '#list li'", "render_click: a.more",
                                   "render_clicks: 3", "render_scroll: 2")
            calls = sent(splash)
    assert calls == [("POST", "/execute", "application/json", {
        "url": f"{server.url}/zwyw/index.shtml", "wait": 0.5, "timeout": 30.0, "images": 0,
        "allowed_domains": "127.0.0.1,site.bulletin.invalid",
        "forbidden_content_types": FORBIDDEN_CONTENT_TYPES, "lua_source": LUA_SOURCE,
        "settle": 3.0, "render_wait": "#list li", "render_click": "a.more",
        "render_clicks": 3, "render_scroll": 2})]
    assert harness.figure(result.stdout, "stored") == 10
    assert harness.stored_urls(tmp_path) == {DEFAULT_ORIGIN + path
                                             for path in js.site.article_paths}


@pytest.mark.parametrize(("status", "body", "header", "expected"), [
    (200, b"<p>ok</p>", "", (200, b"<p>ok</p>")),
    (502, json.dumps({"error": 502, "type": "RenderError", "description": "Error rendering page",
                      "info": {"type": "HTTP", "code": 404, "text": "Not Found"}}).encode(), "",
     (404, b"")),
    (502, b"", "http503", (503, b"")),
    (502, json.dumps({"error": 502, "info": {"type": "Network", "code": 3}}).encode(), "",
     net.DNSLookupError),
    (502, b"", "network1", net.ConnectionRefusedError),
    (502, b"", "network99", net.ConnectionLost),
    (504, b"{}", "", net.TimeoutError),
    (400, json.dumps({"error": 400, "type": "BadOption", "description": "Incorrect HTTP API "
                      "arguments", "info": {"argument": "wait"}}).encode(), "", RenderError),
    (404, b"No Such Resource", "", RenderError),
])
def test_splash_answers_are_read_as_the_page_or_its_download_error(status, body, header,
                                                                    expected):
    url = "http://www.example.cn/list.html"
    if isinstance(expected, tuple):
        assert read_answer(url, status, body, header) == expected
    else:
        with pytest.raises(expected, match=re.escape(url)):
            read_answer(url, status, body, header)


def test_the_splash_endpoint_is_trusted_only_for_the_pages_of_the_site():
    async def resolve(host: str) -> str:
        return {"www.example.cn": "93.184.216.34", "intranet.example.cn": "10.1.2.3"}[host]

    stats = MemoryStatsCollector(get_crawler())
    guard = HostGuardMiddleware(stats, resolve, render_endpoint="http://10.0.0.5:8050/")
    guard.policy = HostPolicy.for_urls(["http://www.example.cn"], ["intranet.example.cn"])

    async def check(url: str, rendered: str | None = None) -> str | None:
        request = Request(url, meta={"render_url": rendered} if rendered else {})
        try:
            await guard.process_request(request)
        except IgnoreRequest as refusal:
            return str(refusal)
        return None

    render = "http://10.0.0.5:8050/render.html"
    assert asyncio.run(check(render, "http://www.example.cn/a.html")) is None
    assert asyncio.run(check(render, "http://evil.cn/a.html")) == \
        "refused_offsite: http://evil.cn/a.html"
    assert asyncio.run(check(render, "http://intranet.example.cn/a.html")) == \
        "refused_private: http://intranet.example.cn/a.html"
    # a link to the endpoint, or a look-alike host, is no render request
    assert asyncio.run(check(render)) == f"refused_offsite: {render}"
    assert asyncio.run(check("http://10.0.0.5:8051/render.html", "http://www.example.cn/")) == \
        "refused_offsite: http://10.0.0.5:8051/render.html"


def test_our_execute_script_clicks_through_every_page_in_splash_lua():
    """The script Splash runs, in Lua 5.2 over Chromium: each 下一页 click replaces the list
    with the next page, and the HTML returned holds every page's links."""
    harness.require_chromium()
    from .rendering.splash_lua import execute

    js = click_portal(articles=15, per_page=5, mode="replace")
    args = {"wait": 0.5, "timeout": 30, "images": 0, "settle": 3, "render_wait": "#list li",
            "render_click": "a.more", "render_clicks": 5, "render_scroll": 0}
    with FaultServer(js.site.routes) as server:
        result, images = execute(LUA_SOURCE, {**args, "url": f"{server.url}/news/list.html"},
                                 harness.CHROMIUM)
        missing, _ = execute(LUA_SOURCE, {**args, "url": f"{server.url}/gone.html"},
                             harness.CHROMIUM)
    links = set(re.findall(r'href="(/zwyw/[^"]+)"', result.body))
    assert (result.status, images) == (200, False)
    assert links == set(js.site.article_paths)
    assert (missing.status, missing.headers, missing.body) == (
        502, {"X-Bulletin-Render-Error": "http404"}, "")


def test_check_render_uses_the_sites_splash(tmp_path, monkeypatch):
    js = js_portal(articles=6, per_page=6)
    first = js.site.list_paths[0]
    with FaultServer(js.site.routes) as server:
        stub = SplashStub({server.url + first: js.static_lists[first]})
        with FaultServer({"/render.html": stub}) as splash:
            monkeypatch.setenv("BULLETIN_SPLASH_URL", splash.url)
            js.write_site_file(tmp_path / "sites", "jsite", "render: splash")
            result = run_bulletin("check", server.url + first, "--render", "--site", "jsite",
                                  "--sites", str(tmp_path / "sites"), cwd=tmp_path)
            assert [hit.path for hit in splash.log] == ["/render.html"]
    assert "rendered (splash): article links 0 → 6" in result.stdout
