"""Runs the monitor suite when a crawl ends, before its run record is closed, and puts the
result in the record, the stats and the log.

Ordering: the suite runs on :data:`~bulletin_crawler.extensions.runs.run_closing`, which
:class:`~bulletin_crawler.extensions.runs.RunRecorder` sends and awaits on ``spider_closed``
before it writes the record — Scrapy runs ``spider_closed`` handlers concurrently, so a second
``spider_closed`` handler could not be sure to finish first. Monitor failures go to the stat
``bulletin/monitor_failures``, which makes the run ``failed`` (``bulletin crawl`` exits 1; a
Spidermon suite alone would leave the exit status 0).

The suite is loaded from ``BULLETIN_MONITOR_SUITE`` when the crawl starts; a suite that cannot
be imported does not kill the crawl (as it would as a Spidermon extension): the crawl goes on
and its run fails with the import error as the reason.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from bulletin_crawler.extensions.runs import run_closing
from bulletin_crawler.monitoring import OUTCOME_MONITOR
from bulletin_crawler.monitoring.thresholds import thresholds_for

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)


class NewsMonitors:
    def __init__(self, crawler: Crawler, suite_path: str):
        self.crawler = crawler
        self.suite_class: Any = None
        self.runner_class: Any = None
        self.load_error = ""
        try:
            self.suite_class = load_object(suite_path)
            from bulletin_crawler.monitoring.runner import NewsMonitorRunner

            self.runner_class = NewsMonitorRunner
        except Exception as error:
            self.load_error = f"monitor suite {suite_path} cannot be loaded: {error!r}"
            logger.error(self.load_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("BULLETIN_MONITOR_ENABLED"):
            raise NotConfigured
        extension = cls(crawler, crawler.settings.get("BULLETIN_MONITOR_SUITE"))
        crawler.signals.connect(extension.run_closing, signal=run_closing)
        return extension

    async def run_closing(self, spider: Spider, reason: str, run: dict[str, Any]
                          ) -> dict[str, Any]:
        """Run the suite; returns the ``monitors`` field of the run record."""
        site = getattr(spider, "site", None)
        thresholds = thresholds_for(site.monitors if site else {}, self.crawler.settings)
        if not thresholds["enabled"]:
            return {"monitors": {"enabled": False}}
        stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
        if self.load_error:
            outcome = {"passed": [], "skipped": [],
                       "failed": [{"monitor": "monitor suite", "message": self.load_error}]}
        else:
            outcome = await asyncio.to_thread(self._run_suite, spider, stats, thresholds, run,
                                              site.kind if site else "generic")
        self._report(outcome)
        return {"monitors": outcome}

    def _run_suite(self, spider: Spider, stats: dict[str, Any], thresholds: dict[str, Any],
                   run: dict[str, Any], kind: str) -> dict[str, Any]:
        from bulletin_crawler.monitoring.alerts import configured_alerts

        problems = []
        try:
            alerts = configured_alerts(self.crawler)
        except Exception as error:
            alerts = []
            problems.append({"monitor": "alerts", "message": f"not set up: {error}"})
        try:
            suite = self.suite_class(crawler=self.crawler, monitors_failed_actions=alerts)
            result = self.runner_class(spider).run(suite, stats=stats, crawler=self.crawler,
                                                   spider=spider, thresholds=thresholds,
                                                   kind=kind, run=run)
        except Exception as error:
            return {"passed": [], "skipped": [], "failed": [
                *problems, {"monitor": "monitor suite", "message": f"cannot run: {error!r}"}]}
        outcome = result.outcome()
        outcome["failed"] += problems
        return outcome

    def _report(self, outcome: dict[str, Any]) -> None:
        stats, failed = self.crawler.stats, outcome["failed"]
        stats.set_value("bulletin/monitors/passed", len(outcome["passed"]))
        stats.set_value("bulletin/monitors/failed", len(failed))
        stats.set_value("bulletin/monitor_failures", [
            f"monitor {f['monitor']}: {f['message']}" for f in failed
            if f["monitor"] != OUTCOME_MONITOR])
        if failed:
            logger.warning("monitors: %d of %d failed: %s", len(failed),
                           len(failed) + len(outcome["passed"]),
                           "; ".join(f"{f['monitor']}: {f['message']}" for f in failed))
        else:
            logger.info("monitors: all %d passed (%d not applicable)", len(outcome["passed"]),
                        len(outcome["skipped"]))
