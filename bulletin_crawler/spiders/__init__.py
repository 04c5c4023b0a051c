"""Spiders per site *family*; one spider per site file is made by :mod:`.loader`."""

from bulletin_crawler.spiders.base import SiteSpider
from bulletin_crawler.spiders.epaper import BmnrSpider, FounderEnpSpider, FounderPcSpider

FAMILY_SPIDERS: dict[str, type[SiteSpider]] = {
    "founder-enp": FounderEnpSpider,
    "founder-pc": FounderPcSpider,
    "bmnr": BmnrSpider,
}

__all__ = ["FAMILY_SPIDERS", "SiteSpider"]
