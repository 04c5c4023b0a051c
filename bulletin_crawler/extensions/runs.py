"""One record per crawl in the store (``crawl_runs``), written when it starts and closed when it
ends, with a heartbeat in between: a crawl that is killed leaves a record that readers show as
``interrupted``, and the next crawl of the site says it is resuming (portal spiders then page
past known articles, see :mod:`bulletin_crawler.spiders.portal`).

The closing write runs after the item pipelines have flushed (on ``spider_closed``), so the
record carries the final figures, the finish reason, the status (``ok`` or ``failed`` with its
reasons, :mod:`.outcome`) and how many writes wait in the journal for the database. Before it,
:data:`run_closing` is sent and awaited: the monitors (:mod:`bulletin_crawler.monitoring`) run
then, and their results reach the record and its status.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call

from bulletin_crawler.extensions.outcome import failure_reasons
from bulletin_crawler.extensions.progress import summary
from bulletin_crawler.extraction.dates import now_iso
from bulletin_crawler.pipelines.store_client import store_client
from bulletin_crawler.spiders.base import MAX_DAYS
from bulletin_crawler.stores.base import short_error

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

RUNS_LOOKED_AT = 20  # recent crawl records searched for one cut short
RECORDED_ARGS = ("since", "until", "origin", "full", "refresh_from")
logger = logging.getLogger(__name__)
#: Sent and awaited when a crawl ends, before its record is closed (arguments ``spider``,
#: ``reason``, ``run``): a handler may set stats (``bulletin/monitor_failures``) and return a
#: dict of fields for the record.
run_closing = object()


class RunRecorder:
    def __init__(self, crawler: Crawler, heartbeat: float):
        self.crawler = crawler
        self.heartbeat_interval = heartbeat
        self.run: dict[str, Any] = {"run_id": uuid.uuid4().hex, "started_at": now_iso()}
        self.recorded = False
        self.beat: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler, crawler.settings.getfloat("BULLETIN_HEARTBEAT_INTERVAL", 30.0))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    async def spider_opened(self, spider: Spider) -> None:
        client = store_client(self.crawler)
        try:
            recent = await client.call(lambda: list(client.store.iter_runs(RUNS_LOOKED_AT,
                                                                           spider.name)))
        except Exception as error:
            logger.warning("previous crawl records unavailable: %s", short_error(error))
            recent = []
        if recent and recent[0]["status"] == "running":  # alive elsewhere: two crawls of a site
            logger.warning("another crawl of %s is running (started %s on %s, pid %s)",
                           spider.name, recent[0].get("started_at"), recent[0].get("host"),
                           recent[0].get("pid"))
        unfinished = unfinished_runs(recent)
        if unfinished:
            await self._previous_unfinished(spider, unfinished)
        self.run.update(site=spider.name, status="running", heartbeat_at=self.run["started_at"],
                        stale_after=3 * self.heartbeat_interval + 30, host=socket.gethostname(),
                        pid=os.getpid(), args=_args(spider))
        # the scheduler's job id (a Scrapyd job started by hand has only its own `_job`)
        job = self.crawler.settings.get("BULLETIN_JOB") or getattr(spider, "_job", None)
        if job:
            self.run["job"] = job
        try:
            await client.call(client.store.start_run, dict(self.run))
            self.recorded = True
        except Exception as error:
            logger.warning("crawl record not started: %s", short_error(error))
        if self.heartbeat_interval:
            self.beat = create_looping_call(self._heartbeat)
            self.beat.start(self.heartbeat_interval, now=False)

    async def _previous_unfinished(self, spider: Spider, runs: list[dict[str, Any]]) -> None:
        """Crawls did not walk everything — killed (``interrupted``), or closed before the end
        (Ctrl-C's ``shutdown``, a ``closespider_*`` bound, a lost frontier) — and no crawl
        since walked their windows: this one does, from the earliest of their ``since``."""
        previous = runs[0]
        how = ("was interrupted" if previous["status"] == "interrupted"
               else f"stopped early ({previous.get('finish_reason')})")
        logger.warning("resuming: the crawl of %s started %s %s", spider.name,
                       previous.get("started_at"), how)
        since = min((day for day in map(_since, runs) if day is not None), default=None)
        current = getattr(spider, "since", None)
        if (since is not None and isinstance(current, date) and since < current
                and (spider.until - since).days < MAX_DAYS):  # type: ignore[attr-defined]
            logger.warning("resuming from %s, where a crawl cut short began", since)
            spider.since = since  # type: ignore[attr-defined]
        spider.resumed_from = previous  # type: ignore[attr-defined]
        self.run["resumed_from"] = previous.get("run_id")
        self.crawler.stats.set_value("bulletin/resumed", 1)
        if previous["status"] == "interrupted" and previous.get("run_id"):
            client = store_client(self.crawler)
            await client.call(client.store.update_run, previous["run_id"],
                              {"status": "interrupted"})

    def _heartbeat(self) -> None:
        if self.recorded:
            client = store_client(self.crawler)
            client.submit(client.store.update_run, self.run["run_id"],
                          {"heartbeat_at": now_iso(),
                           "figures": summary(self.crawler.stats.get_stats())})

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.beat is not None and self.beat.running:
            self.beat.stop()
        client = store_client(self.crawler)
        stats = self.crawler.stats
        stats.set_value("bulletin/store_waiting", await client.call(client.store.waiting))
        for _handler, fields in await self.crawler.signals.send_catch_log_async(
                signal=run_closing, spider=spider, reason=reason, run=dict(self.run)):
            if isinstance(fields, dict):
                self.run.update(fields)
        values = {**stats.get_stats(), "finish_reason": reason}
        reasons = [*failure_reasons(values), *stats.get_value("bulletin/monitor_failures", [])]
        status = "failed" if reasons else "ok"
        stats.set_value("bulletin/status", status)
        stats.set_value("bulletin/failure_reasons", reasons)
        self.run.update(status=status, reasons=reasons, finished_at=now_iso(),
                        heartbeat_at=now_iso(), finish_reason=reason,
                        figures=summary(values),
                        stats={key: value for key, value in values.items()
                               if isinstance(value, (int, float, str))
                               and not key.startswith("log_")})
        try:
            if self.recorded:
                await client.call(client.store.update_run, self.run["run_id"], self.run)
            else:
                await client.call(client.store.start_run, dict(self.run))
        except Exception as error:
            spider.logger.warning("crawl record not stored: %s", short_error(error))
        await client.close()


def unfinished_runs(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Those of ``runs`` (newest first) that did not walk their window and that no later
    finished run walked again from the same day or earlier — so a crawl cut short is resumed
    even when the runs that followed it covered less, or were cut short too."""
    covered_from: date | None = None  # the earliest ``since`` of the later finished runs
    found = []
    for run in runs:
        if run["status"] == "running":
            continue
        since = _since(run)
        if run.get("finish_reason") == "finished" and run["status"] != "interrupted":
            if since is not None and (covered_from is None or since < covered_from):
                covered_from = since
        elif covered_from is None or since is None or since < covered_from:
            found.append(run)
    return found


def _since(run: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str((run.get("args") or {}).get("since")))
    except ValueError:
        return None


def _args(spider: Spider) -> dict[str, Any]:
    return {name: str(getattr(spider, name)) for name in RECORDED_ARGS
            if getattr(spider, name, None) is not None}
