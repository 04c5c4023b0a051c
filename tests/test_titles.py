"""Headlines chosen by evidence: what the <title> repeats, headings over lines, no site parts,
no navigation labels, decks of a TRS headline block. Pages written for these tests."""

from __future__ import annotations

import pytest

from bulletin_crawler.extraction.page import extract_html

BODY = "<p>" + "区里召开会议，部署今冬明春的安全生产工作，要求各街道落实责任。" * 3 + "</p>"


def page(title: str, header: str, body: str = BODY, head: str = "") -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body>{header}"
            f"<div class='content'>{body}</div></body></html>")


@pytest.mark.parametrize(("title", "header", "headline"), [
    # column and site parts after the headline, and a share box repeating the whole <title>
    ("临江区召开安全生产会议_要闻_新闻频道首页_临江网 - LINJIANG.COM.CN",
     "<div class='share'>临江区召开安全生产会议_要闻_新闻频道首页_临江网 - LINJIANG.COM.CN</div>"
     "<h2 class='cont_title'>临江区召开安全生产会议</h2>", "临江区召开安全生产会议"),
    # an unspaced hyphen before the site's names
    ("临江区召开安全生产会议-临江网北城频道-临江网", "<div>临江区召开安全生产会议</div>",
     "临江区召开安全生产会议"),
    # a navigation heading first
    ("临江区召开安全生产会议 _临江网", "<h1>全部导航</h1><h1 class='u-title'>临江区召开安全生产会议</h1>",
     "临江区召开安全生产会议"),
    # a rights line that quotes the headline is no headline
    ("临江区召开安全生产会议 | 临江商报",
     "<p>转载请注明：临江区召开安全生产会议| 临江商报</p><h1>临江区召开安全生产会议</h1>",
     "临江区召开安全生产会议"),
    # the site first, then the headline
    ("临江区人民政府——临江区召开安全生产会议", "<h1>临江区召开安全生产会议</h1>",
     "临江区召开安全生产会议"),
    # a <title> naming only the column and the site: the headline is the longest heading
    ("新闻动态--临江区地理学会官网",
     "<h3>首页 - 新闻动态</h3><h5>临江区地理学术年会在城北成功举行！</h5>",
     "临江区地理学术年会在城北成功举行！"),
    ("Town Council Approves New Budget - The Riverside Herald",
     "<h1>Riverside Herald</h1><h2>Town Council Approves New Budget</h2>",
     "Town Council Approves New Budget"),
])
def test_headline_is_what_the_title_repeats(title, header, headline):
    assert extract_html(page(title, header), "http://www.linjiang.com.cn/a/1.html").title \
        == headline


def test_an_svg_title_in_the_body_is_not_the_document_title():
    html = page("Town Council Approves New Budget | Herald",
                "<svg><title>Combined Shape LOGO</title></svg>"
                "<h1>Town Council Approves New Budget</h1>")
    assert extract_html(html, "http://herald.example/a.html").title \
        == "Town Council Approves New Budget"


def test_og_title_agreeing_with_the_main_heading_beats_a_stretch_of_the_title():
    html = page("Kenji Tanaka: trial against ex-congressman resumes on May 18 Keywords | POLITICS",
                "<h1>Kenji Tanaka: trial resumes on May 18</h1><p>Kenji Tanaka</p>",
                head="<meta property='og:title' content='Kenji Tanaka: trial resumes on May 18'>")
    assert extract_html(html, "http://news.example/a.html").title \
        == "Kenji Tanaka: trial resumes on May 18"


def test_trs_headline_block_gives_kicker_and_subtitle():
    html = page("北城街道举办健康义诊_政务要闻_临江区人民政府",
                "<div class='detail-article-title'><h3>关爱老人</h3><h2>北城街道举办健康义诊</h2>"
                "<h3>——21名老人免费体检</h3></div>")
    article = extract_html(html, "http://www.linjiang.gov.cn/zwyw/202011/t20201130_1.shtml")
    assert (article.kicker, article.title, article.subtitle) == (
        "关爱老人", "北城街道举办健康义诊", "——21名老人免费体检")
    assert "21名老人免费体检" not in article.body
