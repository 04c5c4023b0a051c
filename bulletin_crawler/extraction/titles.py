"""The headline of a page, chosen among candidates by the evidence for each.

A page shows its headline once in a heading or a line of its own, and repeats it in the
``<title>`` with the column and the site around it (``标题_经济_财经网 - CAIJING.COM.CN``,
``站点——标题``, ``Headline | Site``). So the candidates (headings, short page lines) are
matched against the ``<title>`` cut at its separators: a candidate that *is* a run of the
title's parts is the headline as shown, a heading beats a plain line, a longer run beats a
shorter one, and the whole ``<title>`` repeated on the page (a share box) is the last choice.
Labels never are headlines: navigation (``全部导航``) and lines opening with a label
(``转载请注明：…``, ``来源：…``). Without any agreement, the main heading, then ``og:title`` and
the ``<title>`` without its site parts.

The government ``ArticleTitle`` meta tag, when a page has it, is the headline (its site
prefix removed). The kicker (引题) and subtitle (副题) are the headings right above and below the
chosen one (TRS: ``h3`` / ``h2`` / ``h3`` in ``detail-article-title``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from bulletin_crawler.extraction.text import clean_line, ends_sentence, loose

TITLE_SPLIT = re.compile(r"\s*(?:[_|｜ǀ—–»›>]+|--+|\s-\s|\s·\s|\s::?\s)\s*")
_HEADING_RANK = {"h1": 3, "h2": 2, "h3": 1, "h4": 1, "h5": 1, "h6": 1}
_LABELLED = re.compile(r"^(?:转载请注明|本文链接|原文链接|原标题|来源|出处|当前位置|您的位置|你的位置|"
                       r"您现在的位置|所在位置|位置|责任编辑|编辑|作者)\s*[:：]")
_NAVIGATION = frozenset({"全部导航", "网站导航", "导航", "首页", "主页", "返回首页", "正文", "详情",
                         "menu", "navigation", "home", "search", "skip to content"})
_MIN_CHARS, _MAX_CHARS, _HEAD_MAX, _TITLE_BLOCK = 4, 120, 60, 5
_SLACK = 10
_MIN_STRETCH = 6  # characters a heading needs when it is only a stretch of the <title>
_LINE_PROOF = 10  # characters a plain line needs to be taken for the headline
_SHORT = 8  # a headline shorter than this must be a main heading (h1, h2)
_SITE_WORDS = re.compile(r"(?:官网|网站|门户|首页|频道|网|blogarchiv|blogarchive)$")
_SITE_MAX = 40  # a longer "site name" in a meta tag is a page title put there by a CMS
_HOST_NOISE = frozenset({"www", "m", "news", "com", "cn", "net", "org", "gov", "edu", "co",
                         "uk", "de", "fr", "es", "it", "pl", "br", "info", "html"})
_SUB_CLASS = re.compile(r"sub|fu|vice|second", re.IGNORECASE)
_KICKER_CLASS = re.compile(r"pre|intro|yin|kicker|over", re.IGNORECASE)
_INFO = re.compile(r"^(?:发布时间|发布日期|时间|日期|来源|作者|浏览|点击)\s*[:：]|\d{4}[-/.年]\d{1,2}")


@dataclass(frozen=True)
class Headline:
    title: str | None
    kicker: str | None = None
    subtitle: str | None = None
    element: etree._Element | None = None  # the heading that shows it, when one does


@dataclass(frozen=True)
class _Candidate:
    text: str
    rank: int  # heading level: 3 for h1 … 0 for a plain line
    element: etree._Element | None
    key: str = ""  # the text as headlines are compared (:func:`loose`)


def choose_headline(root: Selector, meta: dict[str, str], title_tag: str,
                    page_lines: list[str], url: str = "") -> Headline:
    """The headline (with its kicker and subtitle when headings show them)."""
    # a plain line is a headline only when a title repeats it: no longer than the longest
    longest = 2 * max(len(title_tag), len(meta.get("og:title", "")),
                      len(meta.get("twitter:title", ""))) + _SLACK
    candidates = _candidates(root, page_lines, longest)
    article_title = _article_title(meta)
    if article_title:
        return _with_decks(article_title, candidates)
    og = meta.get("og:title") or meta.get("twitter:title") or ""
    sites = _site_names(meta, url)
    agreeing = [found for source in (title_tag, og)
                if (found := _agreeing(candidates, source, sites))]
    title = max(agreeing)[-1] if agreeing else _main_heading(candidates, title_tag)
    if title:
        return _with_decks(title, candidates)
    if og and not _cut_copy(og, title_tag):
        return Headline(strip_site(og, meta.get("sitename", "")))
    return Headline(strip_site(title_tag, meta.get("sitename", "")) or og or None)


def _site_names(meta: dict[str, str], url: str) -> list[str]:
    """What the site calls itself: its meta names and its host (``petri-heil.ch``)."""
    names = [loose(meta.get(key, "")) for key in ("og:site_name", "application-name",
                                                   "sitename")]
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names.append(loose(host))
    names += [loose(label) for label in host.split(".") if label not in _HOST_NOISE]
    return [name for name in names if 3 <= len(name) <= _SITE_MAX]


def _article_title(meta: dict[str, str]) -> str | None:
    """``ArticleTitle`` without the site name some portals put in front of it."""
    title, site = meta.get("articletitle", ""), meta.get("sitename", "")
    if site and title.startswith(site):
        title = re.sub(r"^[—\-_|:：\s]+", "", title[len(site):])
    return title or None


def _candidates(root: Selector, page_lines: list[str], longest: int = _MAX_CHARS
                ) -> list[_Candidate]:
    found = [(text, _HEADING_RANK[element.tag], element)
             for element in root.root.iter(*_HEADING_RANK)  # (document order, as //h1 | //h2…)
             if (text := clean_line(" ".join(element.itertext())))]
    found += [(line, 0, None) for line in dict.fromkeys(page_lines)  # each once
              if len(line) <= longest]
    return [_Candidate(text, rank, element, key) for text, rank, element in found
            if len(text) <= _MAX_CHARS and _MIN_CHARS <= len(key := loose(text))
            and text.lower() not in _NAVIGATION and not _LABELLED.match(text)]


def _agreeing(candidates: list[_Candidate], title: str, sites: list[str]
              ) -> tuple[bool, bool, bool, int, int, str] | None:
    """The best candidate that a title (``<title>``, ``og:title``) repeats, with its score: a
    run of the title's parts, else a stretch of its headline part (``标题-新华网`` has no
    spaced separator), or a heading that holds the whole title with a badge such as 原创.

    The headline part is the longest part that does not name the site (its host, its meta
    name, 官网/频道/Blog Archive); a candidate outside it names the site or the column. A plain
    line needs more proof than a heading, a short candidate must be a main heading, and the
    whole title shown again is no headline when it has a site part to strip.
    """
    parts = _title_parts(title)
    own = [i for i, part in enumerate(parts) if not _names_site(part, sites)]
    if not own:  # only the site's name: its own page (home, about), so that name is the title
        return (False, False, False, 0, 0, title) if len(parts) == 1 else None
    whole = "".join(parts)
    main = max(own, key=lambda i: len(parts[i]))
    offsets = [sum(map(len, parts[:i])) for i in range(len(parts) + 1)]
    runs = {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    scored = []
    for candidate in candidates:
        key = candidate.key
        at = whole.find(key)
        exact = key in runs
        inside = [i for i in own if at < offsets[i + 1] and at + len(key) > offsets[i]]
        if at >= 0 and inside and not (key == whole and len(parts) > 1):
            if len(key) < _SHORT and candidate.rank < 2:
                continue  # a column name such as 新闻动态 is short: only a main heading that short
            if candidate.rank and (exact or len(key) >= _MIN_STRETCH) \
                    or len(key) >= _LINE_PROOF or key == parts[main]:
                scored.append((exact and candidate.rank > 0, main in inside, exact,
                               candidate.rank, len(key), candidate.text))
        elif candidate.rank and whole in key and len(key) - len(whole) <= 6:
            scored.append((True, True, True, candidate.rank, len(whole), title))  # 原创 + title
    return max(scored) if scored else None


def _names_site(part: str, sites: list[str]) -> bool:
    """A part of a title that is the site's name (or most of it), or says it is a site."""
    if _SITE_WORDS.search(part):
        return True
    return any(part == site or (part.startswith(site) or site.startswith(part))
               and min(len(part), len(site)) >= 0.5 * max(len(part), len(site))
               for site in sites)


def _title_parts(title: str) -> list[str]:
    """A title cut at its separators, and ``标题-新华网`` at a hyphen before a site's name."""
    parts = []
    for part in TITLE_SPLIT.split(title):
        sites = []
        head, hyphen, tail = part.rpartition("-")
        while hyphen and head and _SITE_WORDS.search(loose(tail)):
            sites.insert(0, tail)
            part = head
            head, hyphen, tail = part.rpartition("-")
        parts += [part, *sites]
    return [loose(part) for part in parts if loose(part)]


def _main_heading(candidates: list[_Candidate], title_tag: str) -> str | None:
    """No agreement with the ``<title>``: it names only the site or column, and the longest
    heading is the headline; without a ``<title>``, the first top-level heading."""
    headings = [c for c in candidates if c.rank and 6 <= len(c.text) <= 80]
    if title_tag:
        return max((c.text for c in headings), key=len, default=None)
    for rank in (3, 2, 1):
        first = next((c.text for c in candidates if c.rank == rank), None)
        if first:
            return first
    return None


def _cut_copy(og: str, title_tag: str) -> bool:
    """``og:title`` cut at an unescaped quote: the ``<title>`` goes on where it stops."""
    key, whole = loose(og), loose(title_tag)
    return (whole.startswith(key) and len(whole) > len(key) + 2
            and not TITLE_SPLIT.search(title_tag[len(og):len(og) + 3]))


def strip_site(title: str, site: str = "") -> str:
    """``标题_网易新闻`` → ``标题``; ``保定市人民政府网——标题`` → ``标题``."""
    if site and title.startswith(site):
        title = re.sub(r"^[—\-_|:：\s]+", "", title[len(site):]) or title
    parts = [part for part in TITLE_SPLIT.split(title) if part]
    if len(parts) > 1:
        return max(parts[:-1] if len(parts) > 2 else parts[:1], key=len)
    return title


def _with_decks(title: str, candidates: list[_Candidate]) -> Headline:
    """The headings right above and below the headline's heading: its kicker and subtitle."""
    key = loose(title)
    element = next((c.element for c in candidates
                    if c.element is not None and c.key == key), None)
    parent = element.getparent() if element is not None else None
    if parent is None or len(parent) > _TITLE_BLOCK:  # decks stand in a small headline block
        return Headline(title, element=element)
    return Headline(title, _deck(element.getprevious(), _KICKER_CLASS),
                    _deck(element.getnext(), _SUB_CLASS), element)


def _deck(element: etree._Element | None, hint: re.Pattern[str]) -> str | None:
    if element is None or not isinstance(element.tag, str):
        return None
    names = " ".join(filter(None, (element.get("class"), element.get("id"))))
    if element.tag not in ("h2", "h3", "h4", "h5") and not hint.search(names):
        return None
    text = clean_line(" ".join(element.itertext()))
    if not text or len(text) > _HEAD_MAX or _INFO.search(text) or ends_sentence(text[-1:]):
        return None
    return text
