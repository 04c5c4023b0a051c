"""Hostile servers on loopback, as an operator's machine meets them: every case of issue #12 as a
real ``bulletin crawl`` against :class:`FaultServer`, with exact counts of what was fetched,
stored, refused and lost."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from .conftest import jsonl, run_bulletin
from .faults.server import (
    FaultServer,
    GzipBomb,
    Page,
    Redirect,
    Sequence,
    Status,
)
from .faults.sites import DEFAULT_ORIGIN, GeneratedSite, founder_epaper, trs_portal

FIRST = date(2021, 3, 1)
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0",
        "--loglevel", "INFO")


def crawl(tmp_path: Path, server: FaultServer, site: GeneratedSite, key: str, *args: str,
          check: bool = False) -> subprocess.CompletedProcess[str]:
    sites = tmp_path / "sites"
    site.write_site_file(sites, key)
    result = run_bulletin("crawl", key, "--sites", str(sites), "--origin", server.url,
                          "--store", f"sqlite:///{tmp_path}/s.sqlite3", "--since",
                          site.first_day.isoformat(), "--until", site.last_day.isoformat(),
                          *FAST, *args, cwd=tmp_path, check=check)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result


def stored(tmp_path: Path) -> list[dict]:
    return jsonl(run_bulletin("export", "--store", f"sqlite:///{tmp_path}/s.sqlite3",
                              cwd=tmp_path).stdout)


def figure(output: str, name: str) -> int:
    """A figure of the summary line: ``stored 6`` → 6."""
    summary = next(line for line in output.splitlines() if line.startswith("summary: "))
    for part in summary.removeprefix("summary: ").split(", "):
        label, _, value = part.rpartition(" ")
        if label == name:
            return int(value)
    raise KeyError(name)


def failed_rows(tmp_path: Path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        return db.execute("SELECT kind, reason, attempts, url FROM failed_urls ORDER BY url"
                          ).fetchall()


# --- an article that failed is fetched again by the next run ------------------------------------
def test_a_failed_article_is_retried_before_the_incremental_stop(tmp_path):
    site = trs_portal(100, per_page=20, first_day=FIRST)
    broken = site.article_paths[45]  # on list page 3: run 2 stops paging at page 1
    with FaultServer(site.routes) as server:
        server.route(broken, Status(500))
        first = crawl(tmp_path, server, site, "portal")
        assert figure(first.stdout, "stored") == 99 and figure(first.stdout, "failed") == 1
        assert "Traceback" not in first.stderr
        assert "losses: failed: http_500 1" in first.stdout
        assert failed_rows(tmp_path) == [("article", "http_500", 1, DEFAULT_ORIGIN + broken)]
        server.route(broken, site.routes[broken])  # healthy again
        server.clear_log()
        second = crawl(tmp_path, server, site, "portal")
        assert server.hits(broken) == 1
        assert figure(second.stdout, "stored") == 1 and "paging_stopped" not in second.stdout
        assert server.hits(site.list_paths[1]) == 0  # the incremental stop still applies
    assert len(stored(tmp_path)) == 100 and failed_rows(tmp_path) == []


def test_a_page_that_keeps_failing_is_given_up_after_its_attempts(tmp_path):
    site = trs_portal(10, first_day=FIRST)
    broken = site.article_paths[3]
    with FaultServer(site.routes) as server:
        server.route(broken, Status(503))
        for _ in range(4):
            result = crawl(tmp_path, server, site, "portal", "-s", "BULLETIN_MAX_ATTEMPTS=3")
        assert server.hits(broken) == 3  # three runs tried it; the fourth skipped it
        assert "giving up" in result.stderr or server.hits(broken) == 3
        listing = run_bulletin("runs", "--site", "portal", "--failed", "--store",
                               f"sqlite:///{tmp_path}/s.sqlite3", cwd=tmp_path).stdout
    assert "http_503" in listing and "given up" in listing and "1 failed pages" in listing


# --- only what the site owns is fetched ----------------------------------------------------------
def test_links_to_other_hosts_ports_and_schemes_are_refused(tmp_path):
    with FaultServer() as internal:
        internal.route("/secret.shtml", Page("<h1>内部</h1><p>" + "机密" * 200 + "</p>"))
        site = trs_portal(5, first_day=FIRST)
        stamp = f"{site.last_day:%Y%m%d}"
        hostile = [f"http://127.0.0.1:{internal.port}/zwyw/t{stamp}_1.shtml",
                   f"http://localhost:{internal.port}/zwyw/t{stamp}_2.shtml",
                   f"http://2130706433:{internal.port}/zwyw/t{stamp}_3.shtml",
                   f"http://169.254.169.254/zwyw/t{stamp}_4.shtml",
                   f"file:///etc/t{stamp}_5.shtml",
                   f"http://[/zwyw/t{stamp}_6.shtml"]  # unparseable: must not cost the page
        site.add_links(site.list_paths[0], hostile)
        with FaultServer(site.routes) as server:
            result = crawl(tmp_path, server, site, "portal")
        assert internal.log == []
    assert figure(result.stdout, "stored") == 5
    assert "refused: offsite 4, scheme 1" in result.stdout
    assert {doc["url"].split("/")[2] for doc in stored(tmp_path)} == {"site.bulletin.invalid"}
    assert "root:" not in result.stderr and "机密" not in result.stderr


def completed_days(tmp_path: Path) -> set[str]:
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        return {day for (day,) in db.execute("SELECT day FROM crawl_days")}


def test_an_epaper_article_on_an_unlisted_host_keeps_its_day_open(tmp_path):
    """An e-paper's article link is the paper's own page by its form: refused for its host, it
    is a lost page (the site may have moved), remembered, and its day is walked again."""
    site = founder_epaper(FIRST, 2, 2, editions=1)
    layout = site.list_paths[0]  # the first day's only edition
    with FaultServer() as mirror:
        elsewhere = f"http://127.0.0.1:{mirror.port}/html/2021-03/01/content_99999.htm?div=-1"
        site.add_links(layout, [elsewhere])
        with FaultServer(site.routes) as server:
            result = crawl(tmp_path, server, site, "paper")
        assert mirror.log == []
    assert result.returncode == 0 and figure(result.stdout, "stored") == 4
    [(kind, reason, attempts, url)] = failed_rows(tmp_path)
    assert (kind, reason, attempts) == ("article", "refused_offsite", 1)
    assert url.startswith(f"http://127.0.0.1:{mirror.port}/html/2021-03/01/content_99999.htm")
    assert completed_days(tmp_path) == {"2021-03-02"}  # the 1st is walked again next time
    assert "add it to allowed_hosts" in result.stderr


def test_a_crawl_whose_every_article_link_is_refused_fails(tmp_path):
    site = founder_epaper(FIRST, 1, 2, editions=1)
    [layout] = site.list_paths
    page = site.routes[layout]
    moved = "http://moved.bulletin.invalid/html/2021-03/01/content_"
    site.routes[layout] = Page(page.body.decode(page.encoding).replace("content_", moved),
                               content_type=page.content_type, encoding=page.encoding)
    with FaultServer(site.routes) as server:
        result = crawl(tmp_path, server, site, "paper")
    assert result.returncode == 1 and figure(result.stdout, "stored") == 0
    assert "every article link was refused" in result.stdout
    assert completed_days(tmp_path) == set()


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/inner.htm",
                                    "http://169.254.169.254/latest/meta-data/"])
def test_redirects_off_the_site_are_not_followed(tmp_path, target):
    site = trs_portal(5, first_day=FIRST)
    moved = site.article_paths[2]
    with FaultServer() as internal:
        internal.route("/inner.htm", Page("<h1>内部</h1>"))
        with FaultServer(site.routes) as server:
            server.route(moved, Redirect(target.format(port=internal.port)))
            result = crawl(tmp_path, server, site, "portal")
        assert internal.log == []
    assert figure(result.stdout, "stored") == 4
    assert "refused: offsite 1" in result.stdout
    [(kind, reason, attempts, url)] = failed_rows(tmp_path)
    assert (kind, reason, url) == ("article", "refused_offsite", DEFAULT_ORIGIN + moved)


def test_a_private_address_behind_a_public_name_is_refused():
    """Checked after DNS resolution: the guard is given a resolver answering 10.1.2.3."""
    import asyncio

    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import Request
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from bulletin_crawler.middlewares.hosts import HostGuardMiddleware, HostPolicy

    async def resolve(host: str) -> str:
        return {"www.example.gov.cn": "10.1.2.3", "news.example.cn": "93.184.216.34"}[host]

    stats = MemoryStatsCollector(get_crawler())
    guard = HostGuardMiddleware(stats, resolve)
    guard.policy = HostPolicy.for_urls(["http://www.example.gov.cn", "http://127.0.0.1:8080"],
                                       ["news.example.cn"])

    async def check(url: str) -> str | None:
        try:
            await guard.process_request(Request(url))
        except IgnoreRequest as refusal:
            return str(refusal).split(":")[0]
        return None

    assert asyncio.run(check("http://www.example.gov.cn/a.htm")) == "refused_private"
    assert asyncio.run(check("http://news.example.cn/a.htm")) is None
    assert asyncio.run(check("http://127.0.0.1:8080/a.htm")) is None  # written by the operator
    assert asyncio.run(check("http://127.0.0.1:8081/a.htm")) == "refused_offsite"
    assert stats.get_value("bulletin/refused/private") == 1


# --- bounded resources ------------------------------------------------------------------------------
def test_a_gzip_bomb_is_stopped_at_the_size_bound(tmp_path):
    site = trs_portal(3, first_day=FIRST)
    bomb = site.article_paths[1]
    sites = tmp_path / "sites"
    site.write_site_file(sites, "portal")
    with FaultServer(site.routes) as server:
        server.route(bomb, GzipBomb(1 << 30))
        # a fresh parent whose only child is the crawl: its peak memory is the crawl's
        probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        result = subprocess.run(
            [sys.executable, "-c", probe, sys.executable, "-m", "bulletin_crawler.cli", "crawl",
             "portal", "--sites", str(sites), "--origin", server.url, "--store",
             f"sqlite:///{tmp_path}/s.sqlite3", "--since", site.first_day.isoformat(),
             "--until", site.last_day.isoformat(), *FAST],
            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    peak_mb = int(result.stdout.splitlines()[-1]) / 1024
    assert figure(result.stdout, "stored") == 2
    assert "losses: failed: too_large 1" in result.stdout
    assert peak_mb < 400, f"{peak_mb:.0f} MB"


def test_a_list_page_with_100k_links_is_capped(tmp_path):
    site = trs_portal(5, first_day=FIRST)
    stamp = f"{site.last_day:%Y%m%d}"
    site.add_links(site.list_paths[0], [f"/zwyw/{stamp[:6]}/t{stamp}_{n}.shtml"
                                        for n in range(900000, 1000000)])
    with FaultServer(site.routes) as server:
        result = crawl(tmp_path, server, site, "portal", "-s",
                       "BULLETIN_MAX_LINKS_PER_PAGE=200")
        article_hits = sum(1 for hit in server.log if "/t" in hit.path)
    assert "capped: links 99805" in result.stdout  # 100,005 links, 200 taken
    assert article_hits == 200


# --- garbage is not an article ----------------------------------------------------------------------
def test_a_soft_404_is_dropped_and_counted(tmp_path):
    site = trs_portal(4, first_day=FIRST)
    gone = site.article_paths[0]
    with FaultServer(site.routes) as server:
        server.route(gone, Page('<html><head><meta name="ArticleTitle" content="页面不存在">'
                                "<title>页面不存在</title></head><body><div class=TRS_Editor>"
                                "<p>对不起，您访问的页面不存在或已被删除。</p></div></body></html>"))
        result = crawl(tmp_path, server, site, "portal")
    assert figure(result.stdout, "stored") == 3 and figure(result.stdout, "dropped") == 1
    assert "failed: soft_404 1" in result.stdout
    assert all("不存在" not in doc["title"] for doc in stored(tmp_path))


@pytest.mark.parametrize(("data_encoding", "declared"), [("gbk", "utf-8"), ("utf-8", "gbk")])
def test_a_lying_charset_is_read_by_the_codec_that_fits(tmp_path, data_encoding, declared):
    site = trs_portal(3, first_day=FIRST, encoding=data_encoding)
    for path in site.article_paths:
        page = site.routes[path]
        assert isinstance(page, Page)
        body = page.body.replace(f'charset="{data_encoding}"'.encode(), b"").replace(
            f"charset={data_encoding}".encode(), b"")
        site.routes[path] = Page(body, content_type=f"text/html; charset={declared}")
    with FaultServer(site.routes) as server:
        result = crawl(tmp_path, server, site, "portal")
    assert figure(result.stdout, "stored") == 3
    docs = stored(tmp_path)
    assert sorted(doc["title"] for doc in docs) == sorted(site.titles.values())
    assert not any("\ufffd" in doc["body"] or "锟" in doc["body"] for doc in docs)


def test_undecodable_bytes_are_refused_not_stored(tmp_path):
    site = trs_portal(3, first_day=FIRST)
    garbled = site.article_paths[0]
    with FaultServer(site.routes) as server:
        server.route(garbled, Page(b"<html><body><h1>" + bytes(range(0x80, 0x100)) * 20
                                   + b"</h1></body></html>",
                                   content_type="text/html; charset=utf-8"))
        result = crawl(tmp_path, server, site, "portal")
    assert figure(result.stdout, "stored") == 2 and "failed: bad_encoding 1" in result.stdout


def test_a_redirect_loop_is_a_counted_loss(tmp_path):
    site = trs_portal(4, first_day=FIRST)
    looped = site.article_paths[1]
    with FaultServer(site.routes) as server:
        server.route(looped, Redirect(looped + "?again=1"))
        server.route(looped + "?again=1", Redirect(looped))
        result = crawl(tmp_path, server, site, "portal")
    assert figure(result.stdout, "stored") == 3 and figure(result.stdout, "errors") == 1
    assert "failed: redirect_loop 1" in result.stdout


# --- honest exit status -----------------------------------------------------------------------------
def test_exit_status_is_not_zero_when_the_site_could_not_be_crawled(tmp_path):
    site = trs_portal(5, first_day=FIRST)
    with FaultServer(site.routes) as server:
        origin = server.url
    down = run_bulletin("crawl", "portal", "--sites", str(site.write_site_file(
        tmp_path / "sites", "portal").parent), "--origin", origin, "--store",
        f"sqlite:///{tmp_path}/s.sqlite3", *FAST, cwd=tmp_path, check=False)
    assert down.returncode == 1 and "status: failed" in down.stdout
    assert "failed: connection_refused 1" in down.stdout  # Scrapy's own download errors named
    with FaultServer(site.routes) as server:
        server.route(site.list_paths[0], Status(500))
        broken = crawl(tmp_path, server, site, "portal")
        assert broken.returncode == 1 and "every list page failed" in broken.stdout
        server.route(site.list_paths[0], Page("<html><head><title>页面不存在</title></head>"
                                              "<body>您访问的页面不存在</body></html>"))
        soft = crawl(tmp_path, server, site, "portal")
        assert soft.returncode == 1 and "every list page failed" in soft.stdout


def test_an_epaper_day_without_an_issue_is_not_a_failure(tmp_path):
    site = founder_epaper(FIRST, 2, 3)
    with FaultServer(site.routes) as server:
        result = crawl(tmp_path, server, site, "paper", "--until",
                       date(2021, 3, 3).isoformat())  # no issue on the 3rd: a 404
    assert result.returncode == 0 and figure(result.stdout, "missing issues") == 1
    assert figure(result.stdout, "stored") == 6


def test_retry_after_is_honoured(tmp_path):
    site = trs_portal(3, first_day=FIRST)
    busy = site.article_paths[0]
    with FaultServer(site.routes) as server:
        server.route(busy, Sequence([Status(503, {"Retry-After": "2"}), site.routes[busy]]))
        result = crawl(tmp_path, server, site, "portal", "-s", "RETRY_TIMES=2")
        times = [hit.time for hit in server.log if hit.path == busy]
    assert figure(result.stdout, "stored") == 3
    assert len(times) == 2 and times[1] - times[0] >= 1.9


# --- a bad site file stops only its own site ----------------------------------------------------------
def test_one_malformed_site_file_does_not_block_the_others(tmp_path):
    site = trs_portal(3, first_day=FIRST)
    sites = tmp_path / "sites"
    site.write_site_file(sites, "portal")
    (sites / "broken.yaml").write_text("key: broken\nname: x\nfamily: generic\nstart_urls: "
                                       "[http://x.cn/]\nregion: {province: 河南省, code: '000000'}\n"
                                       "selectors: {body: '//div['}\n", encoding="utf-8")
    with FaultServer(site.routes) as server:
        result = crawl(tmp_path, server, site, "portal")
        assert result.returncode == 0 and figure(result.stdout, "stored") == 3
        broken = run_bulletin("crawl", "broken", "--sites", str(sites), "--store",
                              f"sqlite:///{tmp_path}/s.sqlite3", cwd=tmp_path, check=False)
    assert broken.returncode == 2 and "site 'broken' is disabled" in broken.stderr
    assert "Traceback" not in broken.stderr


# --- no page text in the log ----------------------------------------------------------------------------
def test_dropped_items_are_logged_by_url_and_reason_only(tmp_path):
    site = trs_portal(2, first_day=FIRST)
    secret = "口令" + "甲乙丙丁" * 20
    with FaultServer(site.routes) as server:
        server.route(site.article_paths[0], Page(
            '<html><head><meta name="ArticleTitle" content="404"><title>404</title></head>'
            f"<body><div class=TRS_Editor><p>{secret}</p></div></body></html>"))
        result = crawl(tmp_path, server, site, "portal", "--loglevel", "DEBUG")
    assert "soft 404: " + DEFAULT_ORIGIN + site.article_paths[0] in result.stderr
    assert secret not in result.stderr and secret not in result.stdout


def test_the_user_agent_names_the_project_and_the_contact(tmp_path):
    site = trs_portal(1, first_day=FIRST)
    with FaultServer(site.routes) as server:
        crawl(tmp_path, server, site, "portal")
        agents = {hit.headers.get("user-agent") for hit in server.log}
    assert len(agents) == 1 and agents.pop().startswith("bulletin_crawler/")
    with FaultServer(site.routes) as server:
        run = run_bulletin("crawl", "portal", "--sites", str(tmp_path / "sites"), "--origin",
                           server.url, "--store", f"sqlite:///{tmp_path}/t.sqlite3", *FAST,
                           cwd=tmp_path, env={"BULLETIN_CONTACT": "ops@example.cn"}, check=False)
        agents = {hit.headers.get("user-agent") for hit in server.log}
    assert run.returncode in (0, 1) and agents == {
        f"bulletin_crawler/{_version()} (regional news archive; contact: ops@example.cn)"}
    with FaultServer(site.routes) as server:  # as a setting (a Scrapyd job's, -s) too
        run_bulletin("crawl", "portal", "--sites", str(tmp_path / "sites"), "--origin",
                     server.url, "--store", f"sqlite:///{tmp_path}/u.sqlite3", *FAST,
                     "-s", "BULLETIN_CONTACT=https://ops.example.cn/", cwd=tmp_path, check=False)
        agents = {hit.headers.get("user-agent") for hit in server.log}
    assert agents == {f"bulletin_crawler/{_version()} (regional news archive; "
                      "contact: https://ops.example.cn/)"}


def _version() -> str:
    from bulletin_crawler import __version__

    return __version__


def test_crawl_records_name_their_status(tmp_path):
    site = trs_portal(2, first_day=FIRST)
    with FaultServer(site.routes) as server:
        crawl(tmp_path, server, site, "portal")
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        [(status, raw)] = db.execute("SELECT status, run FROM crawl_runs").fetchall()
    run = json.loads(raw)
    assert status == "ok" and run["run_id"] and run["finished_at"] and run["reasons"] == []


def test_a_javascript_pager_is_not_followed(tmp_path):
    article = ('<html><head><title>{0}</title></head><body><h1>{0}</h1><div class="content">'
               "<p>11月30日，管城区召开会议，部署冬季安全生产工作，要求各单位压实责任。</p>"
               "<p>会议指出，要加强隐患排查，确保辖区安全形势持续稳定。</p></div></body></html>")
    routes = {"/news/list.html": Page(
        '<html><body><ul><li><a href="/news/2020/11/30/1001.html">会议一</a> 2020-11-30</li>'
        '<li><a href="/news/2020/11/30/1002.html">会议二</a> 2020-11-30</li></ul>'
        '<a href="javascript:goPage(2)">下一页</a></body></html>'),
        "/news/2020/11/30/1001.html": Page(article.format("管城区召开安全生产会议")),
        "/news/2020/11/30/1002.html": Page(article.format("管城区部署冬季安全工作")
                                           .replace("压实责任", "落实到人"))}
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "js-pager.yaml").write_text(
        "key: js-pager\nname: 示范政务网\nfamily: generic\nstart_urls:\n"
        "  - http://portal.example.gov.cn/news/list.html\n"
        'region: {province: 河南省, code: "410104"}\n', encoding="utf-8")
    with FaultServer(routes) as server:
        result = run_bulletin("crawl", "js-pager", "--sites", str(sites), "--origin", server.url,
                              "--store", f"sqlite:///{tmp_path}/s.sqlite3", "--since",
                              "2020-11-30", "--until", "2020-11-30", *FAST, cwd=tmp_path)
    assert "Traceback" not in result.stderr and figure(result.stdout, "stored") == 2


def test_a_page_over_the_extraction_budget_is_a_counted_failure(tmp_path):
    site = trs_portal(3, first_day=FIRST)
    huge = site.article_paths[1]
    # about 4 s of reading unloaded, against 0.01 s for the other pages: a budget of 0.5 s
    # leaves both sides a wide margin on a loaded machine
    blocks = "".join(f"<div class=b{n % 7}><p>第{n}段，管城区召开会议。</p><a href=#{n}>链接{n}</a></div>"
                     for n in range(80000))
    with FaultServer(site.routes) as server:
        server.route(huge, Page(f"<html><head><title>很长的页面</title></head><body>{blocks}"
                                "</body></html>"))
        result = crawl(tmp_path, server, site, "portal", "-s",
                       "BULLETIN_EXTRACTION_BUDGET=0.5")
    assert figure(result.stdout, "stored") == 2 and "failed: parse_timeout 1" in result.stdout
