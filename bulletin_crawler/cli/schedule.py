"""``bulletin schedule``: start each site's crawl when its cron slot comes, one run of a site at
a time (a lease in the store), locally or on Scrapyd nodes; ``--once`` runs what is due now and
exits (cron, a systemd timer). SIGTERM or Ctrl-C stops it cleanly: running local crawls are
stopped gracefully and record their runs (a second signal kills them at once).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from bulletin_crawler.cli.crawl import common_options
from bulletin_crawler.runner import (
    EXIT_BAD_INPUT,
    CrawlInputError,
    parse_settings,
    project_settings,
)

logger = logging.getLogger("bulletin_crawler.schedule")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("schedule", help="run crawls on their schedules (cron, "
                                                  "Asia/Shanghai), locally or on Scrapyd")
    parser.add_argument("keys", nargs="*", metavar="KEY",
                        help="sites to schedule (default: BULLETIN_SCHEDULE_SITES, else all)")
    parser.add_argument("--once", action="store_true",
                        help="run the crawls due now, wait for them and exit (for cron or a "
                             "systemd timer); exit 1 when one failed")
    parser.add_argument("--executor", choices=("local", "scrapyd"),
                        help="where crawls run (default BULLETIN_SCHEDULE_EXECUTOR: local)")
    parser.add_argument("--scrapyd", action="append", metavar="NODE",
                        help="a Scrapyd node: a scrapy.cfg deploy target or a URL; repeat for "
                             "several (default BULLETIN_SCRAPYD_NODES)")
    parser.add_argument("--max-parallel", type=int, metavar="N",
                        help="local crawls at once (default BULLETIN_SCHEDULE_MAX_PARALLEL: 2)")
    parser.add_argument("--clock-start", metavar="ISO",
                        help="rehearsal: start the scheduler's clock at this time "
                             "(e.g. 2026-01-05T07:19:00+08:00)")
    parser.add_argument("--clock-speed", type=float, default=1.0, metavar="X",
                        help="rehearsal: run the clock X times faster (60: a minute a second)")
    parser.add_argument("--clock-anchor", type=float, help=argparse.SUPPRESS)
    common_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bulletin_crawler.scheduling.scrapyd_api import ScrapydError

    _log_to_stderr(args)
    try:
        overrides = parse_settings(args.set)
        settings = project_settings(args.store, args.sites, overrides)
        scheduler = build_scheduler(args, settings, overrides)
    except (CrawlInputError, ScrapydError, ValueError) as error:
        print(f"bulletin schedule: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    stop = threading.Event()

    def on_signal(number: int, _frame: Any) -> None:
        if stop.is_set():
            logger.warning("%s again: killing the running crawls", signal.Signals(number).name)
            scheduler.hurry.set()
        else:
            logger.info("%s: stopping (running crawls are stopped gracefully; send it again "
                        "to kill them)", signal.Signals(number).name)
            stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        if args.once:
            results = scheduler.run_once(stop)
            failed = [r for r in results if r["status"] != "ok"]
            logger.info("done: %d dispatched, %d failed", len(results), len(failed))
            return 1 if failed else 0
        scheduler.run(stop, settings.getfloat("BULLETIN_SCHEDULE_POLL_INTERVAL"))
        logger.info("scheduler stopped")
        return 0
    finally:
        scheduler.state.close()
        scheduler.runs.close()


def build_scheduler(args: argparse.Namespace, settings: Any, overrides: dict[str, str]) -> Any:
    """The scheduler the command line and settings describe; raises ``CrawlInputError``,
    ``ScrapydError`` or ``ValueError`` with one line for bad input."""
    from bulletin_crawler.scheduling.clock import ScaledClock, SystemClock
    from bulletin_crawler.scheduling.local import LocalExecutor
    from bulletin_crawler.scheduling.plan import plan
    from bulletin_crawler.scheduling.scheduler import Scheduler, Timing
    from bulletin_crawler.scheduling.scrapyd import ScrapydExecutor
    from bulletin_crawler.scheduling.scrapyd_api import scrapyd_node
    from bulletin_crawler.scheduling.state import open_state
    from bulletin_crawler.sites import load_registry
    from bulletin_crawler.stores import open_store

    registry = load_registry(settings.get("BULLETIN_SITES") or None)
    for problem in registry.problems:
        logger.warning("site file skipped: %s", problem)
    schedules, problems = plan(registry.sites, settings, args.keys)
    for problem in problems:
        if args.keys:
            raise CrawlInputError(problem)
        logger.error("not scheduled: %s", problem)
    if not schedules:
        raise CrawlInputError("no site to schedule")
    executor_name = args.executor or settings.get("BULLETIN_SCHEDULE_EXECUTOR")
    if executor_name == "scrapyd":
        project = settings.get("BULLETIN_SCRAPYD_PROJECT")
        names = args.scrapyd or settings.getlist("BULLETIN_SCRAPYD_NODES")
        executor: Any = ScrapydExecutor([scrapyd_node(name, project) for name in names])
    elif executor_name == "local":
        executor = LocalExecutor(args.max_parallel or settings.getint(
            "BULLETIN_SCHEDULE_MAX_PARALLEL"), settings.get("BULLETIN_SCHEDULE_LOG_DIR"))
    else:
        raise ValueError(f"BULLETIN_SCHEDULE_EXECUTOR {executor_name!r}: expected local or "
                         "scrapyd")
    clock = SystemClock() if args.clock_start is None else ScaledClock(
        datetime.fromisoformat(args.clock_start), args.clock_speed, args.clock_anchor)
    uri = _absolute(settings.get("BULLETIN_STORE"))
    crawl_settings = {**overrides, "BULLETIN_STORE": uri}
    if settings.get("BULLETIN_SITES"):
        crawl_settings["BULLETIN_SITES"] = str(Path(settings.get("BULLETIN_SITES")).resolve())
    timing = Timing(lease_ttl=settings.getfloat("BULLETIN_SCHEDULE_LEASE_TTL"),
                    retry_delay=settings.getfloat("BULLETIN_SCHEDULE_RETRY_DELAY"),
                    stop_grace=settings.getfloat("BULLETIN_SCHEDULE_STOP_GRACE"),
                    crawl_timeout=settings.getfloat("BULLETIN_SCHEDULE_CRAWL_TIMEOUT"))
    runs = open_store(uri, server_timeout_ms=settings.getint("BULLETIN_MONGO_TIMEOUT_MS"))
    return Scheduler(schedules, open_state(uri), runs, executor, crawl_settings, timing, clock)


def _absolute(uri: str) -> str:
    """A relative SQLite path made absolute: crawls on Scrapyd run in another directory."""
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////"):
        return "sqlite:///" + str(Path(uri.removeprefix("sqlite:///")).resolve())
    return uri


def _log_to_stderr(args: argparse.Namespace) -> None:
    level = args.loglevel or ("ERROR" if args.quiet else "DEBUG" if args.verbose else "INFO")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s",
                                           "%Y-%m-%d %H:%M:%S%z"))
    root = logging.getLogger("bulletin_crawler")
    root.addHandler(handler)
    root.setLevel(level)
