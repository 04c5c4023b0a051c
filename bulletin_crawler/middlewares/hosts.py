"""Fetch only what a site owns.

Every request — links and redirects alike — must be ``http``/``https`` on one of the site's own
hosts (the host:port of its start URLs, the site file's ``allowed_hosts``) or the ``--origin``
mirror. A host that resolves to a loopback, private, link-local, multicast or reserved address
is refused too, unless the operator wrote that address itself (a start URL, mirror or allowed
host given as an IP literal or ``localhost``) or listed the name in
``BULLETIN_TRUSTED_PRIVATE_HOSTS``. The address is checked after DNS resolution through
Scrapy's own caching resolver, so the connection uses the very address that was checked.
Refusals are counted (``bulletin/refused/offsite``, ``/private``, ``/scheme``).

A request to the configured Splash endpoint (``SPLASH_URL``) that renders a page — it names that
page in ``meta["render_url"]`` — is checked as that page: the endpoint is the operator's, the
page must still be the site's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

from bulletin_crawler.urls import origin_of

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self

DEFAULT_PORTS = (80, 443)


@dataclass(frozen=True)
class HostRule:
    """A host, with a port (``None``: the default ports) and ``*.`` wildcards allowed."""

    host: str
    port: int | None

    @classmethod
    def parse(cls, text: str) -> HostRule:
        """From a URL (``http://host:port/…``) or a bare ``host[:port]``."""
        parts = urlsplit(text.strip() if "://" in text else "//" + text.strip())
        port = parts.port
        return cls((parts.hostname or "").lower(), None if port in DEFAULT_PORTS else port)

    def matches(self, host: str, port: int | None) -> bool:
        port = None if port in DEFAULT_PORTS else port
        if port != self.port:
            return False
        if self.host.startswith("*."):
            return host == self.host[2:] or host.endswith(self.host[1:])
        return host == self.host


def is_literal_or_localhost(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified)


class HostPolicy:
    def __init__(self, rules: Iterable[HostRule], trusted: Iterable[str] = ()):
        self.rules = tuple(rules)
        # Private addresses the operator named: IP literals and localhost among the site's own
        # hosts, and the names listed in BULLETIN_TRUSTED_PRIVATE_HOSTS.
        self.trusted = frozenset(
            {rule.host for rule in self.rules if is_literal_or_localhost(rule.host)}
            | {host.lower() for host in trusted})

    @classmethod
    def for_urls(cls, urls: Iterable[str], allowed_hosts: Iterable[str] = (),
                 trusted: Iterable[str] = ()) -> HostPolicy:
        rules = [HostRule.parse(url) for url in urls] + [HostRule.parse(h) for h in allowed_hosts]
        return cls(rules, trusted)

    @classmethod
    def for_spider(cls, spider: Spider, trusted: Iterable[str] = ()) -> HostPolicy | None:
        """The policy of a site spider (its start hosts, ``allowed_hosts`` and the ``--origin``
        mirror); None for a spider without a site."""
        site = getattr(spider, "site", None)
        if site is None:
            return None
        urls = [origin_of(url) for url in site.start_urls]
        origin = getattr(spider, "fetch_origin", None)
        return cls.for_urls([*urls, *([origin] if origin else [])], site.allowed_hosts, trusted)

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be fetched without looking it up: ``refused_scheme`` or
        ``refused_offsite``; None when its host is one of the site's."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return "refused_offsite"
        if parts.scheme not in ("http", "https"):
            return "refused_scheme"
        host = (parts.hostname or "").lower()
        port = port or (443 if parts.scheme == "https" else 80)
        if not any(rule.matches(host, port) for rule in self.rules):
            return "refused_offsite"
        return None

    def private_refusal(self, host: str, address: str) -> str | None:
        if host.lower() in self.trusted or is_public(address):
            return None
        return "refused_private"


class HostGuardMiddleware:
    """Downloader middleware (before robots.txt is asked) enforcing the site's
    :class:`HostPolicy`; spiders without a site pass through."""

    def __init__(self, stats: StatsCollector,
                 resolve: Callable[[str], Awaitable[str]] | None = None,
                 trusted: Iterable[str] = (), render_endpoint: str | None = None):
        self.stats = stats
        self.resolve = resolve or _resolve_with_scrapy
        self.trusted = tuple(trusted)
        self.render_endpoint = urlsplit(render_endpoint.rstrip("/")) if render_endpoint else None
        self.policy: HostPolicy | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        guard = cls(crawler.stats,
                    trusted=crawler.settings.getlist("BULLETIN_TRUSTED_PRIVATE_HOSTS"),
                    render_endpoint=crawler.settings.get("SPLASH_URL") or None)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        return guard

    def spider_opened(self, spider: Spider) -> None:
        self.policy = HostPolicy.for_spider(spider, self.trusted)

    def page_url(self, request: Request) -> str:
        """The page a request fetches: itself, or the page a render request to the configured
        endpoint renders."""
        rendered, endpoint = request.meta.get("render_url"), self.render_endpoint
        if rendered and endpoint is not None:
            parts = urlsplit(request.url)
            if ((parts.scheme, parts.netloc) == (endpoint.scheme, endpoint.netloc)
                    and parts.path.startswith(endpoint.path + "/")):
                return str(rendered)
        return request.url

    async def process_request(self, request: Request) -> None:
        if self.policy is None:
            return
        url = self.page_url(request)
        refusal = self.policy.refusal(url)
        host = (urlsplit(url).hostname or "").lower()
        if refusal is None and host not in self.policy.trusted:
            try:
                address = await self.resolve(host)
            except Exception:
                return
            refusal = self.policy.private_refusal(host, address)
        if refusal is not None:
            self.stats.inc_value(f"bulletin/refused/{refusal.removeprefix('refused_')}")
            raise IgnoreRequest(f"{refusal}: {url}")


async def _resolve_with_scrapy(host: str) -> str:
    """The address Scrapy will connect to: its installed caching resolver fills the DNS cache
    the connection reads."""
    from twisted.internet import reactor

    return str(await maybe_deferred_to_future(reactor.resolve(host)))  # type: ignore[attr-defined]
