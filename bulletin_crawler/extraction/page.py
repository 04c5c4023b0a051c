"""One saved page → its articles, whatever its kind: the entry point of ``bulletin parse``."""

from __future__ import annotations

from datetime import date

from bulletin_crawler.extraction import founder
from bulletin_crawler.extraction.html import ExtractionError, decode_html
from bulletin_crawler.extraction.pagetext import split_page_text
from bulletin_crawler.extraction.result import Extracted


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
    return [founder.parse_article(decode_html(data), url, issue_date=issue_date)]
