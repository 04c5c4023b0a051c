"""Extraction time is linear in the page size, and a per-page budget bounds the rest.

A page of many repeated blocks once cost time growing with the square of its size (every line
compared with every link text, a tree path per sibling, every inline chain re-read per level).
The tests time two sizes of the same generated page and assert on their ratio, not on seconds.
"""

from __future__ import annotations

import time

import pytest

from bulletin_crawler.extraction import ExtractionError, ExtractionTimeout
from bulletin_crawler.extraction.page import extract_html, extract_page

BLOCKS = {
    "linked items": ('<div class="item"><p>第{i}条消息，重复的文字。</p>'
                     '<a href="/a/{i}.html">链接{i}</a></div>'),
    "nested posts": '<div class="post"><div class="c">第{i}条消息，重复的文字。</div></div>',
    "table rows": ('<tr><td class="t">第{i}条消息，重复的文字。</td>'
                   '<td><a href="/a/{i}.html">链接</a></td></tr>'),
    "comments": ('<div class="comment"><span>网友{i}：</span>说得好，重复的评论。'
                 '<a href="#">回复</a></div>'),
    "unclosed inline": "<font color=red>第{i}条消息，这是一段重复的文字。<br>",
    "unclosed blocks": "<div>第{i}条消息，这是一段重复的文字。",
    "credit lines": "<p>记者 张三 通讯员 李四</p>",
}


def page(blocks: int, block: str) -> str:
    body = "\n".join(block.format(i=i) for i in range(blocks))
    return (f"<html><head><title>测试页面_测试网</title></head><body><h1>测试页面</h1>"
            f"<table>{body}</table></body></html>")


def seconds(html: str) -> float:
    """The fastest of three runs: other work on the machine only ever adds time."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        extract_html(html, "http://example.cn/a/1.html", budget_s=None)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("block", BLOCKS.values(), ids=BLOCKS.keys())
def test_extraction_time_grows_linearly_with_repeated_blocks(block):
    small, large = seconds(page(2000, block)), seconds(page(8000, block))
    # four times the blocks: about four times the time (a square law would give sixteen)
    assert large / max(small, 1e-3) < 8, (small, large)


def test_deeply_nested_page_does_not_exhaust_the_stack():
    html = "<html><body>" + "<div>一段很深的文字，嵌套了很多层。" * 5000 + "</body></html>"
    article = extract_html(html, "http://example.cn/deep.html")
    assert "一段很深的文字" in article.body


def test_a_page_over_its_budget_is_an_extraction_error():
    html = page(3000, BLOCKS["linked items"])
    with pytest.raises(ExtractionTimeout) as raised:
        extract_html(html, "http://example.cn/a/1.html", budget_s=1e-6)
    assert isinstance(raised.value, ExtractionError)
    assert "budget" in str(raised.value)
    with pytest.raises(ExtractionTimeout):
        extract_page(html.encode(), "http://example.cn/a/1.html", budget_s=1e-6)
    assert extract_html(html, "http://example.cn/a/1.html").title == "测试页面"


def test_page_text_splitting_has_the_same_budget():
    text = "\n\n".join(f"标题{i}\n\n本报讯（记者 张三）第{i}条。" for i in range(3000))
    with pytest.raises(ExtractionTimeout):
        extract_page(text.encode(), "file:///page.txt", is_text=True, budget_s=1e-6)
