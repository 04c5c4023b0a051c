"""What a site renders, read once from its site file: which kinds of page, and what to do on a
page before its HTML is taken (wait for a selector, click "下一页"/"加载更多", scroll)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

    from bulletin_crawler.sites import SiteConfig

# ``render_pages`` → the ``page_kind`` of the requests rendered; an e-paper's layout pages are
# its lists.
PAGE_KINDS = {
    "lists": frozenset({"list", "layout"}),
    "articles": frozenset({"article"}),
    "all": frozenset({"list", "layout", "article"}),
}


@dataclass(frozen=True)
class RenderPlan:
    mode: str  # browser | splash
    page_kinds: frozenset[str]
    wait_for: str | None = None  # CSS: the page is ready when this matches
    click: str | None = None  # CSS of a "下一页" / "加载更多" control
    clicks: int = 0
    scrolls: int = 0

    @classmethod
    def for_site(cls, site: SiteConfig | None) -> RenderPlan | None:
        """The site's plan; None when it renders nothing."""
        if site is None or site.render == "none":
            return None
        return cls(site.render, PAGE_KINDS[site.render_pages], site.render_wait,
                   site.render_click, site.render_clicks, site.render_scroll)

    @classmethod
    def for_crawl(cls, crawler: Crawler, mode: str) -> RenderPlan:
        """The plan of the crawl's site when it renders with ``mode``; else
        :class:`NotConfigured`, so a renderer's middleware switches itself off."""
        plan = cls.for_site(getattr(crawler.spidercls, "site", None))
        if plan is None or plan.mode != mode:
            raise NotConfigured
        return plan

    @property
    def has_actions(self) -> bool:
        return bool(self.wait_for or self.clicks or self.scrolls)

    def wants(self, request: Request) -> bool:
        """Whether this request is rendered: a GET of a kind of page the site renders (a POST
        asks a data endpoint, whose answer is not a page)."""
        return request.method == "GET" and request.meta.get("page_kind") in self.page_kinds
