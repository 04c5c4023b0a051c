"""Monitors of a finished crawl: each check on its own (stats in, verdict out), and a real
crawl of a deliberately broken site whose monitor failures reach the run record, the exit
status, ``bulletin status``, an SMTP server and a webhook receiver — without a credential in
any log, record or alert."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.settings import Settings

from bulletin_crawler.monitoring.monitors import NewsMonitorSuite
from bulletin_crawler.monitoring.runner import NewsMonitorRunner
from bulletin_crawler.monitoring.thresholds import threshold_problem, thresholds_for
from bulletin_crawler.sites.config import SiteFileError, parse_site

from .conftest import run_bulletin
from .faults.server import FaultServer, Status, free_port
from .faults.sites import founder_epaper, trs_portal
from .ops.receivers import smtp_server, webhook_server
from .ops.sites import days, write_scheduled

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0")
SMTP_PASSWORD = "smtp-pa55-never-logged"
WEBHOOK_TOKEN = "hook-t0ken-never-logged"


def judge(stats: dict[str, Any], kind: str = "portal", **site: Any) -> dict[str, Any]:
    from bulletin_crawler import settings as project

    thresholds = thresholds_for(site, Settings(vars(project)))
    result = NewsMonitorRunner(Spider(name="site")).run(
        NewsMonitorSuite(), stats={"finish_reason": "finished", **stats}, crawler=None,
        spider=Spider(name="site"), thresholds=thresholds, kind=kind, run={})
    return result.outcome()


def failed(outcome: dict[str, Any]) -> dict[str, str]:
    return {f["monitor"]: f["message"] for f in outcome["failed"]}


HEALTHY = {"downloader/request_count": 40, "downloader/response_count": 40,
           "downloader/response_status_count/200": 40, "response_received_count": 40,
           "bulletin/article_pages": 30, "bulletin/articles_parsed": 30,
           "bulletin/articles_stored": 30, "bulletin/coverage/articles": 30,
           "bulletin/coverage/published_at": 30, "bulletin/coverage/body": 30,
           "bulletin/coverage/reporters": 12}


def test_a_healthy_crawl_passes_and_checks_that_do_not_apply_are_skipped():
    outcome = judge(HEALTHY)
    assert outcome["failed"] == []
    assert set(outcome["skipped"]) == {"missing issues", "reporters coverage"}


@pytest.mark.parametrize(("stats", "kind", "site", "expected"), [
    ({"bulletin/articles_stored": 0}, "portal", {"min_articles": 5},
     {"articles stored": "0 articles stored, expected at least 5"}),
    ({"bulletin/articles_stored": 0, "bulletin/issues_missing": 2}, "epaper", {"min_articles": 5},
     {}),  # an e-paper day without an issue is normal: judged by missing issues
    ({"bulletin/issues_missing": 4}, "epaper", {},
     {"missing issues": "4 issues missing, expected at most 3"}),
    ({"bulletin/request_errors": 6, "bulletin/parse_errors": 4, "log_count/ERROR": 10}, "portal",
     {},
     {"error ratio": "error ratio 0.25 (10 of 40 requests), expected at most 0.1"}),
    ({"downloader/response_status_count/503": 8}, "portal", {"max_5xx_ratio": 0.1},
     {"5xx ratio": "5xx ratio 0.20 (8 of 40 responses), expected at most 0.1"}),
    ({"finish_reason": "closespider_timeout"}, "portal", {},
     {"finish reason": "finish reason 'closespider_timeout', expected 'finished'",
      "crawl outcome": "finish reason closespider_timeout"}),
    ({"bulletin/list_pages_failed": 1, "bulletin/request_errors": 1}, "portal", {},
     {"crawl outcome": "every list page failed (1)"}),
    ({"bulletin/coverage/published_at": 3}, "portal", {},
     {"published_at coverage": "published_at coverage 0.10 (3 of 30 articles), expected at "
                               "least 0.9"}),
    ({}, "portal", {"min_reporters_coverage": 0.5},
     {"reporters coverage": "reporters coverage 0.40 (12 of 30 articles), expected at least 0.5"}),
    ({"bulletin/articles_parsed": 20, "bulletin/articles_dropped": 4}, "portal", {},
     {"unparseable share": None}),
    ({"bulletin/failed/http_500": 7, "bulletin/failed/timeout": 4}, "portal", {},
     {"failed pages": "11 pages lost after retries, expected at most 10 or a share of at most "
                      "0.01 (0.28 of 40 requests)"}),
    ({"bulletin/failed/http_500": 11, "downloader/request_count": 5000}, "portal", {},
     {}),  # a long backfill: 11 of 5,000 is within the share
    ({"bulletin/issues_missing": 17, "bulletin/days_walked": 61}, "epaper", {},
     {}),  # two months of a paper without weekend issues
    ({"bulletin/issues_missing": 40, "bulletin/days_walked": 61}, "epaper", {},
     {"missing issues": "40 issues missing, expected at most 3 or a share of at most 0.3 "
                        "(0.66 of 61 days walked)"}),
    ({"bulletin/refused/offsite": 3}, "portal", {"max_refused": 2},
     {"refused requests": "3 requests refused, expected at most 2"}),
])
def test_each_check_fails_alone_with_a_one_line_reason(stats, kind, site, expected):
    outcome = failed(judge({**HEALTHY, **stats}, kind, **site))
    if "unparseable share" in expected:  # 10 unread + 4 rejected of 30
        assert outcome == {"unparseable pages": "unparseable share 0.47 (14 of 30 article "
                                                "pages), expected at most 0.2"}
    else:
        assert outcome == expected


def test_shares_of_a_handful_of_pages_are_not_judged_but_losses_still_count():
    small = {"downloader/request_count": 6, "downloader/response_count": 6,
             "bulletin/article_pages": 3, "bulletin/articles_parsed": 2,
             "bulletin/parse_errors": 1, "bulletin/failed/parse_error": 1,
             "bulletin/articles_stored": 2, "bulletin/coverage/articles": 2,
             "bulletin/coverage/body": 2}
    outcome = judge(small)
    assert outcome["failed"] == []
    assert {"error ratio", "unparseable pages", "published_at coverage"} <= set(
        outcome["skipped"])
    assert failed(judge(small, max_failed_pages=0)) == {
        "failed pages": "1 pages lost after retries, expected at most 0"}
    assert failed(judge(small, min_sample=3))["unparseable pages"].startswith(
        "unparseable share 0.33 (1 of 3 article pages)")


def test_site_files_are_checked_for_monitor_thresholds_and_cron():
    base = {"key": "x1", "name": "x", "family": "gov-trs", "start_urls": ["http://a.cn/"],
            "region": {"province": "河南省", "code": "410104"}}
    for extra, message in (({"monitors": {"max_errors": 1}}, "monitors.max_errors"),
                           ({"monitors": {"max_5xx_ratio": 1.5}}, "share from 0 to 1"),
                           ({"monitors": {"finish_reasons": "finished"}}, "list of finish"),
                           ({"schedule": "20 7 * *"}, "5 fields"),
                           ({"schedule": "20 25 * * *"}, "Bad hour")):
        with pytest.raises(SiteFileError, match=message):
            parse_site({**base, **extra}, "x1.yaml")
    assert threshold_problem("enabled", False) is None


def crawl_runs(store: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(store) as db:
        return [json.loads(raw) for (raw,) in db.execute("SELECT run FROM crawl_runs")]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_broken_site_fails_its_monitors_in_the_record_the_exit_status_status_and_alerts(
        tmp_path):
    site = trs_portal(24, first_day=date(2021, 3, 1))
    store = tmp_path / "s.sqlite3"
    with FaultServer(site.routes) as server, smtp_server("alerts", SMTP_PASSWORD) as (
            smtp_port, inbox), webhook_server() as (hook_url, hook):
        for path in site.article_paths:  # every article answers 500: the lists are fine
            server.route(path, Status(500))
        write_scheduled(site, tmp_path / "sites", "broken", server.url,
                        monitors={"max_failed_pages": 3})
        crawl = run_bulletin(
            "crawl", "broken", "--sites", str(tmp_path / "sites"), "--store", f"sqlite:///{store}",
            "--since", "2021-03-01", *FAST, "-s", "BULLETIN_ALERT_EMAIL_TO=ops@example.invalid",
            "-s", "BULLETIN_ALERT_SMTP_HOST=127.0.0.1",
            "-s", f"BULLETIN_ALERT_SMTP_PORT={smtp_port}", "-s", "BULLETIN_ALERT_SMTP_USER=alerts",
            "-s", f"BULLETIN_ALERT_WEBHOOK_URL={hook_url}",
            "-s", f"BULLETIN_ALERT_FILE={tmp_path / 'alerts.jsonl'}", cwd=tmp_path, check=False,
            env={"BULLETIN_ALERT_SMTP_PASSWORD": SMTP_PASSWORD,
                 "BULLETIN_ALERT_WEBHOOK_TOKEN": WEBHOOK_TOKEN})
    assert crawl.returncode == 1, crawl.stderr[-3000:]
    assert "Traceback" not in crawl.stderr
    # the crawl itself did its job (lists read, pages remembered): only monitors fail it
    [run] = crawl_runs(store)
    assert run["status"] == "failed" and run["finish_reason"] == "finished"
    assert all(reason.startswith("monitor ") for reason in run["reasons"]), run["reasons"]
    failures = {f["monitor"]: f["message"] for f in run["monitors"]["failed"]}
    assert failures["failed pages"] == ("24 pages lost after retries, expected at most 3 or a "
                                        "share of at most 0.01 (0.89 of 27 requests)")
    assert set(failures) == {"failed pages", "5xx ratio", "error ratio"}
    assert run["monitors"]["alert_errors"] == []
    assert "monitor failed pages: 24 pages lost after retries" in crawl.stdout
    assert "monitors: 3 of" in crawl.stderr
    # alerts: an e-mail after a login, a webhook POST with the bearer token, a file line
    assert inbox.logins and all(login.endswith(":ok") for login in inbox.logins)
    [mail] = inbox.messages
    assert mail["Subject"] == "[bulletin] broken: 3 monitors failed"
    assert mail["To"] == "ops@example.invalid"
    assert "failed pages: 24 pages lost after retries" in mail.get_payload(decode=True).decode()
    [post] = hook.posts
    assert post["site"] == "broken" and post["run_id"] == run["run_id"]
    assert {f["monitor"] for f in post["failed_monitors"]} == set(failures)
    assert hook.headers[0]["Authorization"] == f"Bearer {WEBHOOK_TOKEN}"
    [line] = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["failed_monitors"] == post["failed_monitors"]
    # no credential anywhere it could be read
    readable = crawl.stdout + crawl.stderr + store.read_bytes().decode("latin-1") + line
    assert SMTP_PASSWORD not in readable and WEBHOOK_TOKEN not in readable
    # bulletin status: the line, first because stale, and the JSON
    table = run_bulletin("status", "--store", f"sqlite:///{store}", "--sites",
                         str(tmp_path / "sites"), cwd=tmp_path).stdout.splitlines()
    assert table[0].split()[:4] == ["site", "last", "run", "took"]
    assert table[1].startswith("broken ") and " failed " in table[1]
    assert "5xx ratio, error ratio, failed pages" in table[1] and "STALE" in table[1]
    [status] = json.loads(run_bulletin("status", "--json", "--store", f"sqlite:///{store}",
                                       "--sites", str(tmp_path / "sites"), cwd=tmp_path).stdout)
    assert status["site"] == "broken" and status["stale"] is True
    assert status["last_run"]["status"] == "failed" and status["last_run"]["stored"] == 0
    assert status["last_run"]["started_at"] == run["started_at"]
    assert status["last_run"]["failed_monitors"] == ["5xx ratio", "error ratio", "failed pages"]
    assert status["next_due"]  # portals: every three hours by default


def test_a_monitor_suite_that_cannot_be_imported_fails_the_run_not_the_crawl(tmp_path):
    site = founder_epaper(date(2021, 3, 1), 1, 2)
    store = tmp_path / "s.sqlite3"
    with FaultServer(site.routes) as server:
        write_scheduled(site, tmp_path / "sites", "paper", server.url)
        crawl = run_bulletin("crawl", "paper", "--sites", str(tmp_path / "sites"), "--store",
                             f"sqlite:///{store}", *FAST, "-s",
                             "BULLETIN_MONITOR_SUITE=bulletin_crawler.nowhere.Suite",
                             *(f"--{k}={v}" for k, v in days(site).items()), cwd=tmp_path,
                             check=False)
    assert crawl.returncode == 1 and "Traceback" not in crawl.stderr
    assert "stored 2" in crawl.stdout
    [run] = crawl_runs(store)
    assert run["status"] == "failed"
    assert run["reasons"] == [
        "monitor monitor suite: monitor suite bulletin_crawler.nowhere.Suite cannot be loaded: "
        "ModuleNotFoundError(\"No module named 'bulletin_crawler.nowhere'\")"]


def test_a_crawl_that_failed_on_its_own_alerts_and_keeps_its_reasons_once(tmp_path):
    site = founder_epaper(date(2021, 3, 1), 1, 2)
    store = tmp_path / "s.sqlite3"
    write_scheduled(site, tmp_path / "sites", "paper", f"http://127.0.0.1:{free_port()}")
    crawl = run_bulletin("crawl", "paper", "--sites", str(tmp_path / "sites"), "--store",
                         f"sqlite:///{store}", *FAST,
                         *(f"--{k}={v}" for k, v in days(site).items()),
                         "-s", f"BULLETIN_ALERT_FILE={tmp_path / 'alerts.jsonl'}", cwd=tmp_path,
                         check=False)
    assert crawl.returncode == 1
    [run] = crawl_runs(store)
    assert run["reasons"] == ["every layout page failed (1)"]  # once, not again as a monitor
    assert [f["monitor"] for f in run["monitors"]["failed"]] == ["crawl outcome"]
    [alert] = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(alert)["failed_monitors"] == [
        {"monitor": "crawl outcome", "message": "every layout page failed (1)"}]
