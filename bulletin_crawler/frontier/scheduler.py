"""scrapy-redis's scheduler over the site's shared crawl (:mod:`.crawl`, :mod:`.queue`).

A request this worker takes is acknowledged only once its work is durable: every second
(``BULLETIN_FRONTIER_ACK_INTERVAL``) the requests the engine has finished with are collected, the
store is flushed (articles, failed pages and day marks alike; a database that is down sends
them to its fsynced journal), and then they leave the taken list and their days are counted
down. A worker killed at any moment therefore leaves every request whose work is not in the
store in its taken list, and another worker fetches it again.

Redis trouble is never papered over: when the frontier cannot be reached, or this worker's crawl
is no longer current, the worker stops acknowledging and closes (``frontier_lost``); what it
held goes back to the queue when its lease lapses.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import socket
import uuid
from typing import TYPE_CHECKING, Any

from redis import RedisError
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.scheduler import Scheduler

from bulletin_crawler.frontier.crawl import UNDECIDED, FrontierLost, Joined, SharedCrawl
from bulletin_crawler.frontier.days import day_of, days_completed
from bulletin_crawler.frontier.dupefilter import FrontierDupeFilter
from bulletin_crawler.frontier.engine import EngineWaker, in_progress
from bulletin_crawler.frontier.queue import FrontierQueue
from bulletin_crawler.pipelines.store_client import store_client

if TYPE_CHECKING:
    import redis
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred
    from typing_extensions import Self

logger = logging.getLogger(__name__)
POLL = 0.5  # seconds between looks at an empty shared queue
LOST_REASON = "frontier_lost"  # the finish reason of a worker whose frontier failed
DECISION_POLLS = 20  # looks (every POLL) for the first worker's answer whether the crawl resumes
FRONTIER_ERRORS = (RedisError, FrontierLost)


class FrontierScheduler(Scheduler):
    def __init__(self, server: redis.Redis, crawler: Crawler, lease: float = 30.0,
                 ack_interval: float = 1.0):
        super().__init__(server, persist=True)
        self.crawler = crawler
        self.stats = crawler.stats
        self.lease = lease
        self.ack_interval = ack_interval
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.handed: dict[Request, tuple[str, str]] = {}  # taken request → (token, day)
        self.tokens = (str(n) for n in itertools.count(1))
        self.broken = False
        self.acking: Deferred[None] | None = None
        self.loops: list[Any] = []
        self.waker = EngineWaker(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(get_redis_from_settings(settings), crawler,
                   settings.getfloat("BULLETIN_FRONTIER_LEASE", 30.0),
                   settings.getfloat("BULLETIN_FRONTIER_ACK_INTERVAL", 1.0))

    def open(self, spider: Spider) -> Deferred[None]:
        return deferred_from_coro(self._open(spider))

    async def _open(self, spider: Spider) -> None:
        self.spider = spider
        self.crawl = SharedCrawl(self.server, spider.name, self.worker, self.lease)
        joined = self.crawl.join()
        logger.info("frontier: worker %s joined crawl %s of %s", self.worker, joined.crawl,
                    spider.name)
        resumes = await self._resumes(spider, joined)
        if resumes:
            logger.warning("resuming: the frontier crawl of %s before this one stopped before it "
                           "was done (%s); its unfinished work is re-derived from the store",
                           spider.name, resumes)
            if not getattr(spider, "resumed_from", None):
                spider.resumed_from = {"frontier_crawl": resumes}  # type: ignore[attr-defined]
            self.stats.set_value("bulletin/frontier/resumed", 1)
        self.queue = FrontierQueue(self.server, spider, self.crawl.keys, self.worker)
        self.df = FrontierDupeFilter(self.server, self.crawl.keys.of("seen"),
                                     self.crawler.request_fingerprinter,
                                     self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        for function, interval in ((self._heartbeat, self.lease / 3),
                                   (self.ack_soon, self.ack_interval)):
            loop = create_looping_call(function)
            loop.start(interval, now=False)
            self.loops.append(loop)

    async def _resumes(self, spider: Spider, joined: Joined) -> str:
        """What the crawl resumes, the same answer for every worker (see :mod:`.crawl`)."""
        if joined.first:
            resumes = await self._lost_frontier(spider)
            self.crawl.decide_resumes(resumes)
            return resumes
        resumes = joined.resumes
        for _ in range(DECISION_POLLS):  # the first worker is asking the store
            if resumes != UNDECIDED:
                break
            await asyncio.sleep(POLL)
            resumes = self.crawl.resumes()
        # the first worker did not answer: resume, which never loses anything
        return "an undecided crawl" if resumes == UNDECIDED else resumes

    async def _lost_frontier(self, spider: Spider) -> str:
        """The run id of the site's last crawl when it stopped because its frontier was lost
        (a Redis that came back empty remembers no crawl), else ""."""
        client = store_client(self.crawler)
        try:
            last = await client.call(client.store.last_run, spider.name)
        except Exception as error:
            logger.warning("frontier: previous crawl records unavailable: %s", error)
            return ""
        if last and last.get("finish_reason") == LOST_REASON:
            return str(last.get("run_id") or "a run")
        return ""

    # --- the queue ------------------------------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        if self.broken:
            return False  # its parent is never acknowledged, so it is made again later
        fingerprint = b"" if request.dont_filter else self.df.request_fingerprint(request)
        try:
            queued = self.queue.add(request, fingerprint, day_of(request))
        except FRONTIER_ERRORS as error:
            self._break(error)
            return False
        if not queued:
            self.df.log(request, self.spider)
            self.stats.inc_value("bulletin/frontier/duplicates")
            return False
        self.stats.inc_value("bulletin/frontier/enqueued")
        return True

    def next_request(self) -> Request | None:
        if self.broken:
            return None
        token = next(self.tokens)
        try:
            request = self.queue.take(token)
        except FRONTIER_ERRORS as error:
            self._break(error)
            return None
        if request is None:
            self.waker.after(POLL)  # other workers may fill the queue meanwhile
            return None
        self.handed[request] = (token, day_of(request))
        self.stats.inc_value("bulletin/frontier/taken")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return not self.broken and len(self.queue) > 0
        except RedisError as error:
            self._break(error)
            return False

    def fail_day(self, day: str) -> None:
        if not self.broken:
            try:
                self.crawl.fail_day(day)
            except FRONTIER_ERRORS as error:
                self._break(error)

    def outstanding(self) -> int | None:
        """Requests queued or taken anywhere in the crawl; None when the frontier failed."""
        if self.broken:
            return None
        try:
            return self.crawl.outstanding()
        except FRONTIER_ERRORS as error:
            self._break(error)
            return None

    # --- acknowledgements -----------------------------------------------------------------------
    def ack_soon(self) -> None:
        """Acknowledge what the engine finished with, unless that is under way already."""
        if self.acking is None and not self.broken:
            self.acking = deferred_from_coro(self._ack())

    async def _ack(self) -> None:
        try:
            held = in_progress(self.crawler)
            finished = [request for request in self.handed if request not in held]
            if not finished or not await self._flush_store():
                return
            done = [self.handed.pop(request) for request in finished]
            try:
                complete = self.queue.ack(done)
            except FRONTIER_ERRORS as error:
                self._break(error)
                return
            self.stats.inc_value("bulletin/frontier/acked", len(done))
            if complete:  # their marks are queued now; written at once, not a batch later
                await self.crawler.signals.send_catch_log_async(days_completed, days=complete)
                await self._flush_store()
        finally:
            self.acking = None

    async def _flush_store(self) -> bool:
        """Write the store's buffer; False (acknowledge later) when that failed."""
        client = store_client(self.crawler)
        try:
            await client.call(client.store.flush)
        except Exception as error:
            logger.warning("frontier: store flush failed, acknowledging later: %s", error)
            return False
        return True

    # --- the crawl ------------------------------------------------------------------------------
    def _heartbeat(self) -> None:
        if self.broken:
            return
        try:
            requeued = self.crawl.heartbeat()
        except FRONTIER_ERRORS as error:
            self._break(error)
            return
        if requeued:
            self.stats.inc_value("bulletin/frontier/requeued", requeued)
            logger.warning("frontier: %d requests of workers that stopped answering went back "
                           "to the queue", requeued)

    def _break(self, error: BaseException) -> None:
        if self.broken:
            return
        self.broken = True
        logger.error("frontier failed, closing this worker (what it holds goes back to the "
                     "queue when its lease lapses): %s", error)
        self.stats.set_value("bulletin/frontier/error", str(error)[:200])
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=LOST_REASON))

    def close(self, reason: str) -> Deferred[None]:
        return deferred_from_coro(self._close())

    async def _close(self) -> None:
        self.waker.cancel()
        for loop in self.loops:
            if loop.running:
                loop.stop()
        if self.broken:
            return
        if self.acking is not None:
            await maybe_deferred_to_future(self.acking)
        await self._ack()
        try:
            state = self.crawl.leave()
        except RedisError as error:
            logger.error("frontier: could not leave the crawl: %s", error)
            return
        logger.info("frontier: worker %s left crawl %s (%s)", self.worker, self.crawl.keys.crawl,
                    state)
        self.stats.set_value("bulletin/frontier/crawl", state)


def frontier_scheduler(crawler: Crawler) -> FrontierScheduler:
    scheduler = crawler.engine.scheduler if crawler.engine else None
    if not isinstance(scheduler, FrontierScheduler):
        raise RuntimeError("this crawl runs without a frontier (BULLETIN_FRONTIER)")
    return scheduler
