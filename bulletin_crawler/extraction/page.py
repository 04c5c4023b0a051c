"""One saved page → its articles, whatever its kind: the entry point of ``bulletin parse`` and
``bulletin eval``."""

from __future__ import annotations

import re
from datetime import date

from bulletin_crawler.extraction import epaper
from bulletin_crawler.extraction.budget import DEFAULT_BUDGET_S, time_budget
from bulletin_crawler.extraction.errors import ExtractionError, ExtractionTimeout
from bulletin_crawler.extraction.generic import parse_generic
from bulletin_crawler.extraction.html import decode_html
from bulletin_crawler.extraction.pagetext import split_page_text
from bulletin_crawler.extraction.result import Extracted

_EPAPER = re.compile(r"<founder-content|<!--\s*enpcontent|class=\"?font01|enpproperty|"
                     r"bmnr_con_|id=\"?PreTitle", re.IGNORECASE)
# A case-insensitive alternation scans a large page slowly (30 ms on a 770 KB WeChat page);
# pages with none of these spellings cannot match it and skip it. The spellings are those the
# e-paper reader can use: tags in any case, the enpproperty comment in any case, the
# enpcontent comment, classes and ids as they are written (its queries are case-sensitive).
_EPAPER_HINTS = ("founder-content", "FOUNDER-CONTENT", "enpproperty", "ENPPROPERTY",
                 "enpcontent", "font01", "bmnr_con_", "PreTitle")


def extract_html(html: str, url: str, issue_date: date | None = None,
                 overrides: dict[str, str] | None = None, epaper_page: bool = False,
                 budget_s: float | None = DEFAULT_BUDGET_S) -> Extracted:
    """One article page: e-paper markers (or an e-paper spider) pick the e-paper extractor;
    anything else, and an e-paper page it cannot read, goes to the generic one. Raises
    :class:`ExtractionTimeout` when the page takes more than ``budget_s`` seconds."""
    with time_budget(budget_s):
        if epaper_page or (any(hint in html for hint in _EPAPER_HINTS)
                           and _EPAPER.search(html)):
            try:
                return epaper.parse_article(html, url, issue_date=issue_date,
                                            overrides=overrides)
            except ExtractionTimeout:
                raise
            except ExtractionError:
                pass
        return parse_generic(html, url, overrides)


def extract_page(data: bytes, url: str, issue_date: date | None = None,
                 is_text: bool = False, budget_s: float | None = DEFAULT_BUDGET_S
                 ) -> list[Extracted]:
    """Articles of a page: plain page text is split into stories, HTML is one article."""
    if not data.strip():
        raise ExtractionError("empty input")
    if is_text:
        text = decode_html(data)  # same charset chain: BOM, then detection
        with time_budget(budget_s):
            articles = split_page_text(text, issue_date)
        if not articles:
            raise ExtractionError("no story lead (本报讯 …) found in the page text")
        return articles
    return [extract_html(decode_html(data), url, issue_date, budget_s=budget_s)]
