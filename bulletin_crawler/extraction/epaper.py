"""E-papers (数字报): layout pages (版面) and article pages of the Founder ENP, Founder "pc" and
"bmnr" systems (FORMATS.md §1–3).

Layout pages are read by link patterns per family (:class:`LayoutRules`): edition links, article
links and image-map areas of the same issue day. Article pages by markers: the ``enpproperty``
metadata comment (``founder-`` prefixed or plain, also inside ``founder-content``), the body
containers (``founder-content``, ``div#ozoom``, ``<!--enpcontent-->``, ``div#zoom``,
``div#articleContent``) and the headline skins (``td.font01`` with ``td.font02`` above = 引题 and
below = 副题; ``#PreTitle/#Title/#SubTitle``; ``bmnr_con_yinti/biaoti/futi``; …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from bulletin_crawler.extraction.credits import meta_credit, page_byline
from bulletin_crawler.extraction.dates import date_from_url, parse_datetime
from bulletin_crawler.extraction.html import (
    ExtractionError,
    block_lines,
    comment_block,
    page_lines,
    select,
    selector,
    title_tag,
)
from bulletin_crawler.extraction.layout import page_margins
from bulletin_crawler.extraction.result import Extracted, finish
from bulletin_crawler.extraction.text import clean_line, squeeze_cjk
from bulletin_crawler.extraction.titles import choose_headline
from bulletin_crawler.urls import absolute_link, strip_ignored_params

_EDITION = re.compile(r"(?:第\s*)?(?<![\dA-Za-z])([A-Za-z]{0,2}\s*\d{1,3})\s*(?:版\s*[：:]?|[：:])\s*"
                      r"([^\s|]*(?: [^\s|上下]+)*)")
_PROPERTY_BLOCK = re.compile(r"<!--\s*enpproperty(.*?)/enpproperty\s*-->", re.DOTALL | re.IGNORECASE)
_PROPERTY = re.compile(r"<(?:founder-)?([a-z]+)>(.*?)</(?:founder-)?\1>", re.DOTALL | re.IGNORECASE)
_TAGS = re.compile(r"<!--.*?-->|<[^>]+>", re.DOTALL)

BODY_QUERIES = ("//founder-content", "//div[@id='ozoom']", "//div[@id='zoom']",
                "//div[@id='articleContent']")
IMAGE_QUERIES = ("//table[@bgcolor]//img", "//founder-content//img", "//div[@id='ozoom']//img",
                 "//div[contains(@class,'attachment')]//img", "//div[@id='zoom']//img",
                 "//div[@id='articleContent']//img")
# 引题, 主题, 副题 of each known skin, tried in order after the table skin's td.font01/02.
HEADLINE_SKINS = (
    ("//*[@id='PreTitle']", "//*[@id='Title']", "//*[@id='SubTitle']"),
    ("//*[contains(@class,'introtitle')]", "//*[contains(@class,'art-title')]",
     "//p[contains(@class,'subtitle')]"),
    ("//font[@id='intro-title']", "//font[@id='main-title']", "//font[@id='sub-title']"),
    ("//*[contains(@class,'bmnr_con_yinti')]", "//*[contains(@class,'bmnr_con_biaoti')]",
     "//*[contains(@class,'bmnr_con_futi')]"),
    ("//div[contains(@class,'text_c')]/h3", "//div[contains(@class,'text_c')]/h1",
     "//div[contains(@class,'text_c')]/h2"),
)


@dataclass(frozen=True)
class LayoutRules:
    """Which links of a layout page lead to the issue's other editions and to its articles."""

    edition: re.Pattern[str]
    article: re.Pattern[str]


ENP_RULES = LayoutRules(edition=re.compile(r"node_\d+\.htm$", re.IGNORECASE),
                        article=re.compile(r"content_[\d_]+\.htm$", re.IGNORECASE))
PC_RULES = LayoutRules(
    edition=re.compile(r"/(?:node_|n_|col|l)\d+\.html$", re.IGNORECASE),
    article=re.compile(r"/(?:content_|c_?)\d+\.html$|/con/\d{6}/\d{2}/[^/]+\.html$",
                       re.IGNORECASE))
BMNR_RULES = LayoutRules(edition=re.compile(r"/(?:page_\d+|index)\.htm$", re.IGNORECASE),
                         article=re.compile(r"/content_\d+\.htm$", re.IGNORECASE))


@dataclass
class LayoutPage:
    """One edition page of one issue: where the other editions and the articles are."""

    url: str
    issue_date: date | None
    edition: dict[str, Any] | None
    editions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)


def parse_edition(text: str, issue_date: date | None) -> dict[str, Any] | None:
    """``第01版：要闻`` → ``{"date": "2020-11-30", "page": "01", "name": "要闻"}``."""
    match = _EDITION.search(text)
    if not match:
        return None
    name = squeeze_cjk(match.group(2)) or None
    return {"date": issue_date.isoformat() if issue_date else None,
            "page": match.group(1).replace(" ", "").upper(), "name": name}


def parse_layout(html: str, url: str, rules: LayoutRules = ENP_RULES) -> LayoutPage:
    """Editions and articles a layout page links to, of its own issue day only (the 上一期/下一期
    links to other days are not followed)."""
    root = selector(html)
    issue = date_from_url(url)
    editions: dict[str, dict[str, Any]] = {}
    articles: dict[str, None] = {}  # in page order, each once
    for link in root.xpath("//a[@href] | //area[@href]"):
        target = absolute_link(url, link.attrib["href"])
        if target is None or (issue and date_from_url(target) not in (issue, None)):
            continue
        if rules.article.search(target):
            articles.setdefault(target)
        elif rules.edition.search(target) and target not in editions:
            edition = parse_edition(" ".join(block_lines(link)), issue)
            if edition:
                editions[target] = edition
    current = editions.get(strip_ignored_params(url)) or _current_edition(root, issue)
    return LayoutPage(url=url, issue_date=issue, edition=current,
                      editions=list(editions.items()), articles=list(articles))


def _current_edition(root: Selector, issue: date | None) -> dict[str, Any] | None:
    for query in ("//div[contains(@class,'banci')]", "//td[contains(@class,'px12')]",
                  "//span[contains(@class,'ban')]"):
        for node in root.xpath(query):
            edition = parse_edition(" ".join(block_lines(node)), issue)
            if edition:
                return edition
    return None


def properties(html: str) -> dict[str, str]:
    """The ``enpproperty`` comment as a dict (``founder-`` prefixes dropped, inner HTML and
    ``<!--<npm:…>-->`` placeholders removed, empty values left out)."""
    block = _PROPERTY_BLOCK.search(html)
    if not block:
        return {}
    found: dict[str, str] = {}
    for name, value in _PROPERTY.findall(block.group(1)):
        text = clean_line(_TAGS.sub("", value))
        if text and name.lower() not in found:
            found[name.lower()] = text
    return found


def parse_article(html: str, url: str, issue_date: date | None = None,
                  edition: dict[str, Any] | None = None,
                  overrides: dict[str, str] | None = None) -> Extracted:
    """One ENP article page → :class:`Extracted`. ``overrides`` are site-file selectors."""
    root = selector(html)
    props = properties(html)
    overrides = overrides or {}
    issue = date_from_url(url) or issue_date or _property_date(props)
    paragraphs = _body(root, html, overrides.get("body"))
    kicker, title, subtitle = _headlines(root, overrides)
    title = title or props.get("title")
    page = page_lines(root)
    if not title:  # a page with e-paper markers but none of the headline skins
        headline = choose_headline(root, {}, title_tag(root), [line.text for line in page], url)
        kicker, title, subtitle = headline.kicker, headline.title, headline.subtitle
    if not title and not paragraphs:
        raise ExtractionError("no Founder ENP headline or body container on the page")
    extracted = Extracted(
        url=url,
        title=title,
        kicker=kicker or props.get("introtitle"),
        subtitle=subtitle or props.get("subtitle"),
        paragraphs=paragraphs,
        published_at=issue,
        edition=_current_edition(root, issue) or edition,
        images=_images(root, url, overrides.get("images")),
    )
    finish(extracted, issue)
    # the property block's author: a credit (记者 X) or bare names, whose role it does not say;
    # like an author meta tag, only for names the page shows (a portal's CMS fills it with the
    # account of the editor who posted the story)
    credit = meta_credit(props.get("author", ""), "\n".join(line.text for line in page))
    credit.merge(extracted.byline)
    extracted.byline = page_byline(credit, page_margins(page, paragraphs, title),
                                   lambda: (), "", extracted.source, title)  # author: above
    extracted.source = extracted.source or extracted.byline.source
    return extracted


def _property_date(props: dict[str, str]) -> date | None:
    value = parse_datetime(props.get("date", ""))
    return value if value is None or type(value) is date else value.date()


def _body(root: Selector, html: str, override: str | None) -> list[str]:
    queries = (override,) if override else BODY_QUERIES
    for query in queries:
        for node in select(root, query):
            lines = block_lines(node)
            if lines:
                return lines
    block = comment_block(html, "<!--enpcontent-->", "<!--/enpcontent-->")
    return block_lines(selector(block)) if block and block.strip() else []


def _headlines(root: Selector, overrides: dict[str, str]
               ) -> tuple[str | None, str | None, str | None]:
    """引题, 主题, 副题. ``td.font02`` is used above and below ``td.font01``: its position decides;
    other skins name each line."""
    picked = {name: _text(root, overrides[name]) for name in ("kicker", "title", "subtitle")
              if name in overrides}
    kicker = subtitle = title = None
    seen_title = False
    for cell in root.xpath("//td[contains(@class,'font01') or contains(@class,'font02')]"):
        text = clean_line(" ".join(block_lines(cell)))
        if not text:
            continue
        if "font01" in cell.attrib.get("class", ""):
            title = title or text
            seen_title = True
        elif not seen_title:
            kicker = kicker or text
        else:
            subtitle = subtitle or text
    for kicker_query, title_query, subtitle_query in HEADLINE_SKINS if title is None else ():
        title = _text(root, title_query)
        if title:
            kicker, subtitle = _text(root, kicker_query), _text(root, subtitle_query)
            break
    if title is None:
        title = _text(root, "//div[@id='art_title'] | //div[contains(@class,'biaoti')]")
    return (picked.get("kicker", kicker), picked.get("title", title),
            picked.get("subtitle", subtitle))


def _text(root: Selector, query: str) -> str | None:
    node = select(root, query)
    return clean_line(" ".join(block_lines(node[0]))) or None if node else None


def _images(root: Selector, url: str, override: str | None) -> list[dict[str, str | None]]:
    images: list[dict[str, str | None]] = []
    seen: set[str] = set()
    for img in select(root, override) if override else root.xpath(" | ".join(IMAGE_QUERIES)):
        src = (img.attrib.get("src") or "").strip()
        if not src or src.lower().endswith(".gif") or src.startswith("data:"):
            continue
        try:
            absolute = urljoin(url, src)
        except ValueError:  # an unparseable src: no image, the article still stands
            continue
        if absolute in seen:
            continue
        seen.add(absolute)
        images.append({"url": absolute, "caption": _caption(img)})
    return images


def _caption(img: Selector) -> str | None:
    """The text of the table row after the picture's row, or of the paragraph right after the
    picture, else the ``alt`` text."""
    following = (img.xpath("ancestor::tr[1]/following-sibling::tr[1]")
                 or img.xpath("following-sibling::*[1][self::p]"))
    text = clean_line(" ".join(block_lines(following[0]))) if following else ""
    return text or clean_line(img.attrib.get("alt", "")) or None
