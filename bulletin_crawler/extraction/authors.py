"""The authors a page declares besides its visible credits: a byline box (``class="author"``,
``rel="author"``, ``itemprop="author"``), the author meta tags (``author``, ``parsely-author``,
``dc.creator``, a Twitter card's "Written by"), and JSON-LD's ``author`` (a Person's name,
or the ``@id`` of one in the page's graph).

They are read only when the page's lines credit nobody, and every name must be one the page
shows (:func:`credits.meta_credit`): a CMS fills these fields with accounts, outlets and
profile URLs as often as with the reporter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from bulletin_crawler.extraction.text import clean_line

_META_NAMES = ("author", "parsely-author", "dc.creator", "dc:creator", "sailthru.author",
               "article:author", "byl", "twitter:creator:name")
# A Twitter card's label for its data field that names the writer.
_WRITTEN_BY = re.compile(r"^(?:written by|author|autor|autorin|verfasst von|escrito por|écrit par|"
                         r"scritto da|napisane przez|por|von|by)\s*:?$", re.IGNORECASE)
_BYLINE_QUERY = ("//*[@rel='author' or @itemprop='author' or contains(@class, 'author') "
                 "or contains(@class, 'byline') or contains(@class, 'Author') "
                 "or contains(@class, 'Byline')]")
_BYLINE_SPELLINGS = ("author", "Author", "byline", "Byline")
_BYLINE_ATTRIBUTE = re.compile(r"\s(?:class|rel|itemprop)\s*=\s*[\"']?[^\"'<>=]*$")
_ATTRIBUTE_REACH = 200
_BOX_MAX, _BOXES = 80, 5
_ASIDE = re.compile(r"comment|reply|respond|related|sidebar|widget|footer|recommend",
                    re.IGNORECASE)
_ASIDE_DEPTH = 6


def declared_authors(root: etree._Element, html: str, meta: dict[str, str],
                     scripts: str) -> Iterator[str]:
    """What the page declares as its author: the page's own fields first, then the byline
    boxes in page order (a list of other posts may show its items' authors too); read as
    far as the caller asks."""
    found = [value for name in _META_NAMES if (value := meta.get(name, ""))
             and not value.startswith(("http:", "https:", "www."))]
    for number in ("1", "2"):
        if _WRITTEN_BY.match(meta.get(f"twitter:label{number}", "")):
            found.append(meta.get(f"twitter:data{number}", ""))
    found += _json_ld_authors(scripts)
    yield from (author for author in dict.fromkeys(found) if author)
    yield from _byline_boxes(root, html)


def _byline_boxes(root: etree._Element, html: str) -> Iterator[str]:
    """The short texts of the elements marked as a byline, outside comments and sidebars."""
    if not _marks_a_byline(html):
        return
    boxes = 0
    for element in root.xpath(_BYLINE_QUERY):
        text = clean_line(" ".join(element.itertext()))
        if not text or len(text) > _BOX_MAX or _aside(element):
            continue
        yield text
        boxes += 1
        if boxes >= _BOXES:
            return


def _marks_a_byline(html: str) -> bool:
    """Does an attribute (class, rel, itemprop) of the page name an author or a byline? A
    look at each spelling's places, cheaper than asking every element."""
    for spelling in _BYLINE_SPELLINGS:
        at = html.find(spelling)
        while at >= 0:
            opening = html.rfind("<", max(0, at - _ATTRIBUTE_REACH), at)
            if opening >= 0 and _BYLINE_ATTRIBUTE.search(html, opening, at):
                return True
            at = html.find(spelling, at + 1)
    return False


def _aside(element: etree._Element) -> bool:
    for _ in range(_ASIDE_DEPTH):
        if element is None:
            return False
        names = " ".join(filter(None, (element.get("class"), element.get("id"))))
        if names and _ASIDE.search(names):
            return True
        element = element.getparent()
    return False


def _json_ld_authors(scripts: str) -> list[str]:
    """Names in JSON-LD ``author`` fields: a Person's ``name``, or the name of the node its
    ``@id`` points to (Yoast's graph)."""
    if '"author"' not in scripts:
        return []
    documents = []
    for chunk in _json_chunks(scripts):
        try:
            documents.append(json.loads(chunk))
        except ValueError:
            continue
    nodes: dict[str, dict[str, Any]] = {}
    references: list[Any] = []
    for node in _walk(documents):
        if isinstance(node.get("@id"), str) and isinstance(node.get("name"), str):
            nodes.setdefault(node["@id"], node)
        if "author" in node:
            references.append(node["author"])
    names = []
    for reference in references:
        for item in reference if isinstance(reference, list) else [reference]:
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, dict):
                target = nodes.get(item.get("@id", "")) if "name" not in item else item
                if target and isinstance(target.get("name"), str):
                    names.append(target["name"])
    return [clean_line(name) for name in names if not name.startswith(("http:", "https:"))]


def _json_chunks(scripts: str) -> Iterator[str]:
    """The JSON documents among the scripts' texts (JSON-LD blocks start with { or [)."""
    for chunk in scripts.split("\n\x00\n"):
        chunk = chunk.strip()
        if chunk[:1] in ("{", "[") and '"author"' in chunk:
            yield chunk


def _walk(documents: list[Any]) -> Iterator[dict[str, Any]]:
    stack = list(documents)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
