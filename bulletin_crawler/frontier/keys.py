"""Where a site's shared crawl lives in Redis, and the Lua every script of it shares.

One site has at most one current crawl, ``bulletin:frontier:SITE:crawl`` (its id, a lease that
live workers keep renewing), and a note of the last one, ``…:last`` (``state`` running or
finished: a crawl whose workers all died is still ``running`` with no lease — *abandoned*;
``resumes``: what the current crawl resumes, the same answer for all its workers).
A crawl's own keys hang under ``bulletin:frontier:SITE:CRAWL:``:

========== =========================================================================
``queue``  sorted set of serialized requests (score = -priority; LIFO within one)
``seen``   set of request fingerprints (Scrapy's own, 20 bytes each)
``taken:W`` hash of what worker ``W`` popped and has not acknowledged yet
``workers`` sorted set of workers by lease deadline (ms, Redis clock)
``days``   hash of issue day → requests of the day queued or taken
``failed`` set of issue days that had a page fail (never marked complete)
``seq``    counter giving queued requests their LIFO order
========== =========================================================================

Every script runs on the Redis clock (``TIME``), so workers on several machines agree on
leases. Scripts build key names from a prefix, so the frontier needs one Redis, not a Cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "bulletin:frontier"
CRAWL_KEYS = ("queue", "seen", "workers", "days", "failed", "seq")


@dataclass(frozen=True)
class CrawlKeys:
    site: str
    crawl: str = ""

    @property
    def site_base(self) -> str:
        return f"{PREFIX}:{self.site}"

    @property
    def current(self) -> str:
        """The site's current crawl id (a lease)."""
        return f"{self.site_base}:crawl"

    @property
    def last(self) -> str:
        return f"{self.site_base}:last"

    @property
    def base(self) -> str:
        return f"{self.site_base}:{self.crawl}"

    def of(self, name: str) -> str:
        """A key of this crawl: ``queue``, ``seen``, ``days``…"""
        return f"{self.base}:{name}"


# Shared by the scripts; ``base`` is a crawl's key prefix. A taken entry is "score\nmember".
LUA_COMMON = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function requeue(base, worker)
  local taken = base .. ':taken:' .. worker
  local entries = redis.call('HVALS', taken)
  for _, entry in ipairs(entries) do
    local cut = string.find(entry, '\\n', 1, true)
    redis.call('ZADD', base .. ':queue', string.sub(entry, 1, cut - 1), string.sub(entry, cut + 1))
  end
  redis.call('DEL', taken)
  return #entries
end
local function reap(base, now)
  local moved = 0
  for _, worker in ipairs(redis.call('ZRANGEBYSCORE', base .. ':workers', '-inf', now)) do
    moved = moved + requeue(base, worker)
    redis.call('ZREM', base .. ':workers', worker)
  end
  return moved
end
local function drop(base)
  for _, worker in ipairs(redis.call('ZRANGE', base .. ':workers', 0, -1)) do
    redis.call('DEL', base .. ':taken:' .. worker)
  end
  for _, name in ipairs({%s}) do redis.call('DEL', base .. ':' .. name) end
end
""" % ", ".join(f"'{name}'" for name in CRAWL_KEYS)
