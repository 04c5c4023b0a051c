"""Extraction as pure functions: bylines, dates, Founder pages, whole-page text."""

from __future__ import annotations

import os
from datetime import date, datetime
from urllib.parse import urljoin

import pytest

from bulletin_crawler.extraction import epaper
from bulletin_crawler.extraction.bylines import parse_credit
from bulletin_crawler.extraction.credits import lift_bylines
from bulletin_crawler.extraction.dates import SHANGHAI, date_from_url, event_date, parse_datetime
from bulletin_crawler.extraction.generic import parse_generic
from bulletin_crawler.extraction.html import ExtractionError, decode_html
from bulletin_crawler.extraction.page import extract_page
from bulletin_crawler.extraction.pagetext import repair_columns, split_page_text
from bulletin_crawler.urls import url_key

from .conftest import SHARED, TESTS

DEMO = TESTS.parent / "bulletin_crawler" / "demo" / "site" / "html" / "2020-11"


@pytest.mark.parametrize(("credit", "roles"), [
    ("记者 柴琳琳 通讯员 姜璞 文/图", {"reporters": ["柴琳琳"], "correspondents": ["姜璞"],
                                "photographers": ["柴琳琳", "姜璞"]}),
    ("记者 王建宏 张文攀", {"reporters": ["王建宏", "张文攀"]}),
    ("□ 本报记者 杨丽萍", {"reporters": ["杨丽萍"]}),
    ("通讯员 李四 摄", {"correspondents": ["李四"], "photographers": ["李四"]}),
    ("记者柴琳琳通讯员姜璞", {"reporters": ["柴琳琳"], "correspondents": ["姜璞"]}),
    ("实习生 赵六", {"reporters": ["赵六"]}),
])
def test_credit_roles(credit, roles):
    byline = parse_credit(credit)
    assert byline is not None
    for role in ("reporters", "correspondents", "editors", "photographers"):
        assert getattr(byline, role) == roles.get(role, [])


@pytest.mark.parametrize("sentence", ["会议要求全区上下要站在", "本报讯", "记者从会上获悉今年全市",
                                      "记者从会上获悉"])
def test_sentences_are_not_credits(sentence):
    assert parse_credit(sentence) is None


def test_lift_bylines_from_lead_tail_and_editor_note():
    body, byline = lift_bylines([
        "本报讯(记者 冉红政 通讯员 娄璞 文/图)为展示改革开放成就,昨日上午图片展开幕。",
        "展览历时3个月。(责任编辑：王五)",
        "记者 李娜",
    ])
    assert body == ["本报讯为展示改革开放成就,昨日上午图片展开幕。", "展览历时3个月。"]
    assert byline.authors == ["冉红政", "娄璞", "王五", "李娜"]  # page order
    assert byline.editors == ["王五"] and byline.photographers == ["冉红政", "娄璞"]


@pytest.mark.parametrize(("text", "expected"), [
    ("发布时间：2019年09月11日", date(2019, 9, 11)),
    ("2019-9-11 10:21", datetime(2019, 9, 11, 10, 21, tzinfo=SHANGHAI)),
    ("18-03-08", date(2018, 3, 8)),
    ("无日期", None),
])
def test_parse_datetime(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(("lead", "expected"), [
    ("本报讯 11月22日上午,管城回族区召开会议", date(2020, 11, 22)),
    ("本报讯 昨日,商城遗址公园迎来游园高峰", date(2020, 11, 29)),
    ("本报讯 前日,街道举办邻里节", date(2020, 11, 28)),
    ("本报讯 为加强引领,11月16日~20日,举办培训班", date(2020, 11, 16)),
    ("本报讯 近日,管城回族区召开动员会", None),
    ("本报讯 12月30日,跨年活动举行", date(2020, 12, 30)),
])
def test_event_date_against_issue(lead, expected):
    issue = date(2021, 1, 2) if "12月30日" in lead else date(2020, 11, 30)
    assert event_date(lead, issue) == expected


def test_url_date_and_key():
    assert date_from_url("http://x.cn/html/2020-11/30/content_1.htm") == date(2020, 11, 30)
    assert url_key("HTTPS://Zzrb.zynews.cn/html/2020-11/30/content_1.htm?div=-1") == \
        url_key("http://zzrb.zynews.cn/html/2020-11/30/content_1.htm")
    assert url_key("http://x.cn/news/index.html") == url_key("http://x.cn/news/")


def test_layout_page_lists_editions_and_each_article_once():
    html = decode_html((DEMO / "30" / "node_2.htm").read_bytes())
    layout = epaper.parse_layout(html, "http://p.cn/html/2020-11/30/node_2.htm")
    assert layout.edition == {"date": "2020-11-30", "page": "02", "name": "县区"}
    assert [url for url, _ in layout.editions] == ["http://p.cn/html/2020-11/30/node_1.htm",
                                                   "http://p.cn/html/2020-11/30/node_2.htm"]
    assert layout.articles == ["http://p.cn/html/2020-11/30/content_6003.htm",
                               "http://p.cn/html/2020-11/30/content_6004.htm"]


def test_gbk_article_page_with_headline_stack_image_and_byline():
    html = decode_html((DEMO / "30" / "content_6004.htm").read_bytes())
    article = epaper.parse_article(html, "http://p.cn/html/2020-11/30/content_6004.htm")
    assert (article.kicker, article.title, article.subtitle) == (
        "聚焦城市更新", "管城回族区启动老旧小区改造三年行动", "今年首批改造28个小区")
    assert article.published_at == date(2020, 11, 30)
    assert article.event_date == date(2020, 11, 27)
    assert article.edition == {"date": "2020-11-30", "page": "02", "name": "县区"}
    assert article.byline.reporters == ["王建宏", "张文攀"]
    assert article.byline.correspondents == ["李萌"]
    assert article.images == [{"url": "http://p.cn/images/2020-11/30/02/pic101.jpg",
                               "caption": "改造后的东大街社区小游园"}]
    assert article.paragraphs[0].startswith("本报讯11月27日上午")
    assert not any(word in article.body for word in ("打印本页", "版权", "记者", "Ke"))


def test_trailing_credit_lines_and_editor_note_leave_the_body():
    html = decode_html((DEMO / "28" / "content_5003.htm").read_bytes())
    article = epaper.parse_article(html, "http://p.cn/html/2020-11/28/content_5003.htm")
    assert article.byline.correspondents == ["赵晴"] and article.byline.editors == ["王五"]
    assert article.body.endswith("确保辖区居民安全过冬。")


@pytest.mark.parametrize("data", [b"", b"   ", b"\x00\x01\x02binary" * 100,
                                  b"<html><body><p>nothing here</p></body></html>"])
def test_bad_pages_raise_a_clear_error(data):
    with pytest.raises(ExtractionError):
        extract_page(data, "http://p.cn/a.htm")


def test_truncated_page_still_extracts():
    data = (DEMO / "28" / "content_5001.htm").read_bytes()
    cut = data[: data.index("会议明确".encode()) + 40]
    article = extract_page(cut, "http://p.cn/html/2020-11/28/content_5001.htm")[0]
    assert article.title == "管城回族区启动老旧小区改造三年行动"
    assert article.body.startswith("本报讯")


def test_page_text_splits_stories_headlines_and_columns():
    text = (TESTS / "pages" / "district_page.txt").read_text(encoding="utf-8")
    articles = split_page_text(text, date(2020, 11, 30))
    assert [(a.kicker, a.title, a.subtitle) for a in articles] == [
        ("聚焦民生实事", "管城回族区新建三处社区食堂", None),
        (None, "项目建设跑出加速度", None),
        (None, "文明实践润人心", None),
    ]
    first, second, third = articles
    assert "逐步扩大助餐服务覆盖范围" in first.body and len(first.paragraphs) == 2
    assert first.byline.reporters == ["王晓"] and first.byline.photographers == []
    assert second.event_date == date(2020, 11, 25)
    assert "力争早日建成投用、见效" in second.body
    assert second.byline.photographers == ["王晓", "陈明"]
    assert "垃圾分类、消防安全" in third.body and third.event_date == date(2020, 11, 29)
    assert not any("记者" in a.body for a in articles)


def test_repair_moves_a_continuation_that_stands_elsewhere():
    paras = ["本报讯 甲。", "养、日间照料等工作。", "了解社区康复、托", "区委表示,继续推进。"]
    assert repair_columns(paras) == ["本报讯 甲。", "了解社区康复、托养、日间照料等工作。",
                                     "区委表示,继续推进。"]


SEED = SHARED / "seed" / "000_7e48dbdd22f4cf25.txt"


@pytest.mark.skipif(not SEED.exists() and not os.environ.get("CI"),
                    reason="../shared/seed is not beside the project")
def test_seed_page_splits_into_its_six_stories():
    articles = split_page_text(SEED.read_text(encoding="utf-8"), date(2020, 11, 30))
    assert len(articles) == 6
    assert [a.title for a in articles][3:] == ["学习宣讲凝聚力量", "融会贯通抓学习 知行合一促落实",
                                               "不忘初心担使命 知史爱党勇奋进"]
    assert "工地不停建、企业分类管" in articles[0].body
    assert "康复、托养、日间照料等工作" in articles[4].body
    assert [str(a.event_date) for a in articles] == [
        "None", "2020-11-22", "2020-11-26", "2020-11-27", "None", "2020-11-16"]
    assert all(a.byline.reporters == ["柴琳琳"] and a.byline.correspondents == ["姜璞"]
               for a in articles)
    assert all(a.body.startswith("本报讯") and "记者" not in a.body for a in articles)


def test_utf8_bytes_behind_a_gb2312_declaration_decode_right():
    page = ('<html><head><meta charset="gb2312"><title>管城区新闻_示范网</title></head><body>'
            '<h1>管城区新闻</h1><div><p>本报讯 管城回族区召开会议,部署冬季工作,要求压实责任。</p>'
            '</div></body></html>').encode("utf-8")
    article = extract_page(page, "http://p.cn/a.html")[0]
    assert article.title == "管城区新闻" and "管城回族区召开会议" in article.body


def test_undeclared_gbk_page_decodes_as_gb18030():
    page = "<html><title>镕基新闻</title><body><p>本报讯 朱镕基旧居修缮完成,对外开放。</p></body></html>"
    assert "镕" in decode_html(page.encode("gb18030"))


def test_large_page_is_extracted_and_oversized_is_refused():
    filler = "<div><a href='/x'>导航链接</a></div>" * 130000  # ~5 MB of navigation
    page = (f"<html><head><title>大页面测试_示范网</title></head><body>{filler}"
            "<div class=text><p>本报讯 这是一段很长页面中的正文,用来检查大页面不会拖垮解析。</p>"
            "<p>第二段正文,同样应当被完整保留下来。</p></div></body></html>").encode("utf-8")
    assert len(page) > 5_000_000
    article = extract_page(page, "http://p.cn/big.html")[0]
    assert "第二段正文" in article.body and "导航链接" not in article.body
    with pytest.raises(ExtractionError, match="over the"):
        extract_page(page * 2, "http://p.cn/huge.html")


def test_site_selectors_override_every_layer():
    page = ("<html><head><meta name='ArticleTitle' content='元数据标题'><meta name='PubDate' "
            "content='2020-01-01'><title>网页标题_示范网</title></head><body>"
            "<div class='x-title'>真正的标题</div><div class='x-date'>2020年11月30日</div>"
            "<div class='TRS_Editor'><p>模板里的其他文字,不是正文内容。</p></div>"
            "<div id='story'><p>本报讯 这才是正文,由站点文件指定的选择器选中。</p></div></body></html>")
    article = parse_generic(page, "http://p.cn/a.html", {
        "title": "div.x-title", "published_at": "//div[@class='x-date']", "body": "#story"})
    assert article.title == "真正的标题"
    assert article.published_at == date(2020, 11, 30)
    assert article.body == "本报讯 这才是正文,由站点文件指定的选择器选中。"


def test_government_meta_tags_any_case_and_order():
    page = ("<html><head><META content='某某区人民政府' name='SiteName'>"
            "<meta content='某某区人民政府——区长调研重点项目' NAME='articletitle'>"
            "<meta name='pubdate' content='2021-04-09 10:21'><meta name='Maketime' "
            "content='2023-01-01'><meta name='ColumnName' content='政务要闻'></head><body>"
            "<h1>某某区人民政府</h1><div class='TRS_Editor'><p>4月9日,区长到重点项目现场调研,"
            "要求加快建设进度。</p></div></body></html>")
    article = parse_generic(page, "http://p.cn/t20210409_1.html")
    assert article.title == "区长调研重点项目"
    assert article.published_at.date() == date(2021, 4, 9)
    assert article.column == "政务要闻"


def _post(title: str, when: str, text: str) -> str:
    return (f"<table><tr><td class='post-title'>{title}</td><td class='post-title'>{when}</td>"
            f"</tr></table><table><tr><td class='post-body'>{text}</td></tr></table>")


def test_a_page_of_several_posts_is_the_page_of_its_first_post():
    stories = [("第一篇", "2005-06-14 03:25:55", "湘菜粤菜兵分两路，新鲜的是湘菜清淡了。" * 8),
               ("第二篇", "2005-05-02 10:00:00", "回国探亲的路上，江南变化太美丽了，秋风很凉爽。" * 12),
               ("第三篇", "2005-04-01 09:00:00", "春天来了，院子里的花开了，邻居们都出来看花。" * 6)]
    page = ("<html><head><title>某某 | 博客</title></head><body>"
            "<div class='calendar'>2006-08-10</div>"
            + "".join(_post(*story) for story in stories) + "</body></html>")
    article = parse_generic(page, "http://blog.p.cn/archives.php?date=200506")
    assert article.body.startswith("湘菜粤菜兵分两路") and "江南" not in article.body
    assert article.published_at == datetime(2005, 6, 14, 3, 25, 55, tzinfo=SHANGHAI)


def test_same_class_boxes_elsewhere_in_the_layout_are_not_posts():
    boxes = "".join(f"<div class='box'>侧栏公告{n}：请广大市民注意防范电信诈骗，" + "提高警惕。" * 20
                    + "</div>" for n in range(3))
    story = "".join(f"<p>第{n}段，区政府召开常务会议，研究部署冬季供暖保障工作，要求确保群众温暖过冬。</p>"
                    for n in range(10))
    page = (f"<html><head><title>区政府召开常务会议_某区</title></head><body><table><tr>"
            f"<td class='side'>{boxes}</td></tr></table><div id='main'><div class='col'>"
            f"<div class='box'>{story}</div></div></div></body></html>")
    article = parse_generic(page, "http://www.p.gov.cn/a.html")
    assert article.paragraphs[0].startswith("第0段") and "侧栏" not in article.body


def test_wechat_article_is_dated_by_its_script_time_not_the_relative_label():
    page = ("<html><head><title>区里召开会议</title></head><body><h1>区里召开会议</h1>"
            "<em id='publish_time'>前天</em><div id='js_content'>"
            + "<p>11日上午，区里召开会议，部署春季防火工作，要求各街道落实责任。</p>" * 3
            + "</div><script>var nickname = \"某区发布\"; var ct = \"1581418070\";</script>"
            "</body></html>")
    article = parse_generic(page, "https://mp.weixin.qq.com/s/abc")
    assert article.published_at == datetime(2020, 2, 11, 18, 47, 50, tzinfo=SHANGHAI)


def test_comments_inside_the_article_container_are_left_out():
    story = "".join(f"<p>　　第{n}段，播客让每个人都有发言的机会，同时每个收音者都可自主选择。</p>"
                    for n in range(8))
    page = ("<html><head><title>播客热潮迅速蔓延 - 博客</title></head><body><div id='main'>"
            "<p>播客热潮迅速蔓延</p>" + story +
            "<h3 id='comments'>已有1件评论</h3><ol class='commentlist'><li>转贴一篇旧文，"
            "写博客听播客，不日就将成为网民的一种主要网络生存方式。</li></ol>"
            "<form id='commentform'><label>发表名</label><input name='author'></form>"
            "</div></body></html>")
    article = parse_generic(page, "http://blog.p.cn/?p=1700")
    assert article.paragraphs[0].startswith("第0段") and len(article.paragraphs) == 8
    assert "评论" not in article.body and "发表名" not in article.body


def test_header_lines_names_and_trailing_credits_leave_the_body():
    page = ("<text id='http://bbs.p.cn/t/1.html' title='社会资本与再就业 - 学术前沿 - 论坛'>"
            "<div class='t_msg'><b>当前位置：论坛 &gt; 学术前沿</b><br>社会资本与再就业<br>"
            "2003-5-29 09:07<br>赵延东、风笑天<br>"
            + "近年来，下岗职工这一社会群体越来越引人注目，再就业问题成为焦点。<br>" * 4
            + "文：眉间尺<br>我的博客<br>http://www.blog.p.cn/User9/index.html</div></text>")
    article = parse_generic(page, "http://bbs.p.cn/t/1.html")
    assert article.title == "社会资本与再就业"
    assert article.paragraphs[0].startswith("近年来") and article.paragraphs[-1] == "我的博客"
    assert article.byline.authors == ["赵延东", "风笑天", "眉间尺"]
    assert article.published_at == datetime(2003, 5, 29, 9, 7, tzinfo=SHANGHAI)


def test_kicker_above_the_repeated_headline_and_author_block_below_the_body():
    page = ("<html><head><title>17种产品入选国家绿色制造名单_新闻网</title></head><body>"
            "<div class='article'><p>15家企业</p><p>17种产品入选国家绿色制造名单</p>"
            + "<p>近年来，我省积极把握制造业发展趋势，加速向智能制造方向转型升级。</p>" * 4
            + "</div><table><tr><td>编辑：金金</td><td>来源：经济报道</td>"
            "<td>作者：宋怡 杨志华</td></tr></table></body></html>")
    article = parse_generic(page, "http://news.p.cn/2022/a.html")
    assert (article.kicker, article.title) == ("15家企业", "17种产品入选国家绿色制造名单")
    assert article.paragraphs[0].startswith("近年来")
    assert article.byline.authors == ["金金", "宋怡", "杨志华"]  # everyone credited, page order
    assert article.byline.editors == ["金金"]


@pytest.mark.parametrize(("layout_url", "edition_href", "article_href"), [
    ("http://p.cn/pc/layout/202011/30/node_01.html", "node_02.html",
     "../../../content/202011/30/content_301.html"),
    ("http://p.cn/pc/col/202011/30/node_01.html", "node_02.html",
     "../../../con/202011/30/content_5.html"),
    ("http://p.cn/PC/layout/202011/30/col01.html", "col02.html", "../../../con/202011/30/77.html"),
    ("http://p.cn/202011/30/l01.html", "l02.html", "../../content/202011/30/c123.html"),
    ("http://p.cn/pc/layout/202011/30/n_01.html", "n_02.html", "../../../con/202011/30/c_5.html"),
])
def test_founder_pc_layout_variants(layout_url, edition_href, article_href):
    html = (f"<html><body><a href='{edition_href}'>第02版：县区</a>"
            f"<a href='{article_href}'>标题</a><a href='../29/node_01.html'>第01版：昨日</a>"
            f"</body></html>")
    layout = epaper.parse_layout(html, layout_url, epaper.PC_RULES)
    assert [url for url, _ in layout.editions] == [urljoin(layout_url, edition_href)]
    assert layout.articles == [urljoin(layout_url, article_href)]


def test_bmnr_layout_and_article_skin():
    layout = epaper.parse_layout(
        "<a href='page_02.htm'>02版：要闻</a><a href='content_20201130002003.htm'>标题</a>",
        "http://p.cn/20201130/html/page_01.htm", epaper.BMNR_RULES)
    assert layout.editions[0][1] == {"date": "2020-11-30", "page": "02", "name": "要闻"}
    assert layout.articles == ["http://p.cn/20201130/html/content_20201130002003.htm"]
    article = epaper.parse_article(
        "<div class='bmnr_con_yinti'>引题</div><div class='bmnr_con_biaoti'>主题</div>"
        "<div class='bmnr_con_futi'>副题</div><div id='zoom'><p>本报讯 正文。</p></div>",
        "http://p.cn/20201130/html/content_20201130002003.htm")
    assert (article.kicker, article.title, article.subtitle) == ("引题", "主题", "副题")
    assert article.published_at == date(2020, 11, 30)
