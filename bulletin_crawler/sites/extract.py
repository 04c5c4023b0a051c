"""The per-site extraction entry point: what a crawl of one site reads from one page."""

from __future__ import annotations

from bulletin_crawler.extraction.budget import DEFAULT_BUDGET_S, time_budget
from bulletin_crawler.extraction.page import extract_html
from bulletin_crawler.extraction.result import Extracted
from bulletin_crawler.sites.config import SiteConfig
from bulletin_crawler.sites.custom import page_object_for


def extract_for_site(site: SiteConfig, html: str, url: str,
                     budget_s: float | None = DEFAULT_BUDGET_S) -> Extracted:
    """Its page object if the site has one, else the family's extractors with the site file's
    selectors; within ``budget_s`` seconds (``ExtractionTimeout`` past them)."""
    custom = page_object_for(site.key)
    if custom is not None:
        with time_budget(budget_s):
            return custom.parse_article(html, url)
    return extract_html(html, url, overrides=site.selectors, epaper_page=site.kind == "epaper",
                        budget_s=budget_s)
