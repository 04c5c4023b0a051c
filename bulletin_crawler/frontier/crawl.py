"""A worker's membership in its site's shared crawl: joining it (or starting one), the lease that
says the worker lives, taking back the requests of workers that died, and leaving.

A worker renews its lease every third of ``BULLETIN_FRONTIER_LEASE``. One whose lease lapsed
(killed, frozen, cut off) is *reaped* by the next heartbeat of any worker: the requests it had
taken go back to the queue, so a dead worker loses nothing while another lives. When the last
worker leaves with the frontier empty, the crawl is finished and its keys are dropped (the
seen-set lives exactly as long as its crawl).

When every worker dies, the crawl is *abandoned*: a worker that starts within a lease joins it
and carries on; after that, the next worker starts a new crawl and drops the old one's keys, and
the new crawl *resumes*: its spiders re-derive the unfinished work from the store — e-paper days
not marked complete, failed pages, portals paging past known articles — as after a single crawl
killed with ``kill -9``. The decision belongs to the crawl, not to one worker (any worker may
process a portal's list page), so it is kept with the site's note (``…:last``, field
``resumes``) and every worker that joins reads it. A Redis that lost its data knows no crawl of
the site at all: the first worker asks the store how the site's last crawl ended and records the
answer (``?`` until then; the others wait for it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bulletin_crawler.frontier.keys import CRAWL_KEYS, LUA_COMMON, CrawlKeys

if TYPE_CHECKING:
    import redis
    from redis.commands.core import Script

LOST = -1  # what a script answers when its crawl is no longer the site's current one

JOIN = LUA_COMMON + """
local crawl = redis.call('GET', KEYS[1])
local first = ''
if not crawl then
  local last = redis.call('HMGET', KEYS[2], 'crawl', 'state')
  local resumes = ''
  if last[1] and last[2] == 'running' then
    resumes = last[1]
    drop(ARGV[2] .. ':' .. last[1])
  elseif not last[1] then
    resumes, first = '?', '1'
  end
  crawl = ARGV[1]
  redis.call('HSET', KEYS[2], 'crawl', crawl, 'state', 'running', 'resumes', resumes)
end
redis.call('SET', KEYS[1], crawl, 'PX', ARGV[4])
redis.call('ZADD', ARGV[2] .. ':' .. crawl .. ':workers', now_ms() + tonumber(ARGV[4]), ARGV[3])
return {crawl, redis.call('HGET', KEYS[2], 'resumes') or '', first}
"""

HEARTBEAT = LUA_COMMON + """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local base, lease, keep = ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5])
local now = now_ms()
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('ZADD', base .. ':workers', now + lease, ARGV[3])
local moved = reap(base, now)
for _, name in ipairs({%s}) do redis.call('PEXPIRE', base .. ':' .. name, keep) end
for _, worker in ipairs(redis.call('ZRANGE', base .. ':workers', 0, -1)) do
  redis.call('PEXPIRE', base .. ':taken:' .. worker, keep)
end
return moved
""" % ", ".join(f"'{name}'" for name in CRAWL_KEYS)

OUTSTANDING = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local count = redis.call('ZCARD', ARGV[2] .. ':queue')
for _, worker in ipairs(redis.call('ZRANGE', ARGV[2] .. ':workers', 0, -1)) do
  count = count + redis.call('HLEN', ARGV[2] .. ':taken:' .. worker)
end
return count
"""

LEAVE = LUA_COMMON + """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'gone' end
local base = ARGV[2]
requeue(base, ARGV[3])
redis.call('ZREM', base .. ':workers', ARGV[3])
reap(base, now_ms())
if redis.call('ZCARD', base .. ':workers') > 0 or redis.call('ZCARD', base .. ':queue') > 0 then
  return 'left'
end
drop(base)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 'state', 'finished')
return 'finished'
"""

FAIL_DAY = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
return redis.call('SADD', ARGV[2] .. ':failed', ARGV[3])
"""


class FrontierLost(Exception):
    """This worker's crawl is no longer the site's current one (it was silent past its lease and
    a new crawl began): the worker stops; the new crawl re-derives the work from the store."""


UNDECIDED = "?"  # ``resumes`` while the first worker asks the store


@dataclass(frozen=True)
class Joined:
    crawl: str
    resumes: str  # what this crawl resumes (an abandoned crawl, a run), "" or UNDECIDED
    first: bool  # this Redis knew no crawl of the site: this worker decides ``resumes``


class SharedCrawl:
    def __init__(self, server: redis.Redis, site: str, worker: str, lease: float):
        self.server = server
        self.worker = worker
        self.lease_ms = max(1, int(lease * 1000))
        self.keys = CrawlKeys(site)
        self._scripts = {name: server.register_script(source) for name, source in (
            ("join", JOIN), ("heartbeat", HEARTBEAT), ("outstanding", OUTSTANDING),
            ("leave", LEAVE), ("fail_day", FAIL_DAY))}

    def join(self) -> Joined:
        """Join the site's current crawl, or start one."""
        crawl, resumes, first = self._scripts["join"](
            keys=[self.keys.current, self.keys.last],
            args=[uuid.uuid4().hex[:12], self.keys.site_base, self.worker, self.lease_ms])
        self.keys = CrawlKeys(self.keys.site, crawl.decode())
        return Joined(self.keys.crawl, resumes.decode(), bool(first))

    def resumes(self) -> str:
        """What this crawl resumes, as decided for every worker ("" for nothing)."""
        return (self.server.hget(self.keys.last, "resumes") or b"").decode()

    def decide_resumes(self, resumed: str) -> None:
        self.server.hset(self.keys.last, "resumes", resumed)

    def heartbeat(self) -> int:
        """Renew this worker's lease and reap dead workers; returns how many requests went back
        to the queue. The crawl's keys expire two leases after the last heartbeat."""
        return self._checked("heartbeat", self.worker, self.lease_ms, 2 * self.lease_ms)

    def outstanding(self) -> int:
        """Requests queued or taken by any worker: 0 when the frontier is empty."""
        return self._checked("outstanding")

    def fail_day(self, day: str) -> None:
        """A page of ``day`` failed: the day is never marked complete in this crawl."""
        self._checked("fail_day", day)

    def leave(self) -> str:
        """Give back what this worker still holds and leave: ``finished`` when it was the last
        worker and the frontier is empty (the crawl's keys are dropped), else ``left``."""
        return self._scripts["leave"](keys=[self.keys.current, self.keys.last],
                                      args=[self.keys.crawl, self.keys.base,
                                            self.worker]).decode()

    def _checked(self, script: str, *args: object) -> int:
        return int(run_in_crawl(self._scripts[script], self.keys, *args))


def run_in_crawl(script: Script, keys: CrawlKeys, *args: object) -> Any:
    """Run a script on crawl ``keys`` (its first arguments: the crawl id and key prefix);
    raises :class:`FrontierLost` when the crawl is no longer the site's current one."""
    result = script(keys=[keys.current], args=[keys.crawl, keys.base, *args])
    if result == LOST:
        raise FrontierLost(f"crawl {keys.crawl} of {keys.site} is no longer current")
    return result
