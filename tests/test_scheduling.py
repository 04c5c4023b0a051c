"""The scheduler's parts on their own: cron slots, schedules from site files, leases in SQLite
and MongoDB (two holders, expiry, retries), and the loop driven by a hand-moved clock with an
executor that only records — due slots, one catch-up after downtime, a run still alive, a
dispatch that could not start, timeouts."""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from scrapy.settings import Settings

from bulletin_crawler import settings as project_settings
from bulletin_crawler.scheduling.clock import ScaledClock
from bulletin_crawler.scheduling.cron import Cron
from bulletin_crawler.scheduling.jobs import CrawlJob, DispatchError, Executor
from bulletin_crawler.scheduling.local import crawl_command
from bulletin_crawler.scheduling.mongo_state import MongoScheduleState
from bulletin_crawler.scheduling.plan import ScheduleError, plan, site_schedule
from bulletin_crawler.scheduling.scheduler import Scheduler, Timing
from bulletin_crawler.scheduling.sqlite_state import SQLiteScheduleState
from bulletin_crawler.sites.config import parse_site
from bulletin_crawler.stores import open_store


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-01-05T{text}+08:00")


def site(key: str = "paper", family: str = "founder-enp", **fields: Any):
    return parse_site({"key": key, "name": key, "family": family,
                       "start_urls": ["http://a.example.cn/{date:%Y%m%d}/index.htm"],
                       "region": {"province": "河南省", "code": "410104"}, **fields},
                      f"{key}.yaml")


SETTINGS = Settings(vars(project_settings))


# --- cron ----------------------------------------------------------------------------------
def test_cron_slots_in_shanghai_time():
    cron = Cron("*/10 * * * *")
    assert cron.last_at_or_before(at("08:10:00")) == at("08:10:00")
    assert cron.last_at_or_before(at("08:19:59")) == at("08:10:00")
    assert cron.next_after(at("08:10:00")) == at("08:20:00")
    assert cron.slots_between(at("08:10:00"), at("13:01:00")) == 29
    utc = datetime(2026, 1, 4, 23, 25, tzinfo=timezone.utc)  # 07:25 in Shanghai
    assert Cron("20 7 * * *").last_at_or_before(utc) == at("07:20:00")
    with pytest.raises(ValueError, match="5 fields"):
        Cron("20 7 * *")


# --- schedules from site files ---------------------------------------------------------------
def test_sites_get_the_defaults_of_their_kind_and_their_own_fields_on_top():
    paper = site_schedule(site(), SETTINGS)
    assert paper.cron.expression == "20 7 * * *" and paper.args == {"refresh_days": 2}
    portal = site_schedule(site("gov", "gov-trs", schedule="5 */2 * * *",
                                schedule_args={"workers": 3, "timeout": 600,
                                               "settings": {"BULLETIN_FRONTIER": "redis://x"}}),
                           SETTINGS)
    assert portal.cron.expression == "5 */2 * * *"
    assert (portal.workers, portal.timeout) == (3, 600.0)
    assert portal.settings == {"BULLETIN_FRONTIER": "redis://x"}
    assert portal.crawl_args(at("09:00").date()) == {"since": "2025-12-29"}  # since_days 7
    with pytest.raises(ScheduleError, match="3 jobs need a shared frontier"):
        site_schedule(site(schedule_args={"workers": 3}), SETTINGS)
    with pytest.raises(ScheduleError, match="schedule_args.workers: must be a whole number"):
        site_schedule(site(schedule_args={"workers": 0}), SETTINGS)
    with pytest.raises(ScheduleError, match="schedule_args.since_dayz: unknown"):
        site_schedule(site(schedule_args={"since_dayz": 1}), SETTINGS)
    schedules, problems = plan({"paper": site()}, SETTINGS, ["paper", "nope"])
    assert [s.key for s in schedules] == ["paper"] and problems[0].startswith("nope: no such site")


# --- leases ----------------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "mongo"])
def two_holders(request, tmp_path, mongo_client):
    """Two handles on one schedule state, as two scheduler processes have."""
    if request.param == "sqlite":
        states = [SQLiteScheduleState(tmp_path / "s.sqlite3") for _ in range(2)]
    else:
        states = [MongoScheduleState("mongodb://localhost/t", client=mongo_client)
                  for _ in range(2)]
    yield states
    for state in states:
        state.close()


def test_a_lease_is_taken_once_per_slot_and_expires_when_its_holder_dies(two_holders):
    a, b = two_holders
    assert a.claim("paper", 100.0, "A", ttl=30, now=100)
    assert not b.claim("paper", 100.0, "B", ttl=30, now=101)  # held
    assert a.renew("paper", "A", ttl=30, now=120)
    a.release("paper", "A")
    assert not b.claim("paper", 100.0, "B", ttl=30, now=130)  # free, but that slot was run
    assert b.claim("paper", 200.0, "B", ttl=30, now=200)
    # B dies: its lease is not renewed and expires
    assert not a.claim("paper", 300.0, "A", ttl=30, now=229)
    assert a.claim("paper", 300.0, "A", ttl=30, now=231)
    assert not b.renew("paper", "B", ttl=30, now=232)  # B back too late: not its lease any more
    assert a.states()["paper"].holder == "A" and a.states()["paper"].last_slot == 300.0


def test_a_slot_that_could_not_start_is_handed_back_for_a_retry(two_holders):
    a, b = two_holders
    assert a.claim("paper", 100.0, "A", ttl=30, now=100)
    a.release("paper", "A", retry=(None, 700.0))
    state = b.states()["paper"]
    assert (state.holder, state.last_slot, state.retry_at) == (None, None, 700.0)
    assert not b.claim("paper", 100.0, "B", ttl=30, now=699)
    assert b.claim("paper", 100.0, "B", ttl=30, now=700)


def test_dispatch_records_are_kept_and_updated(two_holders):
    a, b = two_holders
    a.record_dispatch({"id": "d1", "site": "paper", "dispatched_at": "2026-01-05T08:00:00+08:00",
                       "status": "running"})
    b.update_dispatch("d1", {"status": "ok"})
    assert a.dispatches("paper") == [{"id": "d1", "site": "paper", "status": "ok",
                                      "dispatched_at": "2026-01-05T08:00:00+08:00"}]


# --- the loop, by a hand-moved clock --------------------------------------------------------
class HandClock:
    def __init__(self, now: datetime):
        self.now_at = now

    def now(self) -> datetime:
        return self.now_at

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        return stop.is_set()


class RecordingExecutor(Executor):
    name = "recording"

    def __init__(self, slots: int = 2, refuse: bool = False):
        self.slots, self.refuse = slots, refuse
        self.started: list[CrawlJob] = []
        self.stops: list[tuple[str, bool]] = []

    def free_slots(self, running: int) -> int | None:
        return self.slots - running

    def start(self, job: CrawlJob) -> None:
        if self.refuse:
            raise DispatchError("no Scrapyd node answers")
        job.node, job.handle = "here", {"done": False}
        self.started.append(job)

    def poll(self, job: CrawlJob) -> str | None:
        return "exit 0" if job.handle["done"] else None

    def stop(self, job: CrawlJob, force: bool = False) -> None:
        self.stops.append((job.job_id, force))


@pytest.fixture
def loop(tmp_path):
    def make(executor=None, holder="A", **timing):
        runs = open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
        state = SQLiteScheduleState(tmp_path / "s.sqlite3")
        schedules = [site_schedule(site("paper", schedule="*/10 * * * *"), SETTINGS),
                     site_schedule(site("portal", "gov-trs", schedule="0 * * * *"), SETTINGS)]
        scheduler = Scheduler(schedules, state, runs, executor or RecordingExecutor(),
                              {"BULLETIN_STORE": "sqlite:///s"}, Timing(**timing),
                              HandClock(at("08:05:00")), holder)
        made.append(scheduler)
        return scheduler
    made: list[Scheduler] = []
    yield make
    for scheduler in made:
        scheduler.state.close()
        scheduler.runs.close()


def finish_all(scheduler: Scheduler) -> None:
    for dispatch in scheduler.running.values():
        for job in dispatch.jobs:
            job.handle["done"] = True


def test_due_slots_are_dispatched_once_and_a_downtime_is_caught_up_once(loop, caplog):
    scheduler = loop()
    executor = scheduler.executor
    caplog.set_level("INFO", "bulletin_crawler.schedule")
    scheduler.tick()  # 08:05: paper's 08:00 slot and portal's 08:00 slot
    assert sorted((j.site, j.args.get("since", "")) for j in executor.started) == [
        ("paper", ""), ("portal", "2025-12-29")]
    job = executor.started[0]
    assert job.settings["BULLETIN_JOB"] == job.job_id
    assert job.job_id.startswith("paper-20260105T0800")
    scheduler.clock.now_at = at("08:09:00")
    scheduler.tick()
    assert len(executor.started) == 2  # nothing new is due, the crawls still run
    finish_all(scheduler)
    scheduler.clock.now_at = at("08:12:00")
    scheduler.tick()  # both end, paper's 08:10 slot starts
    assert [j.site for j in executor.started] == ["paper", "portal", "paper"]
    finish_all(scheduler)
    scheduler.reap()
    scheduler.clock.now_at = at("13:01:00")  # five hours without a tick
    scheduler.tick()
    assert [j.site for j in executor.started[3:]] == ["portal", "paper"]  # longest waiting
    paper = scheduler.state.dispatches("paper")[0]
    assert paper["slot"] == "2026-01-05T13:00:00+08:00" and paper["missed"] == 29
    assert "catching up 29 missed slots once" in caplog.text
    assert len([r for r in caplog.records if r.getMessage().startswith("dispatch ")]) == 5


def test_the_site_that_waited_longest_goes_first_when_the_executor_is_full(loop):
    scheduler = loop(RecordingExecutor(slots=1))
    scheduler.schedules = [site_schedule(site(key, schedule="*/10 * * * *"), SETTINGS)
                           for key in ("paper", "portal")]  # the same slots: no key wins
    for minute in range(4):
        scheduler.clock.now_at = at("08:05:00") + timedelta(minutes=10 * minute)
        scheduler.tick()
        finish_all(scheduler)
    assert [job.site for job in scheduler.executor.started] == ["paper", "portal"] * 2


def test_two_schedulers_never_start_one_site_twice(loop):
    first, second = loop(holder="A"), loop(holder="B")
    seen_due_by_second = second.due(second.clock.now())  # both look at the same moment
    first.tick()
    for schedule, slot, missed in seen_due_by_second:
        second.dispatch(schedule, slot, missed, second.clock.now())
    second.tick()
    assert len(first.executor.started) == 2 and second.executor.started == []
    assert second._waiting == {"paper": "another scheduler has it",
                               "portal": "another scheduler has it"}


def test_a_site_whose_last_run_is_alive_waits(loop):
    scheduler = loop()
    scheduler.runs.start_run({"run_id": "r1", "site": "paper", "status": "running",
                              "started_at": "2026-01-05T08:04:00+08:00",
                              "host": socket.gethostname(), "pid": os.getpid(),
                              "stale_after": 120})
    scheduler.tick()
    assert [j.site for j in scheduler.executor.started] == ["portal"]
    assert "is still running" in scheduler._waiting["paper"]


def test_a_dispatch_that_cannot_start_is_retried_after_the_delay(loop):
    scheduler = loop(RecordingExecutor(refuse=True), retry_delay=600)
    scheduler.tick()
    assert [d["status"] for d in scheduler.state.dispatches("paper")] == ["not started"]
    assert scheduler.state.dispatches("paper")[0]["problems"] == ["no Scrapyd node answers"]
    scheduler.executor.refuse = False
    scheduler.clock.now_at = at("08:14:59")
    scheduler.tick()
    assert scheduler.executor.started == []
    scheduler.clock.now_at = at("08:15:01")
    scheduler.tick()
    assert [j.job_id[:-7] for j in scheduler.executor.started] == [
        "portal-20260105T0800", "paper-20260105T0810"]


def test_a_crawl_past_its_timeout_is_stopped_then_killed_after_the_grace(loop):
    scheduler = loop(stop_grace=5, crawl_timeout=60)
    scheduler.tick()
    job = scheduler.running["paper"].jobs[0]
    job.started -= 61
    scheduler.tick()
    assert scheduler.executor.stops == [(job.job_id, False)]
    job.stop_sent -= 6
    scheduler.tick()
    assert scheduler.executor.stops[-1] == (job.job_id, True)
    job.handle["done"] = True
    scheduler.tick()
    record = scheduler.state.dispatches("paper")[0]
    assert record["status"] == "failed"
    assert record["jobs"][0]["reasons"] == ["no run record (exit 0)", "killed"]
    assert record["jobs"][0]["stopped"] == "killed"


def test_a_scaled_clock_runs_faster_from_a_shared_anchor():
    clock = ScaledClock(at("07:19:00"), speed=60, anchor=0.0)
    assert clock.now() > at("07:19:00") + timedelta(days=365)  # anchored at the epoch
    stop = threading.Event()
    stop.set()
    assert clock.wait(3600, stop)


def test_workers_of_one_site_start_together_with_the_same_settings(loop):
    scheduler = loop()
    scheduler.schedules = [site_schedule(site("gov", "gov-trs", schedule_args={
        "workers": 3, "settings": {"BULLETIN_FRONTIER": "redis://127.0.0.1:6379/0"}}), SETTINGS)]
    scheduler.tick()
    jobs = scheduler.executor.started
    assert [job.job_id[-2:] for job in jobs] == ["-1", "-2", "-3"]
    assert len({job.job_id for job in jobs}) == 3
    assert all(job.settings == {**jobs[0].settings, "BULLETIN_JOB": job.job_id} for job in jobs)
    assert jobs[0].settings["BULLETIN_FRONTIER"] == "redis://127.0.0.1:6379/0"
    [record] = scheduler.state.dispatches("gov")
    assert [job["job"] for job in record["jobs"]] == [job.job_id for job in jobs]


def test_once_dispatches_each_site_due_at_its_start_once(loop):
    scheduler = loop(RecordingExecutor(slots=1))
    stop = threading.Event()
    done = []

    def finish_and_move_on(job: CrawlJob) -> str | None:
        scheduler.clock.now_at += timedelta(minutes=20)  # a slot passes during each crawl
        done.append(job.site)
        if len(done) > 4:  # bounded, should --once keep dispatching
            stop.set()
        return "exit 0"

    scheduler.executor.poll = finish_and_move_on
    results = scheduler.run_once(stop, real_poll=0)
    assert [r["site"] for r in results] == done == ["paper", "portal"]


def test_a_password_never_reaches_a_command_line():
    job = CrawlJob("j1", "zzrb", {"since": "2020-11-30"},
                   {"BULLETIN_STORE": "mongodb://user:pw@db.example/bulletin",
                    "BULLETIN_FRONTIER": "redis://127.0.0.1:6379/0", "BULLETIN_JOB": "j1"}, 60)
    command = " ".join(crawl_command(job))
    assert "pw@" not in command and "BULLETIN_FRONTIER=redis://127.0.0.1:6379/0" in command
    assert job.secret_settings() == {"BULLETIN_STORE": "mongodb://user:pw@db.example/bulletin"}
