"""The host rules of the crawl, for the connections a rendered page makes by itself.

Scripts, frames, XHR, redirects and workers of a page never pass Scrapy's middlewares; the
browser makes them through :class:`~.proxy.GuardProxy`, which asks this guard: they may go only
to the site's own hosts (the crawl's :class:`~bulletin_crawler.middlewares.hosts.HostPolicy`:
start hosts, ``allowed_hosts``, the ``--origin`` mirror), and never to an internal address the
operator did not write. The name is resolved here and the proxy connects to the address that
was checked; addresses are remembered per host for the crawl, like Scrapy's DNS cache.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bulletin_crawler.middlewares.hosts import HostPolicy


async def resolve_all(host: str) -> list[str]:
    """Every address ``host`` resolves to."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class InPageGuard:
    def __init__(self, policy: HostPolicy,
                 resolve: Callable[[str], Awaitable[list[str]]] = resolve_all):
        self.policy = policy
        self.resolve = resolve
        self._addresses: dict[str, list[str]] = {}

    async def check(self, url: str) -> tuple[str | None, str]:
        """``(refusal, address)``: why ``url`` may not be fetched (``refused_scheme``,
        ``refused_offsite``, ``refused_private``), else None and the address to connect to."""
        refusal = self.policy.refusal(url)
        host = (urlsplit(url).hostname or "").lower()
        if refusal is not None:
            return refusal, ""
        if host in self.policy.trusted:
            return None, host
        if host not in self._addresses:
            try:
                self._addresses[host] = await self.resolve(host)
            except OSError:
                return None, host  # the connection reports the DNS error itself
        addresses = self._addresses[host]
        if any(self.policy.private_refusal(host, address) for address in addresses):
            return "refused_private", ""
        return None, addresses[0]
