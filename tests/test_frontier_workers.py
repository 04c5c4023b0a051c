"""Two ``bulletin crawl`` workers on one Redis frontier (a real ``redis-server``, loopback, no
persistence) against one fixture site that answers every request after a delay: between them
they store every article once, fetch every article page once, keep the site's concurrency
limit, mark e-paper days complete, and stop by themselves; a worker killed with ``kill -9``
midway loses nothing, and running the command again fetches no article again; a Redis that
loses its data midway stops the workers, and the next run resumes from the store."""

from __future__ import annotations

import re
import signal
import time
from datetime import date
from pathlib import Path

import pytest

from .faults.server import FaultServer, Slow, Status
from .faults.sites import GeneratedSite, founder_epaper, trs_portal
from .frontier.fixtures import redis_server_fixture
from .frontier.inflight import InFlight, counted
from .frontier.redis_server import RedisServer
from .frontier.workers import crawl_command, finish, start, stored

LIMIT = 3  # the site's concurrency; each worker alone would also use 3
LATENCY = 0.05  # seconds every answer takes
SETTINGS = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "RETRY_TIMES=0",
            f"CONCURRENT_REQUESTS_PER_DOMAIN={LIMIT}", "BULLETIN_FRONTIER_IDLE_CLOSE=1.5",
            "BULLETIN_FRONTIER_LEASE=2", "BULLETIN_FRONTIER_ACK_INTERVAL=0.5")
PAGES = re.compile(r"^summary: pages (\d+)", re.MULTILINE)


def served(site: GeneratedSite, counter: InFlight) -> FaultServer:
    routes = {path: Slow(route, LATENCY) for path, route in site.routes.items()}
    return FaultServer(counted({**routes, "/robots.txt": Status(404)}, counter))


def article_hits(server: FaultServer, site: GeneratedSite) -> list[str]:
    articles = set(site.article_paths)
    return [path for hit in server.log if (path := hit.path.split("?")[0]) in articles]


def crawl_together(tmp_path: Path, site: GeneratedSite, redis: RedisServer
                   ) -> tuple[list[str], list[str], int]:
    """Two workers to the end: their summaries, the article pages fetched, the peak of requests
    in flight at the server."""
    counter = InFlight()
    with served(site, counter) as server:
        args = crawl_command(tmp_path, site, "paper", server.url, redis.uri, *SETTINGS)
        workers = [start(args, tmp_path, f"worker{n}") for n in range(2)]
        outputs = [finish(process, tmp_path, f"worker{n}") for n, process in enumerate(workers)]
        return outputs, article_hits(server, site), counter.peak


def holds_requests(redis: RedisServer, pid: int) -> bool:
    """Whether the worker with this process id has taken requests it has not acknowledged."""
    client = redis.client()
    keys = client.keys(f"bulletin:frontier:paper:*:taken:*:{pid}:*")
    return any(client.hlen(key) for key in keys)


def assert_crawl_finished(redis: RedisServer) -> None:
    """The last worker out dropped the crawl: its seen-set and queue are gone."""
    client = redis.client()
    assert client.keys("bulletin:frontier:*") == [b"bulletin:frontier:paper:last"]
    assert client.hget("bulletin:frontier:paper:last", "state") == b"finished"


def test_two_workers_split_an_epaper_backfill_and_fetch_each_page_once(tmp_path, redis_server):
    site = founder_epaper(date(2021, 1, 1), 12, 8)
    outputs, hits, peak = crawl_together(tmp_path, site, redis_server)
    assert stored(tmp_path) == (96, 96, 12)  # every article once, every day marked complete
    assert sorted(hits) == sorted(site.article_paths)  # each article page fetched once
    assert 0 < peak <= LIMIT
    assert all(int(PAGES.search(out)[1]) > 0 for out in outputs)  # both did their share
    assert_crawl_finished(redis_server)


def test_two_workers_split_a_portal_and_fetch_each_page_once(tmp_path, redis_server):
    site = trs_portal(160, per_page=20, first_day=date(2021, 1, 1), per_day=10,
                      reposts_every=5)
    outputs, hits, peak = crawl_together(tmp_path, site, redis_server)
    # an exact repost fetched by the other worker is still one story (ids come from the text)
    exact = len(list(site.reposts)[1::2])
    assert stored(tmp_path)[:2] == (160 - exact, 160 - exact) and exact > 0
    assert sorted(hits) == sorted(site.article_paths)
    assert 0 < peak <= LIMIT
    assert all(int(PAGES.search(out)[1]) > 0 for out in outputs)
    assert_crawl_finished(redis_server)


@pytest.mark.parametrize("family", ["epaper", "portal"])
def test_a_worker_killed_midway_loses_nothing(tmp_path, redis_server, family):
    if family == "epaper":
        site, days = founder_epaper(date(2021, 1, 1), 14, 10), 14
    else:
        site, days = trs_portal(200, per_page=20, first_day=date(2021, 1, 1), per_day=10), 0
    total = len(site.article_paths)
    with served(site, InFlight()) as server:
        args = crawl_command(tmp_path, site, "paper", server.url, redis_server.uri, *SETTINGS)
        victim, survivor = (start(args, tmp_path, name) for name in ("victim", "survivor"))
        deadline = time.monotonic() + 60
        while not (len(article_hits(server, site)) >= 0.4 * total
                   and holds_requests(redis_server, victim.pid)):
            assert victim.poll() is None, "the worker ended before it could be killed"
            assert time.monotonic() < deadline, "the worker never held a request"
            time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.wait(30)
        finish(survivor, tmp_path, "survivor")  # it takes back what the victim held
        assert stored(tmp_path) == (total, total, days)
        assert "went back to the queue" in (tmp_path / "survivor.err").read_text()
        server.clear_log()
        again = start(args, tmp_path, "again")
        assert "status: ok" in finish(again, tmp_path, "again")
        assert article_hits(server, site) == []  # nothing was left to fetch
    assert stored(tmp_path) == (total, total, days)
    assert_crawl_finished(redis_server)


def test_a_frontier_that_loses_its_data_midway_loses_no_article(tmp_path, redis_server):
    site = trs_portal(200, per_page=20, first_day=date(2021, 1, 1), per_day=10)
    with served(site, InFlight()) as server:
        args = crawl_command(tmp_path, site, "paper", server.url, redis_server.uri, *SETTINGS)
        workers = [start(args, tmp_path, f"worker{n}") for n in range(2)]
        deadline = time.monotonic() + 60
        while len(article_hits(server, site)) < 0.4 * len(site.article_paths):
            assert time.monotonic() < deadline, "the crawl did not get going"
            time.sleep(0.02)
        redis_server.client().flushall()  # a restart without persistence
        for process in workers:
            assert process.wait(60) == 1  # each stops: its frontier is gone
        assert "frontier_lost" in (tmp_path / "worker0.out").read_text()
        assert stored(tmp_path)[0] < len(site.article_paths)
        again = start(args, tmp_path, "again")
        assert "status: ok" in finish(again, tmp_path, "again")
    assert "resuming" in (tmp_path / "again.err").read_text()
    assert stored(tmp_path)[:2] == (200, 200)
