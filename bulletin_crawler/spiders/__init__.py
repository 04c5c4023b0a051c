"""Spiders per site *family*; one spider per site file is made by :mod:`.loader`."""

from bulletin_crawler.spiders.base import SiteSpider
from bulletin_crawler.spiders.epaper import BmnrSpider, FounderEnpSpider, FounderPcSpider
from bulletin_crawler.spiders.portal import GenericSpider, HanwebSpider, JhtmlSpider, TrsSpider

FAMILY_SPIDERS: dict[str, type[SiteSpider]] = {
    "founder-enp": FounderEnpSpider,
    "founder-pc": FounderPcSpider,
    "bmnr": BmnrSpider,
    "gov-trs": TrsSpider,
    "gov-hanweb": HanwebSpider,
    "gov-jhtml": JhtmlSpider,
    "generic": GenericSpider,
}

__all__ = ["FAMILY_SPIDERS", "SiteSpider"]
