"""The scheduler: starts each site's crawl when its cron slot comes, through an executor.

Each loop: end the dispatches whose jobs ended (their run records say ok or failed), renew the
leases of the running ones, stop crawls past their timeout (gracefully, then killed after the
grace), and dispatch the sites that are due. A site is due when its latest slot is later than
the last slot dispatched — so a scheduler that was down for five slots starts it once, not five
times — and a dispatch first claims the site's lease for that slot (:mod:`.state`). A site whose
last run is still alive (started by hand, or by a scheduler whose lease expired) waits.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bulletin_crawler.scheduling.clock import SystemClock
from bulletin_crawler.scheduling.jobs import CrawlJob, DispatchError, Executor
from bulletin_crawler.scheduling.plan import SiteSchedule
from bulletin_crawler.scheduling.state import ScheduleState
from bulletin_crawler.stores import ArticleStore
from bulletin_crawler.stores.base import short_error

logger = logging.getLogger("bulletin_crawler.schedule")


@dataclass
class Timing:
    """Seconds: lease time to live, wait before retrying a dispatch that could not start, a
    stopped crawl's grace, and a crawl's timeout when its schedule sets none."""

    lease_ttl: float = 300.0
    retry_delay: float = 600.0
    stop_grace: float = 60.0
    crawl_timeout: float = 4 * 3600.0


@dataclass
class Dispatch:
    id: str
    schedule: SiteSchedule
    jobs: list[CrawlJob]
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def site(self) -> str:
        return self.schedule.key


class Scheduler:
    def __init__(self, schedules: list[SiteSchedule], state: ScheduleState, runs: ArticleStore,
                 executor: Executor, crawl_settings: dict[str, str], timing: Timing,
                 clock: Any = None, holder: str | None = None):
        self.schedules = schedules
        self.state = state
        self.runs = runs
        self.executor = executor
        self.crawl_settings = crawl_settings
        self.timing = timing
        self.clock = clock or SystemClock()
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.running: dict[str, Dispatch] = {}
        self.finished: list[dict[str, Any]] = []
        self._waiting: dict[str, str] = {}  # site → why it waits, logged once
        #: set on a second stop request: kill the crawls without waiting for their grace
        self.hurry = threading.Event()

    # --- one look at the clock and the crawls --------------------------------------------------
    def tick(self, only: set[str] | None = None) -> None:
        """One look; ``only`` limits the dispatches to these sites."""
        self.reap()
        now = self.clock.now()
        for dispatch in self.running.values():
            if not self.state.renew(dispatch.site, self.holder, self.timing.lease_ttl,
                                    now.timestamp()):
                logger.warning("lease of %s lost (expired and taken): its crawl goes on",
                               dispatch.site)
        self.enforce_timeouts()
        for schedule, slot, missed in self.due(now):
            if only is not None and schedule.key not in only:
                continue
            free = self.executor.free_slots(self._running_jobs())
            if free is not None and free < schedule.workers and (free < 1 or self.running):
                break  # longest waiting first: wait for room for all its jobs
            self.dispatch(schedule, slot, missed, now)

    def due(self, now: datetime) -> list[tuple[SiteSchedule, datetime, int]]:
        """Sites whose latest slot was not dispatched yet, with how many slots passed since
        the last dispatch (1 when none missed); the site that waited longest first (never
        dispatched, then the oldest last dispatch), so a busy executor serves every site."""
        states = self.state.states()
        found = []
        for schedule in self.schedules:
            if schedule.key in self.running:
                continue
            slot = schedule.cron.last_at_or_before(now)
            known = states.get(schedule.key)
            if known and known.last_slot is not None and known.last_slot >= slot.timestamp():
                continue
            if known and known.retry_at is not None and now.timestamp() < known.retry_at:
                continue
            missed = 1 if not known or known.last_slot is None else schedule.cron.slots_between(
                datetime.fromtimestamp(known.last_slot, now.tzinfo), now)
            found.append((known.last_slot if known and known.last_slot is not None
                          else float("-inf"), schedule, slot, missed))
        found.sort(key=lambda item: (item[0], item[2], item[1].key))
        return [(schedule, slot, missed) for _last, schedule, slot, missed in found]

    def dispatch(self, schedule: SiteSchedule, slot: datetime, missed: int, now: datetime
                 ) -> None:
        alive = self._live_run(schedule.key)
        if alive:
            self._wait(schedule.key, f"its crawl started {alive.get('started_at')} on "
                                     f"{alive.get('host')} is still running")
            return
        previous = self.state.states().get(schedule.key)
        if not self.state.claim(schedule.key, slot.timestamp(), self.holder,
                                self.timing.lease_ttl, now.timestamp()):
            self._wait(schedule.key, "another scheduler has it")
            return
        self._waiting.pop(schedule.key, None)
        dispatch_id = f"{schedule.key}-{slot:%Y%m%dT%H%M}-{uuid.uuid4().hex[:6]}"
        jobs = [self._job(schedule, dispatch_id if schedule.workers == 1
                          else f"{dispatch_id}-{n}", now) for n in range(1, schedule.workers + 1)]
        catch_up = f", catching up {missed} missed slots once" if missed > 1 else ""
        record = {"id": dispatch_id, "site": schedule.key, "slot": slot.isoformat(),
                  "missed": missed, "holder": self.holder, "executor": self.executor.name,
                  "dispatched_at": now.isoformat(), "args": jobs[0].args, "status": "running"}
        started, problems = [], []
        for job in jobs:
            try:
                self.executor.start(job)
                started.append(job)
            except DispatchError as error:
                problems.append(str(error))
        skipped = getattr(self.executor, "skipped", [])
        record.update(jobs=[{"job": job.job_id, "node": job.node} for job in started],
                      problems=[*skipped, *problems])
        self.state.record_dispatch(record)
        if not started:
            retry_at = now.timestamp() + self.timing.retry_delay
            self.state.release(schedule.key, self.holder,
                               retry=(previous.last_slot if previous else None, retry_at))
            self.state.update_dispatch(dispatch_id, {"status": "not started",
                                                     "finished_at": now.isoformat()})
            self.finished.append({**record, "status": "not started"})
            logger.error("dispatch %s: slot %s not started: %s; retrying at %s", schedule.key,
                         f"{slot:%Y-%m-%d %H:%M}", "; ".join(problems),
                         datetime.fromtimestamp(retry_at, now.tzinfo).strftime("%H:%M:%S"))
            return
        self.running[schedule.key] = Dispatch(dispatch_id, schedule, started)
        logger.info("dispatch %s: slot %s%s → %s %s (%s)", schedule.key,
                    f"{slot:%Y-%m-%d %H:%M}", catch_up, self.executor.name,
                    ", ".join(job.job_id for job in started),
                    "; ".join(job.node for job in started) + "".join(
                        f"; node skipped: {problem}" for problem in record["problems"]))

    def _job(self, schedule: SiteSchedule, job_id: str, now: datetime) -> CrawlJob:
        settings = {**self.crawl_settings, **schedule.settings, "BULLETIN_JOB": job_id}
        return CrawlJob(job_id, schedule.key, schedule.crawl_args(now.date()), settings,
                        schedule.timeout or self.timing.crawl_timeout)

    def _live_run(self, site: str) -> dict[str, Any] | None:
        last = self.runs.last_run(site)
        return last if last and last.get("status") == "running" else None

    def _wait(self, site: str, why: str) -> None:
        if self._waiting.get(site) != why:
            logger.info("%s is due but waits: %s", site, why)
            self._waiting[site] = why

    def _running_jobs(self) -> int:
        return sum(len(dispatch.jobs) for dispatch in self.running.values())

    # --- ends, timeouts, stops -----------------------------------------------------------------
    def reap(self) -> None:
        """Close the dispatches whose every job ended."""
        for site, dispatch in list(self.running.items()):
            for job in dispatch.jobs:
                if job.exit is None:
                    job.exit = self.executor.poll(job)
            if all(job.exit is not None for job in dispatch.jobs):
                self._close(dispatch)
                del self.running[site]

    def _close(self, dispatch: Dispatch) -> None:
        now = self.clock.now()
        results = [self._result(dispatch.site, job) for job in dispatch.jobs]
        status = "ok" if all(result["status"] == "ok" for result in results) else "failed"
        self.state.update_dispatch(dispatch.id, {"status": status, "jobs": results,
                                                 "finished_at": now.isoformat()})
        self.state.release(dispatch.site, self.holder)
        self.finished.append({"id": dispatch.id, "site": dispatch.site, "status": status,
                              "jobs": results})
        log = logger.info if status == "ok" else logger.warning
        log("finished %s: %s; %s", dispatch.site, status, "; ".join(
            f"{r['job']} {r['status']}" + (f" ({'; '.join(r['reasons'])})" if r["reasons"] else "")
            + f", stored {r['stored']} in {r['seconds']:.0f} s" for r in results))

    def _result(self, site: str, job: CrawlJob) -> dict[str, Any]:
        """How a job went: its run record's status and reasons when there is one."""
        run = next((run for run in self.runs.iter_runs(50, site) if run.get("job") == job.job_id),
                   None)
        stopped = None if job.stop_sent is None else "killed" if job.killed else "stopped"
        if run is not None:  # a crawl stopped gracefully says so: finish reason shutdown
            status, reasons = run["status"], list(run.get("reasons") or [])
        else:
            status = "ok" if job.exit == "exit 0" and not stopped else "failed"
            reasons = [f"no run record ({job.exit})"] + ([stopped] if stopped else [])
        return {"job": job.job_id, "node": job.node, "exit": job.exit, "status": status,
                "stopped": stopped, "reasons": reasons,
                "run_id": run.get("run_id") if run else None,
                "stored": ((run or {}).get("figures") or {}).get("stored", 0),
                "seconds": job.elapsed}

    def enforce_timeouts(self) -> None:
        for dispatch in self.running.values():
            for job in dispatch.jobs:
                if job.exit is None and job.stop_sent is None and job.elapsed > job.timeout:
                    logger.warning("%s: job %s passed its timeout of %.0f s: stopping it",
                                   job.site, job.job_id, job.timeout)
                    self._stop(job)
                self._force_if_overdue(job)

    def _stop(self, job: CrawlJob) -> None:
        job.stop_sent = time.monotonic()
        self.executor.stop(job)

    def _force_if_overdue(self, job: CrawlJob) -> None:
        if job.exit is not None or job.stop_sent is None:
            return
        overdue = time.monotonic() - job.stop_sent - self.timing.stop_grace
        if (overdue > 0 or self.hurry.is_set()) and not job.killed:
            logger.warning("%s: job %s did not stop within %.0f s: killing it", job.site,
                           job.job_id, self.timing.stop_grace)
            job.killed = True
            self.executor.stop(job, force=True)
        elif overdue > self.timing.stop_grace:  # even a kill went unanswered (node gone)
            job.exit = "lost (did not stop)"

    # --- loops ---------------------------------------------------------------------------------
    def run(self, stop: threading.Event, poll_interval: float) -> None:
        """Until ``stop`` is set; then stop the crawls (:meth:`shutdown`)."""
        logger.info("scheduler %s: %d sites, %s executor", self.holder, len(self.schedules),
                    self.executor.name)
        while not stop.is_set():
            try:
                self.tick()
            except Exception as error:
                logger.error("scheduler loop failed, trying again: %s",
                             short_error(error))
            self.clock.wait(self._next_wait(poll_interval), stop)
        self.shutdown()

    def run_once(self, stop: threading.Event, real_poll: float = 0.5) -> list[dict[str, Any]]:
        """Dispatch every site due now (as the executor has room) and wait for the crawls to
        end; returns the dispatch records."""
        pending = {schedule.key for schedule, _slot, _missed in self.due(self.clock.now())}
        while not stop.is_set():
            self.tick(only=pending)
            pending -= {*self.running, *self._waiting, *(d["site"] for d in self.finished)}
            if not pending and not self.running:
                break
            stop.wait(real_poll)
        self.shutdown()
        return self.finished

    def _next_wait(self, poll_interval: float) -> float:
        """Until the next slot of any site, at most ``poll_interval`` (clock seconds)."""
        now = self.clock.now()
        next_slot = min((s.cron.next_after(now) for s in self.schedules), default=None)
        if next_slot is None:
            return poll_interval
        return max(0.0, min(poll_interval, (next_slot - now).total_seconds() + 0.01))

    def shutdown(self, real_poll: float = 0.2) -> None:
        """Stop local crawls gracefully (they record their runs), kill them after the grace;
        leave Scrapyd jobs running (their leases expire, their run records guard the site)."""
        if not self.running:
            return
        if not self.executor.stops_with_scheduler:
            for dispatch in self.running.values():
                logger.info("%s: left running on Scrapyd: %s", dispatch.site,
                            ", ".join(f"{job.job_id} on {job.node}" for job in dispatch.jobs))
            self.running.clear()
            return
        for dispatch in self.running.values():
            for job in dispatch.jobs:
                if job.exit is None and job.stop_sent is None:
                    logger.info("stopping %s job %s", job.site, job.job_id)
                    self._stop(job)
        while self.running:
            self.reap()
            for dispatch in self.running.values():
                for job in dispatch.jobs:
                    self._force_if_overdue(job)
            time.sleep(real_poll)
