"""Portal families on local fixture sites: the exact set of URLs each crawl requests proves the
date cutoff, the incremental stop and --full; the stored articles prove the extraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import TESTS, jsonl, run_bulletin

FAMILIES = TESTS / "families"
WINDOW = ("--since", "2020-11-24", "--until", "2020-11-30")


def crawl(serve, family: str, key: str, tmp_path: Path, *args: str) -> tuple[str, list[str]]:
    base = FAMILIES / family
    with serve(base / "www") as (origin, requested):
        result = run_bulletin("crawl", key, "--sites", str(base / "sites"), "--origin", origin,
                              "--store", f"sqlite:///{tmp_path}/s.sqlite3", "--loglevel",
                              "WARNING", "-s", "DOWNLOAD_DELAY=0", "-s",
                              "AUTOTHROTTLE_ENABLED=False", *WINDOW, *args, cwd=tmp_path)
    return result.stdout, sorted(set(requested) - {"/robots.txt"})


def stored(tmp_path: Path) -> dict[str, dict]:
    out = run_bulletin("export", "--store", f"sqlite:///{tmp_path}/s.sqlite3", cwd=tmp_path)
    return {doc["url"].rsplit("/", 1)[1]: doc for doc in jsonl(out.stdout)}


TRS_ARTICLES = ["t20201124_1007.shtml", "t20201125_1006.shtml", "t20201126_1005.shtml",
                "t20201127_1004.shtml", "t20201128_1003.shtml", "t20201129_1002.shtml",
                "t20201129_1002_1.shtml", "t20201130_1001.shtml"]


def test_trs_pages_to_the_cutoff_and_joins_a_two_page_article(serve, tmp_path):
    summary, requested = crawl(serve, "gov-trs", "trs-demo", tmp_path)
    assert requested == sorted(["/zwyw/index.shtml", "/zwyw/index_1.shtml", "/zwyw/index_2.shtml",
                                *(f"/zwyw/202011/{name}" for name in TRS_ARTICLES)])
    # index_2 holds only items older than --since: index_3 is never asked for
    assert "stored 7" in summary
    docs = stored(tmp_path)
    assert len(docs) == 7 and all(doc["column"] == "政务要闻" for doc in docs.values())
    joined = docs["t20201129_1002.shtml"]
    assert joined["body"].endswith("（接上页）第二页的内容同样属于这篇报道，记录了后续的工作安排。")
    assert joined["title"] == "南关街道推进老旧小区改造"  # site prefix stripped from ArticleTitle
    assert docs["t20201128_1003.shtml"]["title"] == "城东路街道召开安全生产会议"  # undeclared GBK
    assert docs["t20201130_1001.shtml"]["published_at"] == "2020-11-30T09:00:00+08:00"


def test_trs_second_run_stops_at_the_first_known_page_unless_full(serve, tmp_path):
    crawl(serve, "gov-trs", "trs-demo", tmp_path)
    summary, requested = crawl(serve, "gov-trs", "trs-demo", tmp_path)
    assert requested == ["/zwyw/index.shtml"] and "stored 0" in summary
    summary, requested = crawl(serve, "gov-trs", "trs-demo", tmp_path, "--full")
    assert len(requested) == 3 + len(TRS_ARTICLES) and "duplicates 7" in summary


def test_hanweb_reads_the_datastore_then_posts_for_page_two(serve, tmp_path):
    summary, requested = crawl(serve, "gov-hanweb", "hanweb-demo", tmp_path)
    assert requested == sorted([
        "/col/col1001/index.html",
        "POST /module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3",
        *(f"/art/2020/11/{day}/art_1001_{5050 - day}.html" for day in (27, 28, 29, 30))])
    docs = stored(tmp_path)
    assert len(docs) == 4 and {doc["column"] for doc in docs.values()} == {"乡镇动态"}
    assert all(doc["published_at"].startswith("2020-11-") and "2022" not in doc["published_at"]
               for doc in docs.values())  # PubDate, never Maketime


def test_generic_follows_next_page_links_within_the_window(serve, tmp_path):
    summary, requested = crawl(serve, "generic", "generic-demo", tmp_path)
    assert requested == sorted(["/district/list.html", "/district/list_2.html",
                                "/district/2020/11/28/9068.html", "/district/2020/11/29/9069.html",
                                "/district/2020/11/30/9070.html"])
    docs = stored(tmp_path)
    assert docs["9070.html"]["title"] == "商都路街道组织就业招聘会"
    assert docs["9070.html"]["column"] == "区县新闻"


@pytest.mark.parametrize(("family", "key"), [("gov-hanweb", "hanweb-demo"),
                                             ("generic", "generic-demo")])
def test_portal_second_run_requests_only_the_first_list_page(serve, tmp_path, family, key):
    crawl(serve, family, key, tmp_path)
    summary, requested = crawl(serve, family, key, tmp_path)
    assert len(requested) == 1 and "stored 0" in summary


def crawl_builtin(serve, key: str, tmp_path: Path, *args: str) -> tuple[str, list[str]]:
    with serve(TESTS / "sites" / key) as (origin, requested):
        result = run_bulletin("crawl", key, "--origin", origin, "--store",
                              f"sqlite:///{tmp_path}/s.sqlite3", "--loglevel", "WARNING",
                              "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                              *args, cwd=tmp_path)
    return result.stdout, sorted(set(requested) - {"/robots.txt"})


def test_jhtml_cutoff_and_incremental_stop(serve, tmp_path):
    window = ("--since", "2020-11-28", "--until", "2020-11-30")
    summary, requested = crawl_builtin(serve, "guancheng", tmp_path, *window)
    # page 1 crosses the cutoff (30, 29 | 27); page 2 is all older: page 3 is never asked for
    assert requested == ["/gczw/10171201.jhtml", "/gczw/10171202.jhtml", "/gczw/index.jhtml",
                         "/gczw/index_2.jhtml"]
    assert "stored 2" in summary
    summary, requested = crawl_builtin(serve, "guancheng", tmp_path, *window)
    assert requested == ["/gczw/index.jhtml"] and "stored 0" in summary
