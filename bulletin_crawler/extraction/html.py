"""HTML helpers for the extractors: decoding, block-aware text, selectors given as CSS or XPath."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from charset_normalizer import from_bytes
from lxml import etree
from parsel import Selector, SelectorList
from w3lib.encoding import html_to_unicode

from bulletin_crawler.extraction.budget import checkpoint
from bulletin_crawler.extraction.errors import ExtractionError

BLOCK_TAGS = frozenset({
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "blockquote", "dd", "dt", "center", "founder-content", "figcaption",
})
# <noscript> is read: some pages put the whole article there for readers without scripts.
SKIP_TAGS = frozenset({"script", "style", "iframe", "select", "button", "textarea", "map"})
MAX_HTML_BYTES = 8 * 1024 * 1024
_CHECK_MASK = 63  # walk steps (+1) between two looks at the time budget
_HTML_END = re.compile(r"</html\s*>", re.IGNORECASE)
_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_INVISIBLE = re.compile(r"<!--.*?-->|<(script|style|noscript)\b.*?</\1\s*>",
                        re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_STRAY_TEXT = 20  # characters after </html> that are more than a tracking snippet


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: HTTP/declared charset, then ``<meta charset>``, BOM, then detection, with
    GB2312/GBK read as GB18030 (w3lib's translation table)."""
    if len(data) > MAX_HTML_BYTES:
        raise ExtractionError(f"page is {len(data)} bytes, over the {MAX_HTML_BYTES} limit")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError("binary data, not an HTML page")
    if declared is None and not data.isascii():
        try:  # valid UTF-8 is UTF-8, whatever a copied <meta charset=gb2312> says
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    header = f"text/html; charset={declared}" if declared else None
    _, text = html_to_unicode(header, data, auto_detect_fun=_detect)
    return text


def _detect(data: bytes) -> str | None:
    """Encoding of a page that declares none: UTF-8 if it decodes, then GB18030 (the superset
    of GB2312/GBK these sites use), then charset-normalizer's guess."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Old GBK pages carry a few broken bytes; a handful of bad characters is still GBK.
    if data.decode("gb18030", errors="replace").count("\ufffd") <= max(3, len(data) // 2000):
        return "gb18030"
    best = from_bytes(data[:65536]).best()
    return best.encoding if best else None


def selector(html: str) -> Selector:
    """The parsed page. libxml2 stops at the first ``</html>``: a page with a stray one right
    after its header would lose its article, so when text follows it the end tags go."""
    if not html.strip():
        raise ExtractionError("empty page")
    end = _HTML_END.search(html)
    if end and _visible_text(html[end.end():]):
        html = _END_TAGS.sub("", html)
    # lxml.etree's own HTML parser (parsel's lxml.html one looks up a Python class for every
    # element the walk touches, a third of the walk's time), as parsel prepares the text.
    body = html.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(body, parser=parser)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser)
    # Comments and processing instructions are nobody's text: they go, their tails stay.
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)
    return Selector(root=root, type="html")


def _visible_text(markup: str) -> bool:
    """Does ``markup`` hold text a reader sees (not only scripts, styles and comments)?"""
    text = _TAG.sub(" ", _INVISIBLE.sub(" ", markup))
    return len("".join(text.split())) >= _STRAY_TEXT


def select(root: Selector, query: str) -> SelectorList[Selector]:
    """Apply a site-file selector: XPath when it starts with ``/`` or ``(``, CSS otherwise."""
    if query.lstrip().startswith(("/", "(", "./")):
        return root.xpath(query)
    return root.css(query)


def page_lines(root: Selector, stats: TextStats | None = None) -> list[Line]:
    """The text of a whole page's ``<body>`` as lines, with their link characters (and the
    page's text statistics gathered into ``stats``)."""
    body = next(root.root.iter("body"), None)
    return text_lines(body, stats=stats) if body is not None else []


def title_tag(root: Selector) -> str:
    """The document's ``<title>`` (not the ``<title>`` of an SVG icon in the body)."""
    return " ".join(" ".join(root.xpath("(//head/title | //title)[1]//text()").getall()).split())


class Line(NamedTuple):
    """One line of an element's text, how many of its characters stand inside links, and the
    element its text starts in (so the lines of a part of the page are found without reading
    the part again)."""

    text: str
    links: int
    element: etree._Element | None = None

    def mostly_links(self) -> bool:
        """A line made of link texts (related stories, navigation) is not article text."""
        return self.links >= 0.5 * _visible(self.text)


def block_lines(node: Selector, skip: Callable[[etree._Element], bool] | None = None
                ) -> list[str]:
    """Text of an element as lines, one per block element or ``<br>``; scripts and comments out,
    and the subtrees ``skip`` names (comment threads inside an article's container)."""
    return [line.text for line in text_lines(node, skip)]


_PUNCT = re.compile(r"[，。！？；、：,!?;]")
# Inline children whose text counts as their parent's own text (a paragraph's bold words).
INLINE_TAGS = frozenset({"br", "b", "strong", "em", "i", "font", "span", "u"})


class TextStats:
    """Characters, punctuation and link characters of every element's subtree, and of
    its own text (its text, its inline children's and the tails between them); gathered by
    the walk that reads the page's lines (:func:`text_lines`), so a page is read once. Scripts,
    form controls and hidden blocks are never opened and count nothing."""

    def __init__(self) -> None:
        self.chars: dict[etree._Element, int] = {}
        self.links: dict[etree._Element, int] = {}
        self.punct: dict[etree._Element, int] = {}
        self.own: dict[etree._Element, tuple[int, int]] = {}

    def link_density(self, element: etree._Element) -> float:
        return min(self.links.get(element, 0) / (self.chars.get(element, 0) or 1), 1.0)


def text_lines(node: Selector | etree._Element,
               skip: Callable[[etree._Element], bool] | None = None,
               stats: TextStats | None = None) -> list[Line]:
    """:func:`block_lines` with the link characters of each line. One walk of lxml's tree
    events (no recursion: a page of thousands of nested blocks is read like any other), one
    step per element, so a page is read in time linear in its size; with ``stats`` the same
    walk gathers the page's text statistics."""
    root = node.root if isinstance(node, Selector) else node
    if isinstance(root, str):
        return [Line(line.strip(), 0) for line in root.splitlines() if line.strip()]
    lines: list[Line] = []
    parts: list[str] = []
    line_links = 0
    owner: etree._Element | None = None

    def add(text: str, in_link: bool, element: etree._Element) -> None:
        nonlocal line_links, owner
        if text.isspace():  # layout: a newline in it ends the line, spaces join words
            if "\n" in text:
                flush()
            elif owner is not None:
                parts.append(text)
            return
        if "\n" in text:
            for number, piece in enumerate(text.split("\n")):
                if number:  # a newline inside a text node ends a line too
                    flush()
                if piece:
                    add(piece, in_link, element)
            return
        parts.append(text)
        if owner is None:
            owner = element
        if in_link:
            line_links += _visible(text)

    def flush() -> None:
        nonlocal line_links, owner
        if owner is not None:  # else nothing but whitespace since the last line
            lines.append(Line("".join(parts).strip(), line_links, owner))
            owner = None
        parts.clear()
        line_links = 0

    # per open element: [chars, punctuation, link chars, own chars, own punctuation]
    counts: list[list[int]] = []
    ancestors: list[etree._Element] = []
    links_open = 0  # <a> elements open around the walk's position
    skipped: etree._Element | None = None
    steps = 0
    chars_of, punct_of, links_of, own_of = (stats.chars, stats.punct, stats.links, stats.own) \
        if stats is not None else ({}, {}, {}, {})
    count_punct = _PUNCT.findall
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if event == "start":
            steps += 1
            if not steps & _CHECK_MASK:
                checkpoint()
            style = element.get("style")
            if tag in SKIP_TAGS or style and _HIDDEN_STYLE.search(style) \
                    or skip is not None and skip(element):
                walker.skip_subtree()
                skipped = element
                continue
            if parts and tag in BLOCK_TAGS:
                flush()
            if tag == "a":
                links_open += 1
            ancestors.append(element)
            text = element.text
            if text and not text.isspace():
                add(text, links_open > 0, element)
                if stats is not None:
                    chars, punct = len(text.strip()), len(count_punct(text))
                    counts.append([chars, punct, 0, chars, punct])
                continue
            if text:  # layout: a newline in it ends the line, spaces join words
                if "\n" in text:
                    if parts:
                        flush()
                elif owner is not None:
                    parts.append(text)
            if stats is not None:
                counts.append([0, 0, 0, 0, 0])
            continue
        if element is skipped:
            skipped = None
        else:
            ancestors.pop()
            if parts and tag in BLOCK_TAGS:
                flush()
            if tag == "a":
                links_open -= 1
            if stats is not None:
                chars, punct, links, own_chars, own_punct = counts.pop()
                if chars:  # (an element without text counts nothing: no entry)
                    chars_of[element], punct_of[element], links_of[element] = \
                        chars, punct, links
                    if own_chars and tag != "a" and not links_open:  # in a link: text, but
                        own_of[element] = (own_chars, own_punct)  # no paragraph
                    if counts:
                        outer = counts[-1]
                        outer[0] += chars
                        outer[1] += punct
                        outer[2] += chars if tag == "a" else links
                        if tag in INLINE_TAGS:
                            outer[3] += chars
                            outer[4] += punct
        if element is root:
            break
        tail = element.tail
        if not tail or not ancestors:
            continue
        if tail.isspace():  # (as above)
            if "\n" in tail:
                if parts:
                    flush()
            elif owner is not None:
                parts.append(tail)
        else:  # the tail text after an element, in its parent's line
            add(tail, links_open > 0, ancestors[-1])
            if stats is not None and counts:
                chars, punct = len(tail.strip()), len(count_punct(tail))
                outer = counts[-1]
                outer[0] += chars
                outer[1] += punct
                outer[3] += chars
                outer[4] += punct
    flush()
    return lines


def _visible(text: str) -> int:
    return len(text) - text.count(" ") - text.count("\t") - text.count("\xa0") \
        - text.count("\u3000")


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def comment_block(html: str, start: str, end: str) -> str | None:
    """The raw HTML between two marker comments such as ``<!--enpcontent-->``."""
    begin = html.find(start)
    if begin < 0:
        return None
    stop = html.find(end, begin + len(start))
    return html[begin + len(start): stop if stop >= 0 else None]
