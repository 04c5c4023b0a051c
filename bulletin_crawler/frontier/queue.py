"""scrapy-redis's request queue, made reliable and exact for a shared crawl.

- :meth:`FrontierQueue.add` checks the seen-set, pushes the request and counts it for its issue
  day in one atomic step: a request is either queued and counted or dropped as a duplicate, so
  two workers finding the same link fetch it once, and a worker killed between the two steps
  cannot leave a fingerprint whose request was never queued.
- :meth:`FrontierQueue.take` pops the next request into the worker's *taken* list, where it stays
  until :meth:`FrontierQueue.ack` — after its work is durable in the store — so a worker that
  dies loses nothing (:mod:`.crawl` puts its taken requests back).
- :meth:`FrontierQueue.ack` counts the request's day down; the days that reach zero with no page
  failed are returned as complete, in the same atomic step.

Order: priority first (scrapy-redis's score, ``-priority``), then last in first out, like
Scrapy's default memory queue, so an e-paper day's articles follow its layout page and days
complete one after another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy_redis.queue import Base

from bulletin_crawler.frontier.crawl import run_in_crawl

if TYPE_CHECKING:
    import redis
    from redis.commands.core import Script
    from scrapy import Request, Spider

    from bulletin_crawler.frontier.keys import CrawlKeys

ORDER_WIDTH = 16  # hex digits of the LIFO prefix of every queued member

ADD = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local base = ARGV[2]
if ARGV[3] ~= '' and redis.call('SADD', base .. ':seen', ARGV[3]) == 0 then return 0 end
local order = 9007199254740991 - redis.call('INCR', base .. ':seq')
redis.call('ZADD', base .. ':queue', ARGV[4], string.format('%016x', order) .. ARGV[5])
if ARGV[6] ~= '' then redis.call('HINCRBY', base .. ':days', ARGV[6], 1) end
return 1
"""

TAKE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local popped = redis.call('ZPOPMIN', ARGV[2] .. ':queue')
if #popped == 0 then return false end
redis.call('HSET', ARGV[2] .. ':taken:' .. ARGV[3], ARGV[4], popped[2] .. '\\n' .. popped[1])
return popped[1]
"""

ACK = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local base = ARGV[2]
local taken, complete = base .. ':taken:' .. ARGV[3], {}
for i = 4, #ARGV, 2 do
  local day = ARGV[i + 1]
  if redis.call('HDEL', taken, ARGV[i]) == 1 and day ~= '' then
    if redis.call('HINCRBY', base .. ':days', day, -1) <= 0 then
      redis.call('HDEL', base .. ':days', day)
      if redis.call('SISMEMBER', base .. ':failed', day) == 0 then table.insert(complete, day) end
    end
  end
end
return complete
"""


class FrontierQueue(Base):
    """The queue of one shared crawl (``keys``); ``worker`` names this process's taken list."""

    def __init__(self, server: redis.Redis, spider: Spider, keys: CrawlKeys, worker: str):
        super().__init__(server, spider, keys.of("queue"))
        self.keys = keys
        self.worker = worker
        self._add = server.register_script(ADD)
        self._take = server.register_script(TAKE)
        self._ack = server.register_script(ACK)

    def __len__(self) -> int:
        return int(self.server.zcard(self.key))

    def add(self, request: Request, fingerprint: bytes, day: str) -> bool:
        """Queue ``request`` unless its ``fingerprint`` was seen in this crawl (an empty one:
        never filtered, ``dont_filter``); count it for ``day`` (an ISO date, or "")."""
        added = self._run(self._add, fingerprint, -request.priority,
                          self._encode_request(request), day)
        return bool(added)

    def take(self, token: str) -> Request | None:
        """The next request, now in this worker's taken list under ``token``; None when the
        queue is empty."""
        member = self._run(self._take, self.worker, token)
        return None if member is None else self._decode_request(member[ORDER_WIDTH:])

    def ack(self, done: list[tuple[str, str]]) -> list[str]:
        """Acknowledge taken requests ``(token, day)`` whose work is durable; returns the days
        this completed. A token already reaped (this worker was silent past its lease) changes
        nothing: its request went back to the queue and counts there."""
        if not done:
            return []
        args = [part for token, day in done for part in (token, day)]
        return [day.decode() for day in self._run(self._ack, self.worker, *args)]

    def _run(self, script: Script, *args: object) -> Any:
        return run_in_crawl(script, self.keys, *args)
