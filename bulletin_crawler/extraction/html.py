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
_CHECK_EVERY = 64  # walk steps between two looks at the time budget
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
    return Selector(text=html, type="html")


def _visible_text(markup: str) -> bool:
    """Does ``markup`` hold text a reader sees (not only scripts, styles and comments)?"""
    text = _TAG.sub(" ", _INVISIBLE.sub(" ", markup))
    return len("".join(text.split())) >= _STRAY_TEXT


def select(root: Selector, query: str) -> SelectorList[Selector]:
    """Apply a site-file selector: XPath when it starts with ``/`` or ``(``, CSS otherwise."""
    if query.lstrip().startswith(("/", "(", "./")):
        return root.xpath(query)
    return root.css(query)


def page_lines(root: Selector, closed: Closed | None = None) -> list[Line]:
    """The text of a whole page's ``<body>`` as lines, with their link characters."""
    body = root.xpath("//body")
    return text_lines(body[0], closed=closed) if body else []


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


# Called with every element the walk read, after its children, and whether it is in a link.
Closed = Callable[[etree._Element, bool], None]
_OPEN, _TAIL, _END, _BLOCK_END = range(4)
_Item = tuple[int, "etree._Element | str", bool, "etree._Element | None"]


def text_lines(node: Selector, skip: Callable[[etree._Element], bool] | None = None,
               closed: Closed | None = None) -> list[Line]:
    """:func:`block_lines` with the link characters of each line. The walk keeps its own stack
    (a page of thousands of nested blocks must not exhaust Python's recursion) and costs one
    step per node, so a page is read in time linear in its size; ``closed`` hears of each
    element read, after its children (the same walk gathers the page's text statistics)."""
    root = node.root
    if isinstance(root, str):
        return [Line(line.strip(), 0) for line in root.splitlines() if line.strip()]
    sink = _LineSink()
    stack: list[_Item] = [(_OPEN, root, False, None)]
    steps = 0
    while stack:
        kind, item, in_link, owner = stack.pop()
        if kind == _TAIL:  # the tail text after an element, in its parent's line
            sink.add(item, in_link, owner)  # type: ignore[arg-type]
        elif kind == _OPEN:
            steps += 1
            if not steps % _CHECK_EVERY:
                checkpoint()
            _open(item, in_link, sink, stack, skip, closed is not None)  # type: ignore[arg-type]
        else:  # the end of an element
            if kind == _BLOCK_END:
                sink.flush()
            if closed is not None:
                closed(item, in_link)  # type: ignore[arg-type]
    sink.flush()
    return sink.lines


def _open(element: etree._Element, in_link: bool, sink: _LineSink, stack: list[_Item],
          skip: Callable[[etree._Element], bool] | None, report: bool) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""  # lxml's HTML tags are lower-case
    if tag in SKIP_TAGS or hidden(element) or (skip is not None and tag and skip(element)):
        return
    block = tag in BLOCK_TAGS
    if block:
        sink.flush()
    if block or report:
        stack.append((_BLOCK_END if block else _END, element, in_link, None))
    in_link = in_link or tag == "a"
    if tag and element.text:  # comments and processing instructions have text too: skip it
        sink.add(element.text, in_link, element)
    for child in reversed(element):
        if child.tail:
            stack.append((_TAIL, child.tail, in_link, element))
        stack.append((_OPEN, child, in_link, None))


class _LineSink:
    """Collects text into stripped, non-empty lines, counting link characters per line."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._parts: list[str] = []
        self._links = 0
        self._owner: etree._Element | None = None

    def add(self, text: str, in_link: bool, owner: etree._Element | None) -> None:
        if "\n" not in text:
            self._append(text, in_link, owner)
            return
        first, *rest = text.split("\n")
        self._append(first, in_link, owner)
        for piece in rest:  # a newline inside a text node ends a line too
            self.flush()
            self._append(piece, in_link, owner)

    def _append(self, piece: str, in_link: bool, owner: etree._Element | None) -> None:
        self._parts.append(piece)
        if self._owner is None and piece.strip():
            self._owner = owner
        if in_link:
            self._links += _visible(piece)

    def flush(self) -> None:
        if self._owner is None:  # nothing but whitespace since the last line
            self._parts.clear()
            self._links = 0
            return
        line = "".join(self._parts).strip()
        self.lines.append(Line(line, self._links, self._owner))
        self._parts, self._links, self._owner = [], 0, None


def _visible(text: str) -> int:
    return len(text) - sum(map(text.count, (" ", "\t", "\xa0", "\u3000")))


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def hidden(element: etree._Element) -> bool:
    """``display: none`` in the element's own style."""
    style = element.get("style") if isinstance(element.tag, str) else None
    return bool(style and _HIDDEN_STYLE.search(style))


def comment_block(html: str, start: str, end: str) -> str | None:
    """The raw HTML between two marker comments such as ``<!--enpcontent-->``."""
    begin = html.find(start)
    if begin < 0:
        return None
    stop = html.find(end, begin + len(start))
    return html[begin + len(start): stop if stop >= 0 else None]
