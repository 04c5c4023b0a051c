"""Which family a page belongs to, by the cheap tests of FORMATS.md §0, with the reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass

# (family, where, pattern, reason): URL tests first, then HTML markers; the first family with
# the most hits wins.
_TESTS: tuple[tuple[str, str, str, str], ...] = (
    ("founder-enp", "url", r"/html/\d{4}-\d{2}/\d{2}/(node|content)_[\d_]+\.htm", "URL html/YYYY-MM/DD/node|content_N.htm"),
    ("founder-enp", "html", r"<founder-content|<!--\s*enpcontent|id=\"?pageLink", "ENP markers (founder-content, enpcontent, pageLink)"),
    ("founder-enp", "html", r"layout-catalogue-list", "大河 div skin (layout-catalogue-list)"),
    ("founder-pc", "url", r"/(pc|PC)/(layout|column|col|con|content)/\d{6}/\d{2}/", "URL pc/layout|column|col/YYYYMM/DD/"),
    ("founder-pc", "html", r"id=\"?(PreTitle|SubTitle)\b", "pc skin headline ids (#PreTitle/#SubTitle)"),
    ("bmnr", "url", r"/\d{8}/html/(index|page_\d+|content_\d+)\.htm", "URL YYYYMMDD/html/page_NN|content_N.htm"),
    ("bmnr", "html", r"bmnr_con_", "bmnr_con_* headline classes"),
    ("gov-trs", "url", r"/t20\d{6}_\d+\.s?html?|/index(_\d+)?\.shtml", "URL tYYYYMMDD_ID.shtml / index_N.shtml"),
    ("gov-trs", "html", r"TRS_Editor|TRS_UEDITOR|createPageHTML\(", "TRS markers (TRS_Editor, createPageHTML)"),
    ("gov-hanweb", "url", r"/art/20\d{2}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html|/col/col\d+/", "URL art/Y/M/D/art_C_ID.html or col/colN/"),
    ("gov-hanweb", "html", r"ZJEG_RSS|<datastore>|jpage/dataproxy\.jsp", "Hanweb markers (ZJEG_RSS, datastore)"),
    ("gov-jhtml", "url", r"\.jhtml(\?|$)", "URL *.jhtml (郑州 platform)"),
    ("gov-jhtml", "html", r"news_content_content|news-list dot-b", "郑州 platform markers (news_content_content)"),
)


@dataclass(frozen=True)
class Guess:
    family: str
    reasons: tuple[str, ...]


def guess_family(url: str, html: str) -> Guess:
    """The family whose tests match most, with what matched; ``generic`` when none does."""
    hits: dict[str, list[str]] = {}
    for family, where, pattern, reason in _TESTS:
        if re.search(pattern, url if where == "url" else html, re.IGNORECASE):
            hits.setdefault(family, []).append(reason)
    if not hits:
        return Guess("generic", ("no family marker in the URL or the page",))
    family = max(hits, key=lambda name: len(hits[name]))
    return Guess(family, tuple(hits[family]))
