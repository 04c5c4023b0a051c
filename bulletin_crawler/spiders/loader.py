"""Scrapy spider loader over the site registry: ``scrapy list`` shows one spider per site file
and ``scrapy crawl KEY`` runs the family spider with that site."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bulletin_crawler.rendering.config import RenderingSpider
from bulletin_crawler.sites import Registry, SiteConfig, load_registry
from bulletin_crawler.spiders import FAMILY_SPIDERS, SiteSpider

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.settings import BaseSettings
    from typing_extensions import Self


class SiteSpiderLoader:
    def __init__(self, registry: Registry):
        self.registry = registry
        self.sites = registry.sites

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(load_registry(settings.get("BULLETIN_SITES") or None))

    def list(self) -> list[str]:
        return sorted(self.sites)

    def load(self, spider_name: str) -> type[SiteSpider]:
        return spider_class(self.registry.site(spider_name))

    def find_by_request(self, request: Request) -> list[str]:
        host = urlsplit(request.url).hostname
        return [key for key, site in self.sites.items()
                if any(urlsplit(url).hostname == host for url in site.start_urls)]


def spider_class(site: SiteConfig) -> type[SiteSpider]:
    """A spider class for one site: its family's spider with the site attached (and, for a
    site with ``render: browser|splash``, the rendering settings merged into its crawl's)."""
    family = FAMILY_SPIDERS.get(site.family)
    if family is None:
        raise KeyError(f"{site.path}: family {site.family!r} has no spider yet "
                       f"(available: {', '.join(FAMILY_SPIDERS)})")
    bases = (RenderingSpider, family) if site.render != "none" else (family,)
    return type(f"{family.__name__}_{site.key}", bases,
                {"name": site.key, "site": site, "custom_settings": dict(site.settings),
                 "__module__": family.__module__})
