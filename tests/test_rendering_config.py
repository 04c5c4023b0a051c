"""What a site file asks of rendering, and a machine that cannot render: told in one line
before anything is fetched."""

from __future__ import annotations

import pytest
from scrapy import Request

from bulletin_crawler.rendering.plan import RenderPlan
from bulletin_crawler.sites.config import SiteFileError, parse_site

from .conftest import run_bulletin
from .faults.server import FaultServer
from .rendering.harness import crawl
from .rendering.sites import js_portal

SITE = {"key": "jsite", "name": "测试", "family": "generic", "start_urls": ["http://a.cn/list/"],
        "region": {"province": "河南省", "city": None, "district": None, "code": "410100"}}


@pytest.mark.parametrize(("render", "options", "message"), [
    ("render: browser", ("-s", "BULLETIN_CHROMIUM=/nowhere/chromium"),
     ("render: browser needs Chromium at /nowhere/chromium: not found (apt-get install "
      "chromium, or set BULLETIN_CHROMIUM to its path)")),
    ("render: splash", ("-s", "SPLASH_URL=localhost:8050"),
     ("render: splash needs SPLASH_URL, the address of a Splash server (setting or environment "
      "variable BULLETIN_SPLASH_URL), e.g. http://127.0.0.1:8050; got 'localhost:8050'")),
])
def test_a_machine_that_cannot_render_is_told_so_in_one_line(tmp_path, monkeypatch, render,
                                                              options, message):
    monkeypatch.delenv("BULLETIN_SPLASH_URL", raising=False)
    js = js_portal(articles=3)
    with FaultServer(js.site.routes) as server:
        result = crawl(tmp_path, server, js, render, options=options)
        assert server.log == []
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"bulletin crawl: {message}"


@pytest.mark.parametrize(("fields", "problem"), [
    ({"render": "browser", "render_click": ".next"}, "field 'render_clicks': render_click"),
    ({"render": "browser", "render_clicks": 3}, "field 'render_click': render_click"),
    ({"render_wait": "#list li"}, "field 'render_wait': is set but render is none"),
    ({"render": "splash", "render_scroll": 101}, "field 'render_scroll': must be a whole number"),
    ({"render": "chrome"}, "field 'render': 'chrome' is not one of none, browser, splash"),
])
def test_render_fields_that_contradict_each_other_are_rejected(fields, problem):
    with pytest.raises(SiteFileError, match=f"^x.yaml: {problem}"):
        parse_site({**SITE, **fields}, "x.yaml")


@pytest.mark.parametrize(("pages", "rendered"), [
    ("lists", {"list", "layout"}), ("articles", {"article"}),
    ("all", {"list", "layout", "article"})])
def test_only_get_requests_of_the_kinds_named_are_rendered(pages, rendered):
    site = parse_site({**SITE, "render": "browser", "render_pages": pages}, "x.yaml")
    plan = RenderPlan.for_site(site)
    assert plan is not None
    kinds = {"list", "layout", "article", None}
    assert {kind for kind in kinds if plan.wants(Request("http://a.cn/", meta={
        "page_kind": kind}))} == rendered
    assert not plan.wants(Request("http://a.cn/", method="POST", meta={"page_kind": "list"}))
    assert RenderPlan.for_site(parse_site(SITE, "x.yaml")) is None


def test_check_render_needs_a_url(tmp_path):
    saved = tmp_path / "list.html"
    saved.write_text("<html><body></body></html>", encoding="utf-8")
    result = run_bulletin("check", str(saved), "--render", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert result.stderr == (f"bulletin check: --render needs the page's URL, not a saved copy "
                             f"({saved})\n")
