"""Whether a crawl did its job, from its stats: the status a run record, ``bulletin crawl``'s exit
code, the scheduler and cron all rely on.

A crawl *fails* when it did not finish, when no entry page (an e-paper's layout page, a portal's
list page) could be fetched and read, or when article pages were fetched and none could be
read, or when every article link it found was refused for its host (the site moved to a host its
file does not list). A missing e-paper issue (404) and a run with nothing new are not failures. Monitors
(:mod:`bulletin_crawler.monitoring`) may add failures of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _get(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0


def failure_reasons(stats: Mapping[str, Any]) -> list[str]:
    """Why the crawl failed; empty when it did its job."""
    reasons = []
    finish = stats.get("finish_reason", "did not start")
    if finish != "finished":
        reasons.append(f"finish reason {finish}")
    for kind in ("layout", "list"):
        ok, failed = _get(stats, f"bulletin/{kind}_pages"), _get(stats, f"bulletin/{kind}_pages_failed")
        if failed and not ok:
            reasons.append(f"every {kind} page failed ({failed})")
    entry_errors = _get(stats, "bulletin/request_errors") + _get(stats, "bulletin/parse_errors")
    fetched_nothing = not any(_get(stats, key) for key in (
        "bulletin/layout_pages", "bulletin/list_pages", "bulletin/issues_missing",
        "bulletin/article_pages", "bulletin/days_skipped_complete"))
    if fetched_nothing and entry_errors and not reasons:
        reasons.append(f"no page could be fetched ({entry_errors} errors)")
    refused = _get(stats, "bulletin/article_links_refused")
    if refused and not _get(stats, "bulletin/article_pages") \
            and not _get(stats, "bulletin/skipped_known"):
        reasons.append(f"every article link was refused ({refused}): is the site on a host"
                       " its file does not list?")
    if _get(stats, "bulletin/article_pages") and not _get(stats, "bulletin/articles_parsed"):
        reasons.append("no article page could be read")
    return reasons
