"""``render: browser``: the site's pages of the kinds it renders are loaded in Chromium through
scrapy-playwright, acted on as the site file says, and handed to the spider as HTML; every other
request stays plain HTTP.

Fenced: the browser context reaches the network only through :class:`~.proxy.GuardProxy`,
under the crawl's host rules, and never loads images, fonts or media. Bounded: pages are opened
in one browser context with at most ``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT`` at a time and closed
after use (scrapy-playwright), the first load has ``PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT``, the
actions after it ``BULLETIN_RENDER_TIMEOUT`` in all, and the HTML taken ``DOWNLOAD_MAXSIZE``. A
page that fails is retried like a download and then reaches the spider's errback as the download
error it amounts to (``timeout``, ``dns``…), so it is counted and remembered in ``failed_urls``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy_playwright.page import PageMethod

from bulletin_crawler.middlewares.hosts import HostPolicy
from bulletin_crawler.rendering.errors import network_error
from bulletin_crawler.rendering.guard import InPageGuard
from bulletin_crawler.rendering.plan import RenderPlan
from bulletin_crawler.rendering.proxy import REFUSED_HEADER, GuardProxy
from bulletin_crawler.rendering.scripts import (
    KEEP_REPLACED_PAGE,
    LINKS_CHANGED,
    NOTE_PAGE,
    SCROLL_TO_END,
)

if TYPE_CHECKING:
    from typing import Self

    from playwright.async_api import Page, Route
    from playwright.async_api import Request as PageRequest
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

CONTEXT_NAME = "bulletin"
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})
_CHROMIUM_ERRORS = (
    (re.compile(r"ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED"), "dns"),
    (re.compile(r"ERR_CONNECTION_REFUSED"), "refused"),
    (re.compile(r"ERR_(CONNECTION_)?TIMED_OUT"), "timeout"),
    (re.compile(r"net::ERR_"), "lost"),
)


class _WithoutTraceback(logging.Filter):
    """scrapy-playwright logs every failed page with a traceback; the crawl reports the failure
    itself (a retry, then the errback's line with its reason), so one line is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith("Closing page due to failed request"):
            record.exc_info = record.exc_text = None
        return True


_PLAYWRIGHT_LOG_FILTER = _WithoutTraceback()


async def render_actions(page: Page, plan: RenderPlan, timeout: float, settle: float) -> None:
    """The site's actions on a loaded page, within ``timeout`` seconds: wait for
    ``render_wait`` (else give the page's own requests ``settle`` seconds to finish), then click
    ``render_click`` and scroll to the end while each still changes the page's links."""
    async with asyncio.timeout(timeout):
        if plan.wait_for:
            await page.wait_for_selector(plan.wait_for, state="attached", timeout=timeout * 1000)
        else:
            with suppress(PlaywrightTimeoutError):
                await page.wait_for_load_state("networkidle", timeout=settle * 1000)
        for _ in range(plan.clicks):
            control = page.locator(plan.click or "").first
            if not await control.is_visible() or not await _changes_links(
                    page, partial(control.click, timeout=settle * 1000), settle):
                break  # no such control (any more), or it changed nothing: the last page
        for _ in range(plan.scrolls):
            if not await _changes_links(page, partial(page.evaluate, SCROLL_TO_END), settle):
                break


async def _changes_links(page: Page, action: Callable[[], Awaitable[Any]], settle: float) -> bool:
    """Do ``action``; whether the page's links changed within ``settle`` seconds (a page a
    click replaced is kept in the HTML, see :mod:`.scripts`)."""
    await page.evaluate(NOTE_PAGE)
    try:
        await action()
        await page.wait_for_function(LINKS_CHANGED, timeout=settle * 1000)
    except PlaywrightTimeoutError:
        return False
    await page.evaluate(KEEP_REPLACED_PAGE)
    return True


async def skip_resources(page: Page, skipped: Callable[[str], None]) -> None:
    """Abort the page's requests for images, fonts and media: a list of links needs none."""

    async def check(route: Route, request: PageRequest) -> None:
        if request.resource_type in SKIPPED_RESOURCES:
            skipped(request.resource_type)
            await route.abort("blockedbyclient")
        else:
            await route.fallback()

    await page.route("**/*", check)


def context_options(proxy_url: str) -> dict[str, Any]:
    """The browser context of a render: every connection through the guard's proxy, no
    service workers (they would fetch past the page's routes), no downloads."""
    return {"proxy": {"server": proxy_url}, "service_workers": "block",
            "accept_downloads": False}


class BrowserRenderMiddleware:
    """Downloader middleware marking the requests to render for scrapy-playwright (after the
    host guard and robots.txt), and turning a failed render into a retry or a download error.
    It runs the guard's proxy for the crawl."""

    def __init__(self, crawler: Crawler, plan: RenderPlan, timeout: float, settle: float,
                 max_size: int):
        self.crawler = crawler
        self.plan = plan
        self.timeout = timeout
        self.settle = settle
        self.max_size = max_size
        self.proxy: GuardProxy | None = None
        self.context: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        middleware = cls(crawler, RenderPlan.for_crawl(crawler, "browser"),
                         settings.getfloat("BULLETIN_RENDER_TIMEOUT"),
                         settings.getfloat("BULLETIN_RENDER_SETTLE"),
                         settings.getint("DOWNLOAD_MAXSIZE"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        logging.getLogger("scrapy-playwright").addFilter(_PLAYWRIGHT_LOG_FILTER)  # once: a set
        return middleware

    async def spider_opened(self, spider: Spider) -> None:
        policy = HostPolicy.for_spider(
            spider, self.crawler.settings.getlist("BULLETIN_TRUSTED_PRIVATE_HOSTS"))
        if policy is not None:
            self.proxy = GuardProxy(InPageGuard(policy), lambda url, refusal: self.count(
                f"refused/{refusal.removeprefix('refused_')}"))
            self.context = context_options(await self.proxy.start())

    async def spider_closed(self, spider: Spider) -> None:
        if self.proxy is not None:
            await self.proxy.close()

    def count(self, what: str) -> None:
        self.crawler.stats.inc_value(f"bulletin/render/{what}")

    def process_request(self, request: Request) -> None:
        if self.proxy is None or not self.plan.wants(request):
            return
        request.meta.update({
            "playwright": True,
            "playwright_context": CONTEXT_NAME,
            "playwright_context_kwargs": self.context,
            "playwright_page_init_callback": self.prepare_page,
            "playwright_page_methods": [
                PageMethod(render_actions, self.plan, self.timeout, self.settle)],
        })

    async def prepare_page(self, page: Page, request: Request) -> None:
        """scrapy-playwright's page init callback. A page whose resources cannot be skipped is
        closed, never loaded."""
        try:
            await skip_resources(page, lambda kind: self.count("refused/resource"))
        except Exception:
            await page.close()
            raise

    def process_response(self, request: Request, response: Response) -> Response:
        if "playwright" not in response.flags:
            return response
        refusal = response.headers.get(REFUSED_HEADER)
        if refusal:  # the page itself went elsewhere (a redirect): it is lost, and says why
            if response.url != request.url:
                request.meta.setdefault("redirect_urls", [request.url])
            raise IgnoreRequest(f"{refusal.decode('latin-1')}: {response.url}")
        if len(response.body) > self.max_size:
            raise IgnoreRequest(f"rendered page over DOWNLOAD_MAXSIZE ({len(response.body)} "
                                f"bytes): {request.url}")
        self.count("pages")
        return response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if not request.meta.get("playwright"):
            return None
        kind = _download_error_kind(exception)
        if kind is None:
            return None
        self.count(f"errors/{kind}")
        retry = None if request.meta.get("dont_retry") else get_retry_request(
            request, spider=self.crawler.spider, reason=f"render_{kind}")
        if retry is not None:
            return retry
        raise network_error(kind, f"{request.url}: {exception}".splitlines()[0]) from exception


def _download_error_kind(exception: Exception) -> str | None:
    """``dns``, ``refused``, ``timeout`` or ``lost`` for a browser error that a plain download
    would have met too; None for any other error."""
    if isinstance(exception, (PlaywrightTimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(exception, PlaywrightError):
        for pattern, kind in _CHROMIUM_ERRORS:
            if pattern.search(exception.message):
                return kind
    return None
