"""Spiders per site *family*; one spider per site file is made by :mod:`.loader`."""

from bulletin_crawler.spiders.base import SiteSpider
from bulletin_crawler.spiders.founder_enp import FounderEnpSpider

FAMILY_SPIDERS: dict[str, type[SiteSpider]] = {
    "founder-enp": FounderEnpSpider,
}

__all__ = ["FAMILY_SPIDERS", "FounderEnpSpider", "SiteSpider"]
