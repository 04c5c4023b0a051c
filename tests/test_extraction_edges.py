"""The edges of an article's text: the furniture under a story goes, a stray </html> loses
nothing. Pages and lines written for these tests."""

from __future__ import annotations

import pytest

from bulletin_crawler.extraction.page import extract_html
from bulletin_crawler.extraction.tails import cut_tail

STORY = ["11月20日，临江区召开安全生产工作会议，部署今冬明春的安全生产工作。",
         "会议要求各街道、各部门压实责任，确保全区安全形势稳定。"]
MORE = ["会上，各街道汇报了近期隐患排查整治情况。", "会议还对冬季消防安全工作作出具体安排。"]
TEXT = "".join(f"<p>{line}</p>" for line in STORY + MORE)


@pytest.mark.parametrize("furniture", [
    ["报料", "关键词：安全生产 会议", "评论(3)", "我要跟帖", "已输入0字", "阅读数 120", "+1"],
    ["分享到：", "微信", "扫一扫在手机打开当前页"],
    ["相关阅读", "临江区召开经济工作会议", "北城街道开展义诊"],
    ["临江区召开经济工作会议 2020-11-19", "北城街道开展义诊 2020-11-18",
     "南关街道推进老旧小区改造 2020-11-17"],
    ["【美国The Next Web作品的中文相关权益归本网独家所有。未经授权，不得转载、摘编等。】"],
    ["精彩视频推荐", "自动播放", "正在加载..."],
    ["http://www.linjiang.gov.cn/a/1.html"],
    ["Share", "Tweet", "12 Comments", "Leave a reply"],
])
def test_the_furniture_under_a_story_is_cut(furniture):
    assert cut_tail(STORY + furniture) == STORY


def test_credit_lines_among_the_furniture_stay_for_the_byline_reader():
    assert cut_tail([*STORY, "责任编辑：王五", "评论(3)", "分享到："]) == [*STORY, "责任编辑：王五"]


def test_story_lines_are_never_cut():
    story = [*STORY, "全年共接待游客120万人次，同比增长15%。", "（完）"]
    assert cut_tail(story) == story


def test_a_widget_block_under_the_article_leaves_the_body():
    html = ("<html><head><title>临江区召开安全生产工作会议_临江网</title></head><body>"
            "<h1>临江区召开安全生产工作会议</h1><div class='content'>" + TEXT
            + "<div class='tools'><p>评论(3)</p><p>已输入0字</p><form><input type='text'>"
            "<button>提交</button></form><p>+1</p></div></div></body></html>")
    article = extract_html(html, "http://www.linjiang.cn/a/1.html")
    assert article.paragraphs[-1] == MORE[-1]


@pytest.mark.parametrize("stray", [
    "</body></html>\n",  # the page's end tags right after its header
    "</html>",
    "</head></html><body>",
])
def test_text_after_an_early_end_tag_is_read(stray):
    head = "<html><head><title>临江区召开安全生产工作会议_临江网</title></head><body><div>首页 新闻</div>"
    if stray.startswith("</head>"):
        head = "<html><head><title>临江区召开安全生产工作会议_临江网</title>"
    html = (head + stray + "<div class='content'><h1>临江区召开安全生产工作会议</h1>" + TEXT
            + "</div></body></html>")
    article = extract_html(html, "http://www.linjiang.cn/a/1.html")
    assert article.paragraphs[:2] == STORY


def test_tracking_after_the_end_tag_is_no_reason_to_reparse():
    html = ("<html><head><title>临江区召开安全生产工作会议_临江网</title></head><body>"
            "<h1>临江区召开安全生产工作会议</h1><div class='content'>" + TEXT + "</div></body></html>"
            "<script>var _hmt = [];</script><!-- 统计代码 -->")
    assert extract_html(html, "http://www.linjiang.cn/a/1.html").paragraphs == STORY + MORE
