"""The frontier's parts, each against a real Redis: fingerprints, the reliable queue and its day
counts, crawl membership (dead workers, abandoned crawls, the seen-set's lifetime), politeness
across two workers, the add-on switch, the URI checks, and the engine internals it relies on."""

from __future__ import annotations

import asyncio
import time
from datetime import date

import pytest
import scrapy
from scrapy.core.engine import _Slot
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.reactor import CallLaterOnce
from scrapy.utils.test import get_crawler
from scrapy_redis.dupefilter import RFPDupeFilter

from bulletin_crawler.frontier.addon import FrontierAddon
from bulletin_crawler.frontier.crawl import UNDECIDED, FrontierLost, SharedCrawl
from bulletin_crawler.frontier.days import LocalDayTracker, day_of
from bulletin_crawler.frontier.dupefilter import FrontierDupeFilter
from bulletin_crawler.frontier.keys import CrawlKeys
from bulletin_crawler.frontier.politeness import SitePoliteness
from bulletin_crawler.frontier.queue import FrontierQueue
from bulletin_crawler.frontier.uri import FrontierUnavailable, check_reachable, check_uri
from bulletin_crawler.redaction import redact
from bulletin_crawler.runner import CrawlInputError, check_frontier, project_settings
from bulletin_crawler.settings import BULLETIN_FRONTIER_LEASE

from .conftest import run_bulletin
from .frontier.fixtures import redis_server_fixture
from .frontier.redis_server import free_port

DAY = date(2021, 1, 5)
SPIDER = scrapy.Spider(name="paper")


def page(url: str, day: date | None = DAY, priority: int = 0) -> scrapy.Request:
    return scrapy.Request(url, priority=priority, meta={"issue_day": day} if day else {})


def worker(server, name: str, lease: float = 5.0) -> tuple[SharedCrawl, FrontierQueue]:
    crawl = SharedCrawl(server.client(), "paper", name, lease)
    crawl.join()
    return crawl, FrontierQueue(crawl.server, SPIDER, crawl.keys, name)


def add(queue: FrontierQueue, request: scrapy.Request) -> bool:
    return queue.add(request, request.url.encode(), day_of(request))


# --- fingerprints -------------------------------------------------------------------------------
class UrlOnlyFingerprinter:
    """A project's own fingerprinter: the frontier must follow it, as the HTTP cache does."""

    def fingerprint(self, request: scrapy.Request) -> bytes:
        return request.url.encode()[:20]


@pytest.mark.parametrize("fingerprinter", [None, UrlOnlyFingerprinter])
def test_the_seen_set_uses_scrapys_own_fingerprint(redis_server, fingerprinter):
    settings = {"REQUEST_FINGERPRINTER_CLASS": fingerprinter} if fingerprinter else {}
    crawler = get_crawler(settings_dict=settings)
    dupefilter = FrontierDupeFilter(redis_server.client(), "seen", crawler.request_fingerprinter)
    request = scrapy.Request("http://site.invalid/a.htm?x=1&y=2")
    assert dupefilter.request_fingerprint(request) == crawler.request_fingerprinter.fingerprint(
        request)
    scrapy_redis_own = RFPDupeFilter(redis_server.client(), "x").request_fingerprint(request)
    assert dupefilter.request_fingerprint(request) != scrapy_redis_own
    assert not dupefilter.request_seen(request) and dupefilter.request_seen(request)


# --- the queue ----------------------------------------------------------------------------------
def test_a_request_is_queued_once_and_counted_for_its_day(redis_server):
    crawl, queue = worker(redis_server, "a")
    assert add(queue, page("http://s/1.htm"))
    assert not add(queue, page("http://s/1.htm"))  # seen: dropped, not counted
    assert queue.add(page("http://s/1.htm"), b"", day_of(page("http://s/1.htm")))  # dont_filter
    days = redis_server.client().hgetall(crawl.keys.of("days"))
    assert len(queue) == 2 and days == {b"2021-01-05": b"2"}


def test_priority_first_then_last_in_first_out(redis_server):
    _crawl, queue = worker(redis_server, "a")
    for url, priority in (("http://s/old", 0), ("http://s/new", 0), ("http://s/retry", 5)):
        add(queue, page(url, priority=priority))
    taken = [queue.take(str(token)) for token in range(4)]
    assert [request.url if request else None for request in taken] == [
        "http://s/retry", "http://s/new", "http://s/old", None]
    assert taken[0].meta["issue_day"] == DAY and taken[0].priority == 5


def test_a_day_completes_when_its_last_request_is_acknowledged_and_none_failed(redis_server):
    crawl, queue = worker(redis_server, "a")
    other_day = date(2021, 1, 6)
    for url, day in (("http://s/1", DAY), ("http://s/2", DAY), ("http://s/3", other_day),
                     ("http://s/4", None)):
        add(queue, page(url, day))
    taken = {queue.take(str(token)).url: str(token) for token in range(4)}
    crawl.fail_day(other_day.isoformat())
    assert queue.ack([(taken["http://s/1"], "2021-01-05"), (taken["http://s/4"], "")]) == []
    assert queue.ack([(taken["http://s/2"], "2021-01-05"),
                      (taken["http://s/3"], "2021-01-06")]) == ["2021-01-05"]
    assert crawl.outstanding() == 0


def test_a_dead_workers_requests_go_back_to_the_queue_and_count_once(redis_server):
    dead_crawl, dead = worker(redis_server, "dead", lease=0.2)
    live_crawl, live = worker(redis_server, "live")
    for n in range(3):
        add(dead, page(f"http://s/{n}"))
    assert dead.take("0") and dead.take("1")
    assert live_crawl.outstanding() == 3 and len(live) == 1
    time.sleep(0.3)  # the dead worker's lease lapses
    assert live_crawl.heartbeat() == 2 and len(live) == 3
    assert dead.ack([("0", "2021-01-05")]) == []  # too late: it was reaped, nothing counted
    tokens = [str(n) for n in range(10, 13)]
    assert sorted(live.take(token).url for token in tokens) == sorted(
        ["http://s/0", "http://s/1", "http://s/2"])
    assert live.ack([(token, "2021-01-05") for token in tokens]) == ["2021-01-05"]
    assert dead_crawl.outstanding() == 0


def test_the_last_worker_to_leave_an_empty_frontier_drops_the_crawl(redis_server):
    first, queue = worker(redis_server, "a")
    second, _ = worker(redis_server, "b")
    assert first.keys.crawl == second.keys.crawl  # one crawl, joined twice
    add(queue, page("http://s/1"))
    queue.take("1")
    assert first.leave() == "left"  # its taken request went back to the queue
    assert second.outstanding() == 1 and second.leave() == "left"  # work is left: no finish
    third, queue = worker(redis_server, "c")
    assert third.keys.crawl == first.keys.crawl  # joined within the lease: carries on
    request = queue.take("1")
    assert request is not None and queue.ack([("1", day_of(request))]) == ["2021-01-05"]
    assert third.leave() == "finished"
    client = redis_server.client()
    assert client.keys("*") == [CrawlKeys("paper").last.encode()]
    assert client.hget(CrawlKeys("paper").last, "state") == b"finished"


def test_an_abandoned_crawl_is_replaced_and_its_workers_stop(redis_server):
    old, queue = worker(redis_server, "a", lease=0.2)
    add(queue, page("http://s/1"))
    queue.take("1")
    time.sleep(0.3)  # every worker of the crawl is gone: nobody renews its lease
    new = SharedCrawl(redis_server.client(), "paper", "b", 5.0)
    joined = new.join()
    assert joined.resumes == old.keys.crawl and joined.crawl != old.keys.crawl
    client = redis_server.client()
    assert not client.keys(f"{old.keys.base}:*")  # the old seen-set and queue are dropped
    with pytest.raises(FrontierLost):
        old.heartbeat()
    with pytest.raises(FrontierLost):
        add(queue, page("http://s/2"))


def test_a_redis_that_knows_no_crawl_lets_one_worker_decide_whether_it_resumes(redis_server):
    first, second = (SharedCrawl(redis_server.client(), "paper", name, 5.0) for name in "ab")
    decider, waiter = first.join(), second.join()
    assert (decider.first, decider.resumes) == (True, UNDECIDED)
    assert (waiter.first, waiter.resumes) == (False, UNDECIDED)  # it waits for the answer
    first.decide_resumes("run-7")
    assert second.resumes() == "run-7"
    assert (first.leave(), second.leave()) == ("left", "finished")
    third = SharedCrawl(redis_server.client(), "paper", "c", 5.0).join()
    assert (third.first, third.resumes) == (False, "")  # a finished crawl resumes nothing


def test_a_crawls_keys_expire_two_leases_after_its_last_heartbeat(redis_server):
    crawl, queue = worker(redis_server, "a", lease=BULLETIN_FRONTIER_LEASE)
    add(queue, page("http://s/1"))
    crawl.heartbeat()
    client = redis_server.client()
    for key in (crawl.keys.of("seen"), crawl.keys.of("queue"), crawl.keys.of("days")):
        assert 0 < client.pttl(key) <= 2 * BULLETIN_FRONTIER_LEASE * 1000
    assert 0 < client.pttl(crawl.keys.current) <= BULLETIN_FRONTIER_LEASE * 1000


# --- days in one process ------------------------------------------------------------------------
def test_a_local_day_completes_when_no_page_is_open_and_none_failed():
    complete: list[date] = []
    tracker = LocalDayTracker(complete.append)
    tracker.opened(DAY, "node_1")
    tracker.opened(DAY, "content_1")
    assert tracker.requested(DAY, "content_1") and not tracker.requested(DAY, "content_2")
    tracker.done(DAY, "node_1")
    assert complete == []
    tracker.done(DAY, "content_1")
    assert complete == [DAY] and not tracker.requested(DAY, "content_1")  # memory let go
    tracker.opened(date(2021, 1, 6), "node_1")
    tracker.done(date(2021, 1, 6), "node_1", failed=True)
    assert complete == [DAY]


# --- politeness ---------------------------------------------------------------------------------
class Stats:
    def inc_value(self, *args: object) -> None:
        pass


def politeness(server, limit: int = 2, delay: float = 0.0) -> SitePoliteness:
    return SitePoliteness(server.client(), Stats(), limit, delay, lease=5.0, max_wait=10.0)


async def fetch_all(workers: list[SitePoliteness], count: int, latency: float) -> int:
    """``count`` requests to one host per worker at once; the peak in flight."""
    in_flight, peak = 0, 0

    async def fetch(middleware: SitePoliteness, n: int) -> None:
        nonlocal in_flight, peak
        request = scrapy.Request(f"http://127.0.0.1:8000/{n}")
        await middleware.process_request(request)
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(latency)
        in_flight -= 1
        middleware.process_response(request, HtmlResponse(request.url, request=request))

    await asyncio.gather(*(fetch(middleware, n) for middleware in workers for n in range(count)))
    return peak


def test_the_sites_concurrency_holds_across_workers(redis_server):
    assert asyncio.run(fetch_all([politeness(redis_server) for _ in range(2)], 8, 0.03)) == 2


def test_the_sites_delay_holds_across_workers(redis_server):
    workers = [politeness(redis_server, limit=8, delay=0.05) for _ in range(2)]
    requests = [scrapy.Request(f"http://127.0.0.1:8000/{n}") for n in range(8)]

    async def acquire_all() -> None:
        await asyncio.gather(*(workers[n % 2].process_request(request)
                               for n, request in enumerate(requests)))

    asyncio.run(acquire_all())
    leases = redis_server.client().zrange("bulletin:polite:127.0.0.1:8000:leases", 0, -1,
                                          withscores=True)
    granted = sorted(deadline - 5000 for _lease, deadline in leases)  # on the Redis clock, ms
    assert len(granted) == 8
    assert min(later - earlier for earlier, later in zip(granted, granted[1:], strict=False)) >= 50


def test_a_retry_after_holds_every_worker_back(redis_server):
    reader, other = politeness(redis_server), politeness(redis_server)
    request = scrapy.Request("http://127.0.0.1:8000/busy")
    asyncio.run(reader.process_request(request))
    reader.process_response(request, HtmlResponse(request.url, status=503, request=request,
                                                  headers={"Retry-After": "1"}))
    started = time.monotonic()
    asyncio.run(other.process_request(scrapy.Request("http://127.0.0.1:8000/next")))
    assert time.monotonic() - started >= 0.9


# --- the switch, the address, the engine --------------------------------------------------------
def test_the_addon_switches_a_crawl_to_the_frontier_only_when_asked():
    untouched = Settings({"BULLETIN_FRONTIER": ""})
    FrontierAddon().update_settings(untouched)
    assert untouched["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    settings = Settings({"BULLETIN_FRONTIER": "redis://127.0.0.1:6379/0"})
    FrontierAddon().update_settings(settings)
    assert settings["SCHEDULER"].endswith("FrontierScheduler")
    assert settings["DUPEFILTER_CLASS"].endswith("FrontierDupeFilter")
    assert SitePoliteness in settings.getdict("DOWNLOADER_MIDDLEWARES")


def test_the_projects_settings_carry_the_addon_to_scrapy_crawl_and_scrapyd():
    """Scrapyd jobs run ``scrapy crawl``, never the runner: the project's settings must switch."""
    settings = project_settings(overrides={"BULLETIN_FRONTIER": "redis://127.0.0.1:6379/0"})
    crawler = get_crawler(settings_dict={name: settings[name] for name in (
        "ADDONS", "BULLETIN_FRONTIER", "DOWNLOADER_MIDDLEWARES", "EXTENSIONS")})
    assert crawler.settings["SCHEDULER"].endswith("FrontierScheduler")
    assert crawler.settings["REDIS_URL"] == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(("uri", "problem"), [
    ("http://127.0.0.1:6379/0", "scheme 'http' is not redis"),
    ("redis://127.0.0.1/0", "no port"),
    ("redis://:6379/0", "no host"),
    ("redis://127.0.0.1:6379/zero", "database 'zero' is not a number"),
    ("redis://127.0.0.1:port/0", "Port could not be cast"),
])
def test_a_malformed_frontier_uri_is_bad_input(uri, problem):
    with pytest.raises(CrawlInputError, match=problem):
        check_frontier(uri)
    check_uri("redis://:secret@10.0.0.5:6379/2")


def test_an_unreachable_frontier_is_one_line_without_its_password():
    uri = f"redis://:secret@127.0.0.1:{free_port()}/0"
    with pytest.raises(FrontierUnavailable) as error:
        check_reachable(uri)
    assert "cannot be used" in str(error.value) and "secret" not in str(error.value)
    assert redact(uri).startswith("redis://:***@127.0.0.1:")


def test_bulletin_crawl_answers_a_bad_frontier_with_one_line_and_exit_2(tmp_path):
    result = run_bulletin("crawl", "zzrb", "--frontier", "redis://:secret@127.0.0.1/0",
                          cwd=tmp_path, check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("bulletin crawl: frontier 'redis://:***@127.0.0.1/0': no port; "
                             "expected redis://HOST:PORT/DB, e.g. redis://127.0.0.1:6379/0\n")


def test_the_engine_internals_the_frontier_reads_are_there():
    """:mod:`bulletin_crawler.frontier.engine` reads ``_slot.inprogress`` and schedules
    ``_slot.nextcall``: a Scrapy upgrade that moves them must fail here."""

    async def make_slot() -> _Slot:
        return _Slot(True, CallLaterOnce(lambda: None), scheduler=object())  # type: ignore[arg-type]

    slot = asyncio.run(make_slot())
    assert isinstance(slot.inprogress, set) and isinstance(slot.nextcall, CallLaterOnce)
    assert slot.closing is None
