"""Column list pages of portals: article links with their dates, the page count, the column name.

Works on plain list pages (TRS ``index_N.shtml``, 郑州 ``index_N.jhtml``) and on Hanweb's XML
``<datastore>`` (embedded in the column page, and the answer of ``dataproxy.jsp``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from parsel import Selector

from bulletin_crawler.extraction.dates import date_from_url, parse_datetime
from bulletin_crawler.extraction.html import selector
from bulletin_crawler.extraction.text import clean_line
from bulletin_crawler.urls import absolute_link

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_PAGE_COUNT = (
    re.compile(r"createPageHTML\(\s*['\"]?(\d+)"),
    re.compile(r"countPage\s*=\s*['\"]?(\d+)"),
    re.compile(r"<totalpage>\s*(\d+)", re.IGNORECASE),
    re.compile(r"共\s*(\d+)\s*页"),
)
_TOTAL_RECORDS = re.compile(r"<totalrecord>\s*(\d+)", re.IGNORECASE)
_ITEM_BLOCKS = ("li", "tr", "dd", "p", "div")


@dataclass
class ListItem:
    url: str
    title: str | None
    published: date | None


@dataclass
class Listing:
    items: list[ListItem] = field(default_factory=list)
    page_count: int | None = None
    total_records: int | None = None
    column: str | None = None
    left_out: int = 0  # article links past ``limit``, counted but not read


def parse_listing(html: str, url: str, article: re.Pattern[str], limit: int | None = None
                  ) -> Listing:
    """Article links (``article`` decides which) in page order, each once, with the date shown
    beside it or written in its URL; past ``limit`` links are only counted, so a hostile page of
    100,000 links costs little."""
    records = _RECORD.findall(html)
    root = selector("\n".join(records)) if records else selector(html)
    listing = Listing(page_count=_page_count(html), column=_column(selector(html)))
    total = _TOTAL_RECORDS.search(html)
    listing.total_records = int(total.group(1)) if total else None
    seen: set[str] = set()
    for link in root.xpath("//a[@href]"):
        target = absolute_link(url, link.attrib["href"])
        if target is None or target in seen or not article.search(target):
            continue
        seen.add(target)
        if limit is not None and len(listing.items) >= limit:
            listing.left_out += 1
            continue
        title = clean_line(link.attrib.get("title") or " ".join(link.xpath(".//text()").getall()))
        listing.items.append(ListItem(target, title or None, _item_date(link, target)))
    return listing


def _item_date(link: Selector, target: str) -> date | None:
    """The date in the link itself, else in the smallest block around it that holds no other
    link (a whole list's block would give every item the first item's date)."""
    containers = [link, *(c for block in _ITEM_BLOCKS for c in link.xpath(f"ancestor::{block}[1]"))]
    for container in containers:
        if container is not link and len(container.xpath(".//a")) > 2:
            continue
        text = " ".join(container.xpath(".//text()").getall())
        if len(text) < 300 and (found := parse_datetime(text)):
            return found if type(found) is date else found.date()
    return date_from_url(target)


def _page_count(html: str) -> int | None:
    for pattern in _PAGE_COUNT:
        match = pattern.search(html)
        if match:
            return int(match.group(1))
    return None


def _column(root: Selector) -> str | None:
    """``ColumnName`` meta, else the last breadcrumb link, else the ``<title>``'s first part."""
    meta = root.xpath("//meta[translate(@name,'COLUMNAME','columname')='columnname']/@content")
    if meta.get():
        return clean_line(meta.get())
    crumbs = root.xpath("//*[contains(@class,'location') or contains(@class,'crumb') or "
                        "contains(@class,'position')]//a/text()").getall()
    if crumbs:
        return clean_line(crumbs[-1])
    title = clean_line(" ".join(root.xpath("//title//text()").getall()))
    return re.split(r"[_|\-—]", title)[0].strip() or None if title else None
