"""The monitors of a finished news crawl, as a Spidermon suite.

Each check reads the crawl's stats (``self.data.stats``) and the site's thresholds
(``self.data.thresholds``, :mod:`.thresholds`); a failure says what was seen and what was
expected, in one line, so it can stand in the run record, the log, an e-mail and a webhook.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spidermon import Monitor, MonitorSuite, monitors

from bulletin_crawler.extensions.outcome import failure_reasons
from bulletin_crawler.monitoring import OUTCOME_MONITOR
from bulletin_crawler.monitoring.counting import ARTICLES, PREFIX


def _int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0


def _sum(stats: Mapping[str, Any], prefix: str) -> int:
    return sum(value for key, value in stats.items()
               if key.startswith(prefix) and isinstance(value, int))


class NewsMonitor(Monitor):
    """Helpers shared by the checks: stats by key, thresholds, one-line failures."""

    @property
    def stats(self) -> Mapping[str, Any]:
        return self.data.stats

    @property
    def limit(self) -> Mapping[str, Any]:
        return self.data.thresholds

    @property
    def kind(self) -> str:
        return str(self.data.kind)

    def check(self, passed: bool, message: str) -> None:
        if not passed:
            self.fail(message)

    def check_share(self, what: str, part: int, whole: int, of: str, name: str,
                    at_most: bool) -> None:
        """``part / whole`` against threshold ``name``; skipped below ``min_sample`` (one bad
        page of three is not a 33 % failure rate; losses are still counted by the checks that
        count)."""
        if whole < max(1, int(self.limit["min_sample"])):
            self.skipTest(f"too few {of} to judge a share ({whole})")
        share, bound = part / whole, float(self.limit[name])
        passed = share <= bound if at_most else share >= bound
        word = "at most" if at_most else "at least"
        self.check(passed, f"{what} {share:.2f} ({part} of {whole} {of}), expected {word} "
                           f"{bound:g}")

    def check_count_or_share(self, what: str, part: int, whole: int, of: str, count: str,
                             share: str) -> None:
        """At most ``count`` — or, in a long run, at most ``share`` of ``whole``: three missing
        issues are many in a two-day window and few in a year's backfill."""
        bound, ratio = int(self.limit[count]), float(self.limit[share])
        judged = whole >= max(1, int(self.limit["min_sample"]))
        if part <= bound or (judged and part / whole <= ratio):
            return
        self.fail(f"{part} {what}, expected at most {bound}" + (
            f" or a share of at most {ratio:g} ({part / whole:.2f} of {whole} {of})"
            if judged else ""))


@monitors.name("volume")
class VolumeMonitor(NewsMonitor):
    @monitors.name("articles stored")
    def test_articles_stored(self) -> None:
        """Portals and generic sites: at least ``min_articles`` stored (default 0: a run with
        nothing new is normal)."""
        if self.kind == "epaper":
            self.skipTest("e-papers are judged by missing issues")
        stored, minimum = _int(self.stats, "bulletin/articles_stored"), self.limit["min_articles"]
        self.check(stored >= minimum, f"{stored} articles stored, expected at least {minimum}")

    @monitors.name("missing issues")
    def test_missing_issues(self) -> None:
        """E-papers: a day without an issue stores nothing and is normal, so count the days
        whose issue was missing instead."""
        if self.kind != "epaper":
            self.skipTest("only e-papers have issues")
        self.check_count_or_share("issues missing", _int(self.stats, "bulletin/issues_missing"),
                                  _int(self.stats, "bulletin/days_walked"), "days walked",
                                  "max_missing_issues", "max_missing_issue_share")


@monitors.name("errors")
class ErrorMonitor(NewsMonitor):
    @monitors.name("error ratio")
    def test_error_ratio(self) -> None:
        """Requests that failed and pages that could not be parsed, per request made (error
        log lines are not added: each of these already logs one)."""
        errors = _int(self.stats, "bulletin/request_errors") + _int(self.stats,
                                                                     "bulletin/parse_errors")
        requests = _int(self.stats, "downloader/request_count")
        if requests == 0 and errors:
            self.fail(f"{errors} errors and no request made")
        self.check_share("error ratio", errors, requests, "requests", "max_error_ratio",
                         at_most=True)

    @monitors.name("5xx ratio")
    def test_5xx_ratio(self) -> None:
        server_errors = sum(value for key, value in self.stats.items()
                            if key.startswith("downloader/response_status_count/5")
                            and isinstance(value, int))
        responses = _int(self.stats, "downloader/response_count")
        self.check_share("5xx ratio", server_errors, responses, "responses", "max_5xx_ratio",
                         at_most=True)

    @monitors.name(OUTCOME_MONITOR)
    def test_outcome(self) -> None:
        """The crawl's own verdict (:mod:`bulletin_crawler.extensions.outcome`: every entry page
        failed, nothing fetched…), so that a failed crawl alerts like a failed monitor."""
        reasons = failure_reasons(self.stats)
        self.check(not reasons, "; ".join(reasons))

    @monitors.name("finish reason")
    def test_finish_reason(self) -> None:
        reason, allowed = self.stats.get("finish_reason"), self.limit["finish_reasons"]
        self.check(reason in allowed,
                   f"finish reason {reason!r}, expected {' or '.join(map(repr, allowed))}")


@monitors.name("coverage")
class CoverageMonitor(NewsMonitor):
    def coverage(self, field: str) -> None:
        name = f"min_{field}_coverage"
        if not self.limit[name]:
            self.skipTest(f"no {field} expected from this site")
        self.check_share(f"{field} coverage", _int(self.stats, PREFIX + field),
                         _int(self.stats, ARTICLES), "articles", name, at_most=False)

    @monitors.name("published_at coverage")
    def test_published_at(self) -> None:
        self.coverage("published_at")

    @monitors.name("body coverage")
    def test_body(self) -> None:
        self.coverage("body")

    @monitors.name("reporters coverage")
    def test_reporters(self) -> None:
        """Articles with a byline (reporters or authors); 0 for sites without bylines."""
        self.coverage("reporters")


@monitors.name("losses")
class LossMonitor(NewsMonitor):
    @monitors.name("unparseable pages")
    def test_unparseable(self) -> None:
        """Article pages that gave no article: not readable, or rejected (soft 404, no
        title, no body)."""
        pages = _int(self.stats, "bulletin/article_pages")
        unread = pages - _int(self.stats, "bulletin/articles_parsed")
        rejected = _int(self.stats, "bulletin/articles_dropped")
        self.check_share("unparseable share", unread + rejected, pages, "article pages",
                         "max_unparseable_share", at_most=True)

    @monitors.name("failed pages")
    def test_failed_pages(self) -> None:
        self.check_count_or_share("pages lost after retries", _sum(self.stats, "bulletin/failed/"),
                                  _int(self.stats, "downloader/request_count"), "requests",
                                  "max_failed_pages", "max_failed_share")

    @monitors.name("refused requests")
    def test_refused(self) -> None:
        refused, bound = _sum(self.stats, "bulletin/refused/"), self.limit["max_refused"]
        self.check(refused <= bound, f"{refused} requests refused, expected at most {bound}")


class NewsMonitorSuite(MonitorSuite):
    """Every check of a finished crawl; alerts are added by
    :class:`bulletin_crawler.monitoring.extension.NewsMonitors` from the settings."""

    monitors = [VolumeMonitor, ErrorMonitor, CoverageMonitor, LossMonitor]
