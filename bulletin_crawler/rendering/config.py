"""The Scrapy settings a rendering site's crawl needs, checked before the crawl starts.

:class:`RenderingSpider` is mixed into the spider class of a site with ``render: browser`` or
``render: splash`` (``spiders/loader.py``); Scrapy calls its ``update_settings`` when the crawler
is made, after the site file's own ``settings:``. A machine that cannot render — no Chromium,
no scrapy-playwright, no ``SPLASH_URL`` — is bad input: one line naming what to install or set.
"""

from __future__ import annotations

import importlib.util
import os
import re
from typing import TYPE_CHECKING, Any, ClassVar

from bulletin_crawler.runner import CrawlInputError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from bulletin_crawler.sites import SiteConfig

PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# After the host guard (50), robots.txt (100) and the retries (550): a render is the download.
MIDDLEWARE_PRIORITY = 950


class RenderingUnavailable(CrawlInputError):
    """This machine cannot render as the site asks; the message says what to install or set."""


class RenderingSpider:
    """Mixin of a rendering site's spider class: its crawl gets the rendering settings."""

    site: ClassVar[SiteConfig]

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)  # type: ignore[misc]
        apply_rendering(cls.site, settings)


def apply_rendering(site: SiteConfig, settings: BaseSettings) -> None:
    """Check and complete ``settings`` for the site's ``render`` mode (at the spider's
    priority: a crawler process re-applies its own project settings over the crawler's)."""
    if site.render == "browser":
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", browser_launch_options(settings), "spider")
        settings.set("DOWNLOAD_HANDLERS", {**settings.getdict("DOWNLOAD_HANDLERS"),
                                           "http": PLAYWRIGHT_HANDLER,
                                           "https": PLAYWRIGHT_HANDLER}, "spider")
        middleware = "bulletin_crawler.rendering.browser.BrowserRenderMiddleware"
    elif site.render == "splash":
        splash_url(settings)
        middleware = "bulletin_crawler.rendering.splash.SplashRenderMiddleware"
    else:
        return
    settings.set("DOWNLOADER_MIDDLEWARES", {**settings.getdict("DOWNLOADER_MIDDLEWARES"),
                                            middleware: MIDDLEWARE_PRIORITY}, "spider")


def browser_launch_options(settings: BaseSettings) -> dict[str, Any]:
    """``PLAYWRIGHT_LAUNCH_OPTIONS`` with ``executable_path`` set to ``BULLETIN_CHROMIUM``
    unless it names one itself — the distribution's Chromium, never a downloaded browser;
    :class:`RenderingUnavailable` unless scrapy-playwright is installed and that Chromium is
    there. (A remote browser, ``PLAYWRIGHT_CDP_URL``, could not reach the guard's proxy on this
    machine's loopback: it is not supported.)"""
    for module, package in (("playwright", "playwright"),
                            ("scrapy_playwright", "scrapy-playwright")):
        if importlib.util.find_spec(module) is None:
            raise RenderingUnavailable(f"render: browser needs {package}: "
                                       "pip install 'bulletin-crawler[browser]'")
    options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    options.setdefault("executable_path", settings.get("BULLETIN_CHROMIUM"))
    path = str(options["executable_path"] or "")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise RenderingUnavailable(f"render: browser needs Chromium at {path or '(no path)'}: "
                                   "not found (apt-get install chromium, or set "
                                   "BULLETIN_CHROMIUM to its path)")
    return options


def splash_url(settings: BaseSettings) -> str:
    """``SPLASH_URL``, or :class:`RenderingUnavailable` when it is unset or not an http(s)
    URL."""
    url = str(settings.get("SPLASH_URL") or "")
    if not re.match(r"^https?://[^/?#]+", url):
        raise RenderingUnavailable(
            "render: splash needs SPLASH_URL, the address of a Splash server (setting or "
            "environment variable BULLETIN_SPLASH_URL), e.g. http://127.0.0.1:8050"
            + (f"; got {url!r}" if url else ""))
    return url.rstrip("/")
