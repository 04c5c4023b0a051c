"""What a page offers a crawl — the article links its family's spider would follow, all its
links, its text — so ``bulletin check --render`` and ``bulletin new-site`` can tell what
rendering changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bulletin_crawler.extraction.epaper import parse_layout
from bulletin_crawler.extraction.html import ExtractionError, block_lines, selector
from bulletin_crawler.extraction.listing import parse_listing
from bulletin_crawler.spiders import FAMILY_SPIDERS

if TYPE_CHECKING:
    from bulletin_crawler.sites import SiteConfig


@dataclass(frozen=True)
class PageOffer:
    article_links: tuple[str, ...]
    links: int
    text_chars: int

    @classmethod
    def of(cls, html: str, url: str, family: str, site: SiteConfig | None = None) -> PageOffer:
        try:
            root = selector(html)
        except ExtractionError:  # an empty page offers nothing
            return cls((), 0, 0)
        body = root.xpath("//body")
        return cls(tuple(article_links(html, url, family, site)), len(root.xpath("//a[@href]")),
                   sum(len(line) for line in block_lines(body[0])) if body else 0)


def article_links(html: str, url: str, family: str, site: SiteConfig | None = None) -> list[str]:
    """The article links the family's spider takes from this page as a layout page (e-papers)
    or a list page (portals)."""
    spider = FAMILY_SPIDERS[family]
    rules = getattr(spider, "rules", None)
    if rules is not None:
        return parse_layout(html, url, rules).articles
    family_pattern = spider.article_pattern  # type: ignore[attr-defined]
    pattern = (site.article_pattern if site else None) or family_pattern
    return [item.url for item in parse_listing(html, url, pattern).items]
