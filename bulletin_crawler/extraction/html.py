"""HTML helpers for the extractors: decoding, block-aware text, selectors given as CSS or XPath."""

from __future__ import annotations

import re
from collections.abc import Callable

from charset_normalizer import from_bytes
from lxml import etree
from parsel import Selector, SelectorList
from w3lib.encoding import html_to_unicode

BLOCK_TAGS = frozenset({
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "blockquote", "dd", "dt", "center", "founder-content", "figcaption",
})
SKIP_TAGS = frozenset({"script", "style", "noscript", "iframe", "select", "button",
                       "textarea", "map"})
MAX_HTML_BYTES = 8 * 1024 * 1024


class ExtractionError(ValueError):
    """A page that cannot be turned into an article; the message says why."""


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
    if not html.strip():
        raise ExtractionError("empty page")
    return Selector(text=html, type="html")


def select(root: Selector, query: str) -> SelectorList[Selector]:
    """Apply a site-file selector: XPath when it starts with ``/`` or ``(``, CSS otherwise."""
    if query.lstrip().startswith(("/", "(", "./")):
        return root.xpath(query)
    return root.css(query)


def block_lines(node: Selector, skip: Callable[[etree._Element], bool] | None = None
                ) -> list[str]:
    """Text of an element as lines, one per block element or ``<br>``; scripts and comments out,
    and the subtrees ``skip`` names (comment threads inside an article's container)."""
    root = node.root
    if isinstance(root, str):
        return [line for line in root.splitlines() if line.strip()]
    chunks: list[str] = []
    _walk(root, chunks, skip)
    return [line.strip() for line in "".join(chunks).split("\n") if line.strip()]


def _walk(element: etree._Element, chunks: list[str],
          skip: Callable[[etree._Element], bool] | None) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in SKIP_TAGS or _hidden(element):
        return
    if skip is not None and tag and skip(element):
        return
    is_block = tag.lower() in BLOCK_TAGS
    if is_block:
        chunks.append("\n")
    if tag and element.text:  # comments and processing instructions have text too: skip it
        chunks.append(element.text)
    for child in element:
        _walk(child, chunks, skip)
        if child.tail:
            chunks.append(child.tail)
    if is_block:
        chunks.append("\n")


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _hidden(element: etree._Element) -> bool:
    style = element.get("style") if isinstance(element.tag, str) else None
    return bool(style and _HIDDEN_STYLE.search(style))


def comment_block(html: str, start: str, end: str) -> str | None:
    """The raw HTML between two marker comments such as ``<!--enpcontent-->``."""
    begin = html.find(start)
    if begin < 0:
        return None
    stop = html.find(end, begin + len(start))
    return html[begin + len(start): stop if stop >= 0 else None]
