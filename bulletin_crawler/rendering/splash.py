"""``render: splash``: the site's pages of the kinds it renders are rendered by the operator's
Splash through its HTTP API, without scrapy-splash (which no longer imports on Scrapy ≥ 2.16).

The page's request never leaves this middleware: a POST to ``SPLASH_URL/render.html`` (or
``/execute`` with :data:`~.scripts.LUA_SOURCE` when the site file has actions) is downloaded
through the crawler's own downloader (host guard, timeouts, size bound, politeness on the Splash
host), and the HTML comes back as the response *of the page's own URL*: deduplication, URL keys,
incremental checks and the store never see Splash. A render that failed is reported as the
download error it amounts to, so retries and ``failed_urls`` work as for plain pages.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.http import HtmlResponse

from bulletin_crawler.middlewares.hosts import HostPolicy
from bulletin_crawler.rendering.config import splash_url
from bulletin_crawler.rendering.errors import RenderError, network_error
from bulletin_crawler.rendering.plan import RenderPlan
from bulletin_crawler.rendering.scripts import ERROR_HEADER, LUA_SOURCE

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# Splash fetches fonts and media unless told not to (images: ``images=0``).
FORBIDDEN_CONTENT_TYPES = "font/*,application/font-*,application/x-font-*,audio/*,video/*"
# Qt's network error codes (QNetworkReply::NetworkError) as download errors.
_QT_NETWORK_ERRORS = {"1": "refused", "3": "dns", "4": "timeout"}


def splash_call(url: str, plan: RenderPlan, wait: float, timeout: float, settle: float,
                allowed_domains: str) -> tuple[str, dict[str, Any]]:
    """The Splash endpoint and arguments that render ``url`` as the plan says."""
    args: dict[str, Any] = {"url": url, "wait": wait, "timeout": timeout, "images": 0,
                            "allowed_domains": allowed_domains,
                            "forbidden_content_types": FORBIDDEN_CONTENT_TYPES}
    if not plan.has_actions:
        return "render.html", args
    actions = {"render_wait": plan.wait_for, "render_click": plan.click}
    return "execute", {**args, "lua_source": LUA_SOURCE, "settle": settle,
                       **{name: value for name, value in actions.items() if value},
                       "render_clicks": plan.clicks, "render_scroll": plan.scrolls}


def allowed_domains(policy: HostPolicy) -> str:
    """Splash's own request filter for the site: its hosts, and their subdomains."""
    return ",".join(sorted({rule.host.removeprefix("*.") for rule in policy.rules}))


def read_answer(url: str, status: int, body: bytes, render_error: str = "") -> tuple[int, bytes]:
    """The page's status and HTML from Splash's answer (``render_error``: our Lua script's
    error header): the page's own HTTP error status, which Splash reports as a 502, or the
    exception a plain download of ``url`` would have raised."""
    if status == 200:
        return 200, body
    if status == 504:
        raise network_error("timeout", f"{url}: Splash gave up rendering it (504)")
    reason, description = (render_error, "") if render_error else _json_failure(body)
    if status == 502 and reason.startswith("http") and reason[4:].isdigit():
        return int(reason[4:]), b""
    if status == 502 and reason.startswith("network"):
        kind = _QT_NETWORK_ERRORS.get(reason.removeprefix("network"), "lost")
        raise network_error(kind, f"{url}: Splash: {reason}")
    raise RenderError(f"{url}: Splash answered {status}: {description or reason or 'no reason'}")


def _json_failure(body: bytes) -> tuple[str, str]:
    """``(reason, description)`` of ``render.html``'s JSON error: ``http404``, ``network3``…"""
    try:
        error = json.loads(body)
    except ValueError:
        return "", body[:200].decode("utf-8", "replace")
    if not isinstance(error, dict):
        return "", str(error)[:200]
    info, description = error.get("info"), str(error.get("description", ""))
    if isinstance(info, dict) and "type" in info and "code" in info:
        return f"{str(info['type']).lower()}{info['code']}", description
    return "", f"{description} {info or ''}".strip()


class SplashRenderMiddleware:
    """Downloader middleware (after the host guard and robots.txt) answering the requests to
    render with Splash's rendering of them."""

    def __init__(self, crawler: Crawler, plan: RenderPlan, endpoint: str, wait: float,
                 timeout: float, settle: float):
        self.crawler = crawler
        self.plan = plan
        self.endpoint = endpoint.rstrip("/")
        self.wait = wait
        self.timeout = timeout
        self.settle = settle
        self.allowed_domains = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        middleware = cls(crawler, RenderPlan.for_crawl(crawler, "splash"), splash_url(settings),
                         settings.getfloat("BULLETIN_SPLASH_WAIT"),
                         settings.getfloat("BULLETIN_RENDER_TIMEOUT"),
                         settings.getfloat("BULLETIN_RENDER_SETTLE"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        policy = HostPolicy.for_spider(spider)
        if policy is not None:
            self.allowed_domains = allowed_domains(policy)

    def splash_request(self, request: Request) -> Request:
        path, args = splash_call(request.url, self.plan, self.wait, self.timeout, self.settle,
                                 self.allowed_domains)
        return Request(f"{self.endpoint}/{path}", method="POST", body=json.dumps(args),
                       headers={"Content-Type": "application/json"}, dont_filter=True,
                       priority=request.priority,
                       meta={"render_url": request.url,  # the host guard checks this page
                             "download_timeout": self.timeout + 10, "dont_retry": True,
                             "dont_redirect": True, "dont_obey_robotstxt": True})

    async def process_request(self, request: Request) -> Response | None:
        if "render_url" in request.meta or not self.plan.wants(request):
            return None
        answer = await self.crawler.engine.download_async(self.splash_request(request))
        render_error = (answer.headers.get(ERROR_HEADER) or b"").decode("latin-1")
        try:
            status, body = read_answer(request.url, answer.status, answer.body, render_error)
        except Exception:
            self.crawler.stats.inc_value("bulletin/render/errors")
            raise
        self.crawler.stats.inc_value("bulletin/render/pages")
        return HtmlResponse(request.url, status=status, body=body, request=request,
                            headers={"Content-Type": "text/html; charset=utf-8"},
                            flags=["splash"])
