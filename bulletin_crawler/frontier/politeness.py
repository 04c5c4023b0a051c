"""Politeness that holds across workers: a site's concurrency (``CONCURRENT_REQUESTS_PER_DOMAIN``)
and delay (``DOWNLOAD_DELAY``) are limits for the *server*, not per worker — district servers are
small, and four workers must not hit one four times as hard.

Before a request goes to the downloader it takes a lease in Redis for its host (``host:port``):
granted only while fewer than the limit are out and the delay has passed since the last one
began, both on the Redis clock; it is given back when the response (or the error) returns.
Leases last one ``BULLETIN_FRONTIER_LEASE`` and the worker renews the ones it holds every third
of it, so the slots of a worker that died come free as soon as it counts as dead. Waiting
requests of one worker queue behind each other and only the first polls Redis.

A 429 or 503 with ``Retry-After`` holds every worker back from the site for that long (bounded
by ``BULLETIN_RETRY_AFTER_MAX``), not only the one that read it. Each worker's own downloader
still applies its own delay and AutoThrottle on top, which can only make it gentler. A request
that waits longer than ``BULLETIN_FRONTIER_POLITENESS_WAIT`` fails (``ignored``: remembered and
retried by the next run) rather than break the limit.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.connection import get_redis_from_settings

from bulletin_crawler.middlewares.retry import HONOURED as RETRY_AFTER_STATUSES
from bulletin_crawler.middlewares.retry import retry_after_seconds

if TYPE_CHECKING:
    import redis
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector
    from typing_extensions import Self

PREFIX = "bulletin:polite"
LEASE_META = "bulletin_politeness_lease"
POLL = 0.02  # seconds between tries while the site's slots are all out

# KEYS: leases (sorted set id → deadline), last (start of the last request), not before (a
# Retry-After); ARGV: limit, delay ms, lease ms, lease id. Answers 0 (granted), ms to wait, or
# -1 (every slot is out).
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local after = tonumber(redis.call('GET', KEYS[3]) or '0')
if now < after then return after - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return -1 end
local delay = tonumber(ARGV[2])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < last + delay then return last + delay - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if delay > 0 then redis.call('SET', KEYS[2], now, 'PX', delay) end
return 0
"""

# KEYS: not before; ARGV: ms the site asked every worker to wait.
HOLD_BACK = """
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
if until_ms > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_ms, 'PX', ARGV[1])
end
return 0
"""

# KEYS: leases; ARGV: lease ms, then the ids this worker still holds.
RENEW = """
local t = redis.call('TIME')
local deadline = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', deadline, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 0
"""


class SitePoliteness:
    """Downloader middleware: one Redis lease per request in flight to a host."""

    def __init__(self, server: redis.Redis, stats: StatsCollector, limit: int, delay: float,
                 lease: float, max_wait: float, retry_after_max: float = 60.0):
        self.server = server
        self.stats = stats
        self.limit = max(1, limit)
        self.delay_ms = int(delay * 1000)
        self.lease_ms = int(lease * 1000)
        self.max_wait = max_wait
        self.retry_after_max = retry_after_max
        self.held: dict[str, str] = {}  # lease id → host
        self._acquire = server.register_script(ACQUIRE)
        self._hold_back = server.register_script(HOLD_BACK)
        self._renew = server.register_script(RENEW)
        self._turns: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._renewal: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.get("BULLETIN_FRONTIER"):
            raise NotConfigured
        middleware = cls(get_redis_from_settings(settings), crawler.stats,
                         settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
                         settings.getfloat("DOWNLOAD_DELAY"),
                         settings.getfloat("BULLETIN_FRONTIER_LEASE", 30.0),
                         settings.getfloat("BULLETIN_FRONTIER_POLITENESS_WAIT", 300.0),
                         settings.getfloat("BULLETIN_RETRY_AFTER_MAX", 60.0))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        self._renewal = create_looping_call(self.renew)
        self._renewal.start(self.lease_ms / 3000, now=False)

    def spider_closed(self) -> None:
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()
        for lease, host in self.held.items():  # requests the closing engine dropped
            self.server.zrem(_key(host, "leases"), lease)
        self.held.clear()

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).netloc.lower()
        lease = uuid.uuid4().hex
        keys = [_key(host, "leases"), _key(host, "last"), _key(host, "not_before")]
        started = time.monotonic()
        async with self._turns[host]:  # this worker's waiting requests poll one at a time
            while (wait := self._acquire(keys=keys, args=[self.limit, self.delay_ms,
                                                          self.lease_ms, lease])) != 0:
                if time.monotonic() - started > self.max_wait:
                    self.stats.inc_value("bulletin/frontier/politeness/gave_up")
                    raise IgnoreRequest(f"politeness: no slot for {host} within "
                                        f"{self.max_wait:.0f} s")
                await asyncio.sleep(POLL if wait < 0 else wait / 1000)
            self.held[lease] = host
        waited = time.monotonic() - started
        if waited > POLL:
            self.stats.inc_value("bulletin/frontier/politeness/waits")
            self.stats.inc_value("bulletin/frontier/politeness/wait_seconds", round(waited, 3))
        request.meta[LEASE_META] = lease

    def process_response(self, request: Request, response: Response) -> Response:
        host = self._release(request)
        header = response.headers.get("Retry-After")
        if host and response.status in RETRY_AFTER_STATUSES and header:
            seconds = retry_after_seconds(header.decode("latin-1"))
            if seconds:
                self._hold_back(keys=[_key(host, "not_before")],
                                args=[int(min(seconds, self.retry_after_max) * 1000)])
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> str | None:
        """Give back the request's lease; returns its host (None: it held none)."""
        lease = request.meta.pop(LEASE_META, None)  # a copy (redirect, retry) takes its own
        host = self.held.pop(lease, None)
        if host is not None:
            self.server.zrem(_key(host, "leases"), lease)
        return host

    def renew(self) -> None:
        """Keep the leases of requests still in flight from lapsing."""
        by_host: defaultdict[str, list[str]] = defaultdict(list)
        for lease, host in self.held.items():
            by_host[host].append(lease)
        for host, leases in by_host.items():
            self._renew(keys=[_key(host, "leases")], args=[self.lease_ms, *leases])


def _key(host: str, name: str) -> str:
    return f"{PREFIX}:{host}:{name}"
