"""Every site's fixture pages give their expected extraction; the developer's path from one
saved page to a crawling site: new-site, check, the fixture test, a crawl of a local copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bulletin_crawler.sites import load_sites
from bulletin_crawler.sites.fixtures import differences, site_fixtures

from .conftest import TESTS, run_bulletin

FIXTURES = site_fixtures(load_sites())
TRS = TESTS / "families" / "gov-trs" / "www"
ARTICLE_URL = "http://trs.example.gov.cn/zwyw/202011/t20201130_1001.shtml"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture.name for fixture in FIXTURES])
def test_site_fixture_page(fixture):
    assert differences(fixture) == []


def test_every_builtin_site_has_a_fixture_page():
    assert {fixture.site.key for fixture in FIXTURES} == set(load_sites())


def test_from_a_saved_page_to_a_crawling_site(tmp_path, serve):
    saved = tmp_path / "saved.html"
    shutil.copy(TRS / "zwyw/202011/t20201130_1001.shtml", saved)
    sites = tmp_path / "sites"
    made = run_bulletin("new-site", "new-trs", "--url", ARTICLE_URL, "--page", str(saved),
                        "--dir", str(sites), "--region-code", "410104", "--province", "河南省",
                        cwd=tmp_path)
    assert "family gov-trs" in made.stdout
    site_file = (sites / "new-trs.yaml").read_text(encoding="utf-8")
    assert "family: gov-trs" in site_file
    assert "http://trs.example.gov.cn/zwyw/index.shtml" in site_file
    expected = json.loads((sites / "fixtures/new-trs/page-1.json").read_text(encoding="utf-8"))
    assert expected["url"] == ARTICLE_URL
    assert expected["fields"]["title"] == "北下街街道举办健康义诊活动"
    checked = run_bulletin("sites", "--check", "--sites", str(sites), cwd=tmp_path).stdout
    assert "0 differences" in checked
    report = run_bulletin("check", str(sites / "fixtures/new-trs/page-1.html"), "--site",
                          "new-trs", "--url", ARTICLE_URL, "--sites", str(sites),
                          cwd=tmp_path).stdout
    assert "family: gov-trs" in report and "title: '北下街街道举办健康义诊活动'" in report
    with serve(TRS) as (origin, _requested):
        crawl = run_bulletin("crawl", "new-trs", "--sites", str(sites), "--origin", origin,
                             "--since", "2020-11-24", "--until", "2020-11-30", "--store",
                             f"sqlite:///{tmp_path}/s.sqlite3", "-s", "DOWNLOAD_DELAY=0",
                             "--loglevel", "WARNING", cwd=tmp_path)
    assert "stored 7" in crawl.stdout


def test_a_changed_extraction_fails_the_check_until_updated(tmp_path):
    sites = tmp_path / "sites"
    shutil.copytree(Path(load_sites()["zzrb"].path).parent / "fixtures" / "zzrb",
                    sites / "fixtures" / "my-zzrb")
    (sites / "my-zzrb.yaml").write_text(
        Path(load_sites()["zzrb"].path).read_text(encoding="utf-8").replace("key: zzrb",
                                                                           "key: my-zzrb"),
        encoding="utf-8")
    expected = sites / "fixtures/my-zzrb/article-1.json"
    record = json.loads(expected.read_text(encoding="utf-8"))
    record["fields"]["title"] = "旧标题"
    expected.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    failed = run_bulletin("sites", "--check", "--sites", str(sites), cwd=tmp_path, check=False)
    assert failed.returncode == 1
    assert "my-zzrb/article-1: title: expected '旧标题', got '管城回族区召开经济运行分析会'" in failed.stdout
    run_bulletin("fixtures", "update", "my-zzrb", "--sites", str(sites), cwd=tmp_path)
    assert run_bulletin("sites", "--check", "--sites", str(sites), cwd=tmp_path).returncode == 0


PAGE_OBJECT = '''
from parsel import Selector

from bulletin_crawler.extraction.result import Extracted, finish
from bulletin_crawler.sites.custom import page_object


@page_object("odd-site")
class OddArticle:
    def parse_article(self, html, url):
        page = Selector(text=html)
        return finish(Extracted(title=page.css("b.headline::text").get(), url=url,
                                paragraphs=page.css("span.para::text").getall()))
'''


def test_a_python_page_object_for_an_odd_site(tmp_path):
    sites = tmp_path / "sites"
    (sites / "fixtures" / "odd-site").mkdir(parents=True)
    (sites / "odd_site.py").write_text(PAGE_OBJECT, encoding="utf-8")
    (sites / "odd-site.yaml").write_text(
        "key: odd-site\nname: 怪站\nfamily: generic\nstart_urls: [http://odd.example.cn/]\n"
        "region: {province: 河南省, code: '410104'}\n", encoding="utf-8")
    (sites / "fixtures/odd-site/a.html").write_text(
        "<html><body><b class=headline>怪站新闻</b><span class=para>第一段文字。</span>"
        "<span class=para>第二段文字。</span></body></html>", encoding="utf-8")
    run_bulletin("fixtures", "update", "odd-site", "--sites", str(sites), cwd=tmp_path)
    record = json.loads((sites / "fixtures/odd-site/a.json").read_text(encoding="utf-8"))
    assert record["fields"]["title"] == "怪站新闻"
    assert record["fields"]["body"] == "第一段文字。\n第二段文字。"
    listing = run_bulletin("sites", "--check", "--sites", str(sites), cwd=tmp_path).stdout
    assert "python" in listing and "0 differences" in listing


def test_check_shows_layout_and_list_pages(tmp_path):
    layout = run_bulletin("check", str(TESTS / "sites/zzrb/html/2020-11/30/node_3.htm"),
                          "--url", "http://zzrb.zynews.cn/html/2020-11/30/node_3.htm",
                          cwd=tmp_path).stdout
    assert "family: founder-enp" in layout and "editions (2):" in layout
    assert "http://zzrb.zynews.cn/html/2020-11/30/content_1201.htm" in layout
    listing = run_bulletin("check", str(TRS / "zwyw/index.shtml"), "--url",
                           "http://trs.example.gov.cn/zwyw/index.shtml", cwd=tmp_path).stdout
    assert "family: gov-trs" in listing and "page count 4" in listing
    assert "2020-11-30  北下街街道举办健康义诊活动" in listing
