"""The one switch: with ``BULLETIN_FRONTIER`` set (``bulletin crawl --frontier``, ``-s``, the
environment), this add-on turns the crawl into a worker of the site's shared frontier.

An add-on, not code in :mod:`bulletin_crawler.runner`, because Scrapyd jobs run ``scrapy crawl``
and never pass through the runner: the add-on sees the final settings of every crawl, after the
command line and the site file. Without the setting it changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bulletin_crawler.frontier.uri import check_uri

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

FRONTIER = "bulletin_crawler.frontier"
# Redis answers within milliseconds: a worker must not hang for scrapy-redis's 30 s when it is
# gone.
REDIS_PARAMS = {"socket_timeout": 10, "socket_connect_timeout": 5, "retry_on_timeout": True}


class FrontierAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        uri = settings.get("BULLETIN_FRONTIER")
        if not uri:
            return
        check_uri(uri)
        for name, value in (("SCHEDULER", f"{FRONTIER}.scheduler.FrontierScheduler"),
                            ("DUPEFILTER_CLASS", f"{FRONTIER}.dupefilter.FrontierDupeFilter"),
                            ("REDIS_URL", uri), ("REDIS_PARAMS", REDIS_PARAMS)):
            settings.set(name, value, "addon")
        from bulletin_crawler.frontier.idle import FrontierIdleClose
        from bulletin_crawler.frontier.politeness import SitePoliteness

        # last before the download handler: robots.txt, the host guard and the cache come first
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", SitePoliteness, 950)
        settings.set_in_component_priority_dict("EXTENSIONS", FrontierIdleClose, 600)
