"""Any article page: government-site meta tags and CMS body markers first, then text density.

Layers (FORMATS.md §4, GNE/readability ideas, our own rules):
- title: ``ArticleTitle`` (site prefix removed) > the ``<h1-3>`` that the ``<title>`` contains >
  ``og:title`` unless the ``<title>`` shows it was cut > the ``<title>`` without its site suffix;
- date: meta ``PubDate``-like tags (never ``Maketime``) > a labelled visible date (发布时间：…) >
  the first date near the headline > the URL date;
- body: site selector > CMS markers (``ZJEG_RSS``, ``TRS_Editor``, ``news_content_content``,
  Founder containers, ``articleBody``) > the block with the most sentence text and fewest links.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from lxml import etree
from parsel import Selector

from bulletin_crawler.extraction.authors import declared_authors
from bulletin_crawler.extraction.bylines import Byline, parse_credit
from bulletin_crawler.extraction.credits import close_across, page_byline
from bulletin_crawler.extraction.dates import (
    parse_datetime,
)
from bulletin_crawler.extraction.density import (
    Blocks,
    TextStats,
    around_blocks,
    article_blocks,
    aside_within,
    furniture_test,
    header_boxes,
    lines_within,
    main_column,
    read_page,
)
from bulletin_crawler.extraction.html import (
    ExtractionError,
    Line,
    block_lines,
    comment_block,
    select,
    selector,
    text_lines,
    title_tag,
)
from bulletin_crawler.extraction.layout import page_margins
from bulletin_crawler.extraction.published import is_date_line, marked_dates
from bulletin_crawler.extraction.published import published as choose_date
from bulletin_crawler.extraction.result import Extracted, finish
from bulletin_crawler.extraction.tails import related_heading, split_tail
from bulletin_crawler.extraction.text import (
    HAN_CHAR,
    clean_line,
    ends_sentence,
    ends_statement,
    loose,
)
from bulletin_crawler.extraction.titles import choose_headline

_META_SOURCE = ("contentsource", "source", "article:source")
# Body markers, each with the spelling a page must hold for its query to find anything (a
# query over every element's class costs a millisecond a page; a substring test, nothing).
_MARKER_BODY = (("//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
                 "TRS_Editor"),
                ("//*[contains(@class, 'TRS_UEDITOR')]", "TRS_UEDITOR"),
                ("//div[contains(@class, 'news_content_content')]", "news_content_content"),
                ("//founder-content", None), ("//div[@id='ozoom']", "ozoom"),
                ("//*[@itemprop='articleBody']", "articleBody"))
_TEXTY = re.compile(r"[^\W_]")  # a letter or digit of any script
_HEAD_LINES, _KICKER_MAX, _HEAD_REACH, _FIRST_PARAGRAPH = 3, 30, 20, 30
_LIST_HEADING_MAX, _ITEM_DEPTH = 60, 3
_SHORT_TEXT, _SCATTERED_GAIN = 500, 2  # characters: a text this short was no article's block
_HAN_WEIGHT = 1.7
# A field of a page's metadata: a short label and a colon (索 引 号：, 访问量：199).
_FIELD = re.compile(r"^[^，。,.!?！？；;：:]{1,10}[:：]\s*\S{0,40}$")
_SENTENCE_MARK = re.compile(r"[。！？；]|[.!?](?:\s|$)")
# A dateline at the top of a text: "2022-05-18 | Petra Schulz", "12.03.2024, Redaktion".
_DATELINE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}\S*\s*[|,·/–-]\s*\S.{0,30}$")
_BREADCRUMB = re.compile(r"^(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|位置)\s*[:：]")
_DATE_ONLY = re.compile(r"^[\d\s年月日时分秒:：./\-]{8,24}$")
# The dateline under a headline: 发布时间：… 来源：… 浏览：…
_INFO_LINE = re.compile(r"^(?:发布时间|发布日期|发表时间|时间|日期|来源|作者|浏览|点击|阅读)\s*[:：]")


def parse_generic(html: str, url: str, overrides: dict[str, str] | None = None) -> Extracted:
    """One article page. A saved page wrapped as ``<text id="URL" title="…">`` (the capture
    format of web-extraction datasets) lends its title when the page has no ``<title>``."""
    root = selector(html)
    overrides = overrides or {}
    meta = _meta(root)
    tag = title_tag(root) or clean_line(root.xpath("/html/body/*[1][self::text]/@title").get(""))
    page, stats = read_page(root)
    lines_of_page = [line.text for line in page]
    headline = choose_headline(root, meta, tag, lines_of_page, url)
    title = _override(root, overrides, "title") or headline.title
    lines = _body_lines(root, html, overrides.get("body"), title, stats, page,
                        headline.element if title == headline.title else None)
    if not title and len("".join(lines)) < 50:
        raise ExtractionError("no headline and no text block found")
    text = "\n".join(lines_of_page)
    override_date = _override(root, overrides, "published_at")
    margins = page_margins(page, lines, title)
    lines, below = close_across(lines, margins.below)
    margins = replace(margins, below=below)
    lines, kicker, header = _trim_head(lines, title, headline.subtitle)
    lines, footer = split_tail(lines)  # a post's footer: its date for the candidates
    lines, dated_head, dated_foot = _date_lines(lines)
    margins = replace(margins, under_title=margins.under_title + header + dated_head,
                      below=dated_foot + footer + margins.below)
    scripts = "\n\x00\n".join(root.root.xpath("//script/text()"))
    published = (parse_datetime(override_date) if override_date else None) or choose_date(
        meta, scripts, url, margins, text, marked_dates(root.root, html))
    extracted = Extracted(
        url=url, title=title, kicker=headline.kicker or kicker, subtitle=headline.subtitle,
        paragraphs=lines, published_at=published,
        source=_source(meta), column=meta.get("columnname"),
    )
    finish(extracted)
    declared = lambda: declared_authors(root.root, html, meta, scripts)  # noqa: E731
    extracted.byline = page_byline(extracted.byline, margins, declared, text,
                                   extracted.source, title)
    extracted.source = extracted.source or extracted.byline.source
    return extracted


def _trim_head(lines: list[str], title: str | None, subtitle: str | None = None
               ) -> tuple[list[str], str | None, list[str]]:
    """The first lines of a text block often repeat the page's header: a breadcrumb, the
    headline and its subtitle, a dateline (发布时间：… 来源：…), a bare date, a government
    page's metadata (索引号：…, 生成日期：… and the values under such labels), a counter. They
    are not the article's text: they go, and are returned as the header they are; a short
    line standing right above the repeated headline is its kicker (引题)."""
    key, deck = loose(title or ""), loose(subtitle or "")
    head: list[str] = []
    header: list[str] = []
    kicker = None
    for index, line in enumerate(lines[:_HEAD_REACH]):
        if deck and loose(line) == deck:
            header.append(line)
        elif key and loose(line) == key:
            if head and len(head[-1]) <= _KICKER_MAX and not ends_sentence(head[-1]):
                kicker = head.pop()
            header.append(line)
        elif _header_line(line, header[-1] if header and index else ""):
            header.append(line)
        else:
            head.append(line)
            if len(line) >= _FIRST_PARAGRAPH or len(head) >= _HEAD_LINES:
                return head + lines[index + 1:], kicker, header  # the text has begun
    return head + lines[_HEAD_REACH:], kicker, header


def _date_lines(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The text without its date lines (``Aktualisiert: 11.04.2020, 10:27``), which are the
    page's metadata: those in its first half stand with the lines under the headline, the
    others with the lines below it."""
    dated = [index for index, line in enumerate(lines) if is_date_line(line)]
    if not dated or len(dated) == len(lines):
        return lines, [], []
    half, skipped = len(lines) / 2, set(dated)
    return ([line for index, line in enumerate(lines) if index not in skipped],
            [lines[index] for index in dated if index < half],
            [lines[index] for index in dated if index >= half])


def _header_line(line: str, previous: str) -> bool:
    if len(line) >= 80:
        return False
    return bool(_INFO_LINE.match(line) or _BREADCRUMB.match(line) or _DATE_ONLY.match(line)
                or _DATELINE.match(line) or _FIELD.match(line)
                or previous.endswith((":", "：")) and not _SENTENCE_MARK.search(line))


def _override(root: Selector, overrides: dict[str, str], name: str) -> str | None:
    query = overrides.get(name)
    if not query:
        return None
    nodes = select(root, query)
    return clean_line(" ".join(block_lines(nodes[0]))) if nodes else None


def _meta(root: Selector) -> dict[str, str]:
    """Meta tags by lower-cased name or property, first value wins (any attribute order)."""
    found: dict[str, str] = {}
    for node in root.root.iter("meta"):
        attrs = {k.lower(): v for k, v in node.attrib.items()}
        name = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").lower()
        content = clean_line(attrs.get("content") or "")
        if name and content and name not in found:
            found[name] = content
    return found


def _source(meta: dict[str, str]) -> str | None:
    for name in _META_SOURCE:
        if meta.get(name):
            return meta[name]
    return None


def _body_lines(root: Selector, html: str, override: str | None, title: str | None,
                stats: TextStats, page: list[Line], heading: etree._Element | None = None
                ) -> list[str]:
    """The article's text: a site selector's, the CMS markers', else the densest blocks with
    the paragraphs around them in the page's main column."""
    block = comment_block(html, "<!--ZJEG_RSS.content.begin-->", "<!--ZJEG_RSS.content.end-->")
    if block and block.strip():
        return block_lines(selector(block))
    if override:
        return [line for node in select(root, override)[:1] for line in _lines(node, stats)]
    for query, spelling in _MARKER_BODY:  # every part a marker names (one per section on some
        if spelling is not None and spelling not in html:  # sites)
            continue
        parts = [node for node in root.xpath(query) if len("".join(block_lines(node))) >= 20]
        parts = [node for node in parts
                 if not any(other.root in node.root.iterancestors() for other in parts)]
        if parts:  # the marked parts are the article's blocks (a lead may stand above them)
            own = [line for node in parts for line in _lines(node, stats)]
            return _in_column([node.root for node in parts], own, page, stats, title, heading)
    body = next(root.root.iter("body"), None)
    blocks = article_blocks(body, title, stats) if body is not None else Blocks()
    own = [line.text for block in blocks for line in _readable(lines_within(page, block, stats))]
    lines = _in_column(blocks, own, page, stats, title, heading)
    if body is not None and not blocks.post and (size := _text_size(lines)) < _SHORT_TEXT:
        scattered = _scattered(body, page, stats)
        if _text_size(scattered) >= _SCATTERED_GAIN * size:
            return scattered
    return lines


def _text_size(lines: list[str]) -> float:
    """How much ``lines`` say, in Latin characters: a Chinese character says as much as
    (about) three (a Chinese paragraph of 30 characters, a Latin one of 80)."""
    return sum(len(line) + _HAN_WEIGHT * len(HAN_CHAR.findall(line)) for line in lines)


def _scattered(body: etree._Element, page: list[Line], stats: TextStats) -> list[str]:
    """A page whose text no block holds (a recipe's steps, a landing page's sections, a
    product's tabs): every readable line outside the page's furniture (trafilatura's
    fallback to the page's "wild" text), taken when it says twice as much as the blocks."""
    furniture = furniture_test(body, stats)
    return [line.text for line in _readable(page)
            if line.element is not None and not furniture(line.element)]


def _in_column(blocks: list[etree._Element], own: list[str], page: list[Line],
               stats: TextStats, title: str | None, heading: etree._Element | None
               ) -> list[str]:
    """The blocks' lines (``own``) with the paragraphs around them in the page's main column."""
    column = main_column(blocks, stats)
    if column is None:
        return own
    lines = _readable(lines_within(page, column, stats, header_boxes(heading, blocks)))
    return [line.text for line, keep in zip(lines, around_blocks(lines, set(own), title),
                                            strict=True) if keep] or own


def _readable(lines: list[Line]) -> list[Line]:
    """Lines with letters, and no lines of links (related stories, navigation) unless they
    are credits, nor the heading of such links (``Zobacz także``, ``Weitere Artikel:``)."""
    links = [line.mostly_links() and not _is_credit(line.text) for line in lines]
    return [line for index, (line, link) in enumerate(zip(lines, links, strict=True))
            if not link and _TEXTY.search(line.text) and len(line.text) > 1
            and not (index + 1 < len(lines) and links[index + 1] and _list_heading(line))]


@lru_cache(maxsize=4096)  # a page's menus repeat their link lines, and the column is read
def _credit(text: str) -> Byline | None:  # twice (the blocks', then the column's lines)
    return parse_credit(text)


def _is_credit(text: str) -> bool:
    return bool(_credit(text))


def _list_heading(line: Line) -> bool:
    """A short line that says no sentence and is no list item: a heading (of the links under
    it)."""
    return len(line.text) <= _LIST_HEADING_MAX and not ends_statement(line.text) \
        and not _in_item(line.element) and _credit(line.text) is None \
        and not related_heading(line.text)  # (it stays, to end the story where it stands)


def _in_item(element: etree._Element | None) -> bool:
    """Is the element a list item, or in one (an ingredient whose name is a link)?"""
    for _ in range(_ITEM_DEPTH):
        if element is None:
            return False
        if element.tag in ("li", "dd", "td"):
            return True
        element = element.getparent()
    return False


def _lines(node: Selector, stats: TextStats) -> list[str]:
    """A marked or selected block's lines, without its comment threads and share bars."""
    return [line.text for line in _readable(text_lines(node, aside_within(node.root, stats)))]
