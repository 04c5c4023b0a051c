"""Publish dates by candidates and evidence (extraction/published.py), on pages written for
these tests in the forms issue #13 lists; and the date parsers' properties."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulletin_crawler.extraction.dates import (
    SHANGHAI,
    date_from_url,
    event_date,
    iter_datetimes,
    month_from_url,
    parse_datetime,
    today_shanghai,
)
from bulletin_crawler.extraction.page import extract_html
from bulletin_crawler.extraction.published import Candidate, best

TEXT = "".join(f"<p>第{i}段，区里召开会议，部署今冬明春的安全生产工作，要求各街道落实责任。</p>"
               for i in range(4))


def day_of(html: str, url: str = "http://news.example.cn/a/1.html") -> date | None:
    value = extract_html(html, url).published_at
    return value.date() if isinstance(value, datetime) else value


def test_a_date_inside_the_text_is_no_publish_date():
    html = ("<html><head><title>老艺术家逝世_新闻网</title>"
            "<meta name='apub:time' content='2019-09-07 19:02:26'></head><body>"
            "<h1>老艺术家逝世</h1><div class='content'>" + TEXT[:200]
            + "<p>他于2019年9月5日在北京逝世，享年88岁。</p>" + TEXT + "</div>"
            "<script>var info = {\"pubtime\":\"2019-09-07 19:02:26\"};</script></body></html>")
    assert day_of(html) == date(2019, 9, 7)


def test_a_labelled_date_below_the_text_beats_a_date_in_the_lead():
    html = ("<html><head><title>区里召开会议_临江区政府</title></head><body><h1>区里召开会议</h1>"
            "<div class='content'><p>11月20日上午，区里召开会议。</p>" + TEXT + "</div>"
            "<div class='info'>发布日期：2020-11-23</div></body></html>")
    assert day_of(html) == date(2020, 11, 23)


@pytest.mark.parametrize(("head", "body", "url", "expected"), [
    pytest.param("<title>秋夜随笔 - 小城博客</title>",
                 "<div class='side'>博客建立于:2004年10月6日</div><h2>秋夜随笔</h2>"
                 "<div class='post-info'>小城 发表于 2005-9-15 21:30</div>",
                 "http://blog.example.cn/u/1.html", date(2005, 9, 15),
                 id="a blog sidebar's creation date is not the post's date"),
    pytest.param("<title>社区活动讨论 - 论坛</title>",
                 "<h1>社区活动讨论</h1><div>本贴由 老张 于2005年8月12日16:12:21 在 社区论坛 发表</div>",
                 "http://bbs.example.cn/t/1.html", date(2005, 8, 12), id="a forum post's header"),
    pytest.param("<title>2016年统计公报_临江区人民政府</title>"
                 "<meta name='PubDate' content='2022-04-24 10:00:00'>",
                 "<h1>2016年统计公报</h1><div>发布日期：2017-05-15 10:49:00 来源：区统计局</div>",
                 "http://www.linjiang.gov.cn/tjgb/201705/a_1.html", date(2017, 5, 15),
                 id="a build time in meta PubDate loses to the shown date and the URL"),
    pytest.param("<title>2022年统计公报</title><meta name='PubDate' content='2023-08-16 10:33:59'>",
                 "<table><tr><td>索引号：001-2023-0001</td><td>生成日期：2023-05-11</td></tr>"
                 "</table><h1>2022年统计公报</h1>",
                 "http://www.linjiang.gov.cn/xxgk/a_1.html", date(2023, 5, 11),
                 id="a disclosure page is dated by its generation date"),
])
def test_shown_dates_and_their_labels(head, body, url, expected):
    html = (f"<html><head>{head}</head><body>{body}<div class='content'>{TEXT}</div>"
            "</body></html>")
    assert day_of(html, url) == expected


def test_wechat_articles_are_dated_by_their_script():
    html = ("<html><head><title>县里表彰退役军人</title></head><body><h1>县里表彰退役军人</h1>"
            "<div id='js_content' style='visibility: hidden;'>" + TEXT + "</div>"
            "<script>var ct = \"1659274471\";</script></body></html>")
    assert day_of(html, "http://mp.weixin.qq.com/s?__biz=x") == date(2022, 7, 31)


def test_a_future_date_is_dropped():
    future = today_shanghai() + timedelta(days=400)
    html = (f"<html><head><title>活动预告_新闻网</title>"
            f"<meta name='pubdate' content='{future.isoformat()}'></head><body><h1>活动预告</h1>"
            f"<div>发布时间：2021-03-01</div><div class='content'>{TEXT}</div></body></html>")
    assert day_of(html) == date(2021, 3, 1)


def test_agreement_decides_between_sources():
    meta = Candidate(date(2022, 1, 1), 3.0, "meta")
    shown = Candidate(date(2017, 5, 15), 2.0, "date line")
    assert best([meta, shown]) == date(2022, 1, 1)
    assert best([meta, shown], url_month=(2017, 5)) == date(2017, 5, 15)


@pytest.mark.parametrize(("text", "expected"), [
    ("Published on 12 March 2024", date(2024, 3, 12)),
    ("Veröffentlicht am 12. März 2024", date(2024, 3, 12)),
    ("March 12, 2024", date(2024, 3, 12)),
    ("le 12 mars 2024", date(2024, 3, 12)),
    ("12 de marzo de 2024", date(2024, 3, 12)),
    ("12.03.2024", date(2024, 3, 12)),
])
def test_dates_written_with_month_names_in_a_header(text, expected):
    html = ("<html><head><title>Council approves budget | Herald</title></head><body>"
            f"<h1>Council approves budget</h1><div class='meta'>{text}</div>"
            "<div class='content'>" + "<p>The council approved the budget after a long debate "
            "about roads, schools and parks in the town.</p>" * 4 + "</div></body></html>")
    assert day_of(html, "http://herald.example/news/budget") == expected


def test_url_dates():
    assert date_from_url("http://p.cn/html/2020-11/30/node_3.htm") == date(2020, 11, 30)
    assert date_from_url("http://p.cn/zwyw/202011/t20201130_1001.shtml") == date(2020, 11, 30)
    assert month_from_url("http://p.cn/tjgb/201705/a_1.html") == (2017, 5)
    assert month_from_url("http://p.cn/a/1.html") is None


# --- properties of the pure parsers: no exception on any input, results in range
@given(st.text())
def test_date_parsers_never_raise_and_stay_in_range(text):
    for value in iter_datetimes(text):
        day = value.date() if isinstance(value, datetime) else value
        assert 1990 <= day.year <= today_shanghai().year + 1
    parse_datetime(text)
    date_from_url(text)
    month_from_url(text)
    event_date(text, date(2020, 11, 30))


@given(st.dates(min_value=date(1991, 1, 1), max_value=date(2030, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}日", "{y}/{m}/{d}", "{y}.{m}.{d}"]))
def test_a_written_date_reads_back_as_itself(day, form):
    text = form.format(y=day.year, m=day.month, d=day.day)
    if day.year <= today_shanghai().year + 1:
        assert parse_datetime(text) == day
        assert parse_datetime(parse_datetime(text).isoformat()) == day  # normalisation idempotent


@given(st.datetimes(min_value=datetime(1991, 1, 1), max_value=datetime(2024, 12, 31)))
def test_a_written_datetime_reads_back_in_shanghai_time(moment):
    moment = moment.replace(second=0, microsecond=0)
    text = moment.strftime("%Y-%m-%d %H:%M")
    assert parse_datetime(text) == moment.replace(tzinfo=SHANGHAI)
