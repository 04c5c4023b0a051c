"""One saved page → its articles, whatever its kind: the entry point of ``bulletin parse`` and
``bulletin eval``."""

from __future__ import annotations

import re
from datetime import date

from bulletin_crawler.extraction import founder
from bulletin_crawler.extraction.generic import parse_generic
from bulletin_crawler.extraction.html import ExtractionError, decode_html
from bulletin_crawler.extraction.pagetext import split_page_text
from bulletin_crawler.extraction.result import Extracted

_FOUNDER = re.compile(r"<founder-content|<!--\s*enpcontent|class=\"?font01|enpproperty",
                      re.IGNORECASE)


def extract_html(html: str, url: str, issue_date: date | None = None,
                 overrides: dict[str, str] | None = None) -> Extracted:
    """One article page: Founder markers pick the e-paper extractor, anything else (and a
    Founder page it cannot read) goes to the generic one."""
    if _FOUNDER.search(html):
        try:
            return founder.parse_article(html, url, issue_date=issue_date, overrides=overrides)
        except ExtractionError:
            pass
    return parse_generic(html, url, overrides)


def extract_page(data: bytes, url: str, issue_date: date | None = None,
                 is_text: bool = False) -> list[Extracted]:
    """Articles of a page: plain page text is split into stories, HTML is one article."""
    if not data.strip():
        raise ExtractionError("empty input")
    if is_text:
        text = decode_html(data)  # same charset chain: BOM, then detection
        articles = split_page_text(text, issue_date)
        if not articles:
            raise ExtractionError("no story lead (本报讯 …) found in the page text")
        return articles
    return [extract_html(decode_html(data), url, issue_date)]
