"""The generated sites read as generated with the project's own extraction, load as site files,
and a real ``bulletin crawl`` of them stores every article after one request each."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from bulletin_crawler.extraction.dates import date_from_url
from bulletin_crawler.extraction.epaper import parse_layout
from bulletin_crawler.extraction.html import decode_html
from bulletin_crawler.extraction.listing import parse_listing
from bulletin_crawler.extraction.page import extract_html
from bulletin_crawler.fingerprints import fingerprint, is_near_copy
from bulletin_crawler.sites.config import load_site_file
from bulletin_crawler.spiders.portal import TrsSpider

from ..conftest import jsonl, run_bulletin
from .server import FaultServer, Page
from .sites import DEFAULT_ORIGIN, GeneratedSite, founder_epaper, trs_portal

FIRST = date(2021, 3, 1)


def html_of(site: GeneratedSite, path: str) -> str:
    page = site.routes[path]
    assert isinstance(page, Page)
    return decode_html(page.body)


def test_layout_pages_link_their_day_editions_and_articles():
    site = founder_epaper(FIRST, 2, 5, editions=2)
    for day in (FIRST, date(2021, 3, 2)):
        folder = f"{DEFAULT_ORIGIN}/html/{day:%Y-%m/%d}"
        linked = []
        for edition in (1, 2):
            layout = parse_layout(html_of(site, f"/html/{day:%Y-%m/%d}/node_{edition}.htm"),
                                  f"{folder}/node_{edition}.htm")
            assert layout.issue_date == day
            assert layout.edition == {"date": day.isoformat(), "page": f"0{edition}",
                                      "name": ("要闻", "县区")[edition - 1]}
            assert [url for url, _ in layout.editions] == [f"{folder}/node_1.htm",
                                                          f"{folder}/node_2.htm"]
            linked += layout.articles
        expected = [DEFAULT_ORIGIN + path for path in site.article_paths
                    if site.published[path] == day]
        assert linked == expected and len(expected) == 5  # ?div= folded, each once


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_epaper_articles_extract_as_generated(encoding):
    site = founder_epaper(FIRST, 2, 4, encoding=encoding)
    for path in site.article_paths:
        page = site.routes[path]
        assert isinstance(page, Page) and page.content_type == f"text/html; charset={encoding}"
        page.body.decode(encoding)  # strictly
        extracted = extract_html(html_of(site, path), DEFAULT_ORIGIN + path)
        assert extracted.title == site.titles[path]
        assert extracted.published_at == site.published[path] == date_from_url(path)
        assert extracted.edition and extracted.edition["date"] == site.published[path].isoformat()
        assert len(extracted.paragraphs) >= 3 and extracted.paragraphs[0].startswith("本报讯")
        assert len(extracted.byline.reporters) == 1  # 本报讯（记者 X）


def test_portal_lists_page_newest_first():
    site = trs_portal(45, per_page=20, first_day=FIRST)
    assert site.list_paths == ["/zwyw/index.shtml", "/zwyw/index_1.shtml", "/zwyw/index_2.shtml"]
    newest = site.article_paths[::-1]
    for page, path in enumerate(site.list_paths):
        listing = parse_listing(html_of(site, path), DEFAULT_ORIGIN + path,
                                TrsSpider.article_pattern)
        assert (listing.page_count, listing.column) == (3, "政务要闻")
        chunk = newest[page * 20:(page + 1) * 20]
        assert [item.url for item in listing.items] == [DEFAULT_ORIGIN + p for p in chunk]
        assert [item.published for item in listing.items] == [site.published[p] for p in chunk]
        assert [item.title for item in listing.items] == [site.titles[p] for p in chunk]
    assert (site.first_day, site.last_day) == (FIRST, date(2021, 4, 14))


def test_portal_articles_extract_as_generated():
    site = trs_portal(12, first_day=FIRST, encoding=("gbk", "utf-8"))
    for path in site.article_paths:
        extracted = extract_html(html_of(site, path), DEFAULT_ORIGIN + path)
        assert extracted.title == site.titles[path] and extracted.column == "政务要闻"
        assert extracted.published_at.date() == site.published[path] == date_from_url(path)
        assert len(extracted.paragraphs) >= 3


def test_generation_is_seeded_titles_distinct_texts_unrelated():
    first, again = trs_portal(600), trs_portal(600)
    assert [first.routes[p].body for p in first.list_paths + first.article_paths] == [
        again.routes[p].body for p in again.list_paths + again.article_paths]
    assert len(set(first.titles.values())) == 600 and not first.reposts
    epaper = founder_epaper(FIRST, 10, 12)
    marks = [fingerprint(extract_html(html_of(epaper, p), DEFAULT_ORIGIN + p).body)
             for p in epaper.article_paths]
    assert not any(is_near_copy(a, b) for a, b in itertools.combinations(marks, 2))


def test_reposts_are_planted_exact_and_edited_copies():
    site = trs_portal(40, reposts_every=10)
    assert site.reposts == {site.article_paths[n]: site.article_paths[n - 5]
                            for n in (9, 19, 29, 39)}
    for n, (copy, original) in enumerate(site.reposts.items()):
        body, source = (extract_html(html_of(site, p), DEFAULT_ORIGIN + p).body
                        for p in (copy, original))
        assert (body == source) == (n % 2 == 0)
        assert is_near_copy(fingerprint(body), fingerprint(source))


def test_site_files_load(tmp_path):
    epaper = founder_epaper(FIRST, 1, 2).write_site_file(tmp_path, "gen-daily")
    config = load_site_file(epaper)
    assert (config.family, config.region.code) == ("founder-enp", "410104")
    assert config.start_urls_for(FIRST) == [f"{DEFAULT_ORIGIN}/html/2021-03/01/node_1.htm"]
    portal = load_site_file(trs_portal(500).write_site_file(tmp_path, "gen-portal",
                                                            "http://gov.x.invalid"))
    assert portal.start_urls == ("http://gov.x.invalid/zwyw/index.shtml",)
    assert portal.max_pages == 25  # every list page of the column is walked


def test_planted_links_read_as_the_page_own_links():
    epaper = founder_epaper(FIRST, 1, 2)
    planted = "http://127.0.0.1:9/html/2021-03/01/content_99.htm"
    epaper.add_links("/html/2021-03/01/node_1.htm", [planted])
    layout = parse_layout(html_of(epaper, "/html/2021-03/01/node_1.htm"),
                          f"{DEFAULT_ORIGIN}/html/2021-03/01/node_1.htm")
    assert layout.articles[-1] == planted
    portal = trs_portal(3, first_day=FIRST)
    hrefs = ["http://169.254.169.254/zwyw/202103/t20210303_1.shtml",
             "file:///etc/t20210303_2.shtml"]
    page = portal.add_links("/zwyw/index.shtml", hrefs)
    assert portal.routes["/zwyw/index.shtml"] is page
    items = parse_listing(page.body.decode(page.encoding), f"{DEFAULT_ORIGIN}/zwyw/index.shtml",
                          TrsSpider.article_pattern).items
    assert [(item.url, item.published) for item in items[-2:]] == [
        (href, portal.last_day) for href in hrefs]


@pytest.mark.parametrize("kind", ["epaper", "portal"])
def test_a_real_crawl_stores_every_article_after_one_request_each(tmp_path: Path, kind: str):
    site = founder_epaper(FIRST, 3, 4) if kind == "epaper" else trs_portal(45, first_day=FIRST)
    site.write_site_file(tmp_path / "sites", "gen-site")
    store = f"sqlite:///{tmp_path}/s.sqlite3"
    with FaultServer(site.routes) as server:
        result = run_bulletin(
            "crawl", "gen-site", "--sites", str(tmp_path / "sites"), "--origin", server.url,
            "--store", store, "--since", site.first_day.isoformat(), "--until",
            site.last_day.isoformat(), "-s", "DOWNLOAD_DELAY=0", "-s",
            "AUTOTHROTTLE_ENABLED=False", "--loglevel", "WARNING", cwd=tmp_path)
        requested = sorted(hit.path for hit in server.log)
    assert "errors 0" in result.stdout
    assert requested == sorted(["/robots.txt", *site.list_paths, *site.article_paths])
    docs = jsonl(run_bulletin("export", "--store", store, cwd=tmp_path).stdout)
    assert sorted((doc["url"], doc["title"], doc["published_at"][:10]) for doc in docs) == sorted(
        (DEFAULT_ORIGIN + path, site.titles[path], site.published[path].isoformat())
        for path in site.article_paths)
