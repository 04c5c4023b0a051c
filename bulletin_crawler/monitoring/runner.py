"""Spidermon's runner with results kept as one-line messages for the run record and the alerts,
and logged the same way: one warning line per failed monitor where Spidermon logs a traceback at
ERROR level (which would also count in the crawl's own error figure)."""

from __future__ import annotations

import logging
from typing import Any

from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner


class NewsMonitorResult(SpiderMonitorResult):
    def __init__(self, spider: Any):
        super().__init__(spider)
        self.failed_checks: list[dict[str, str]] = []

    def addFailure(self, test: Any, error: Any) -> None:
        super().addFailure(test, error)
        self.failed_checks.append({"monitor": test.method_name, "message": str(error[1])})

    def addError(self, test: Any, error: Any) -> None:
        super().addError(test, error)
        self.failed_checks.append({"monitor": test.method_name,
                              "message": f"monitor error: {error[1]!r}"})

    def write_errors(self) -> None:
        if self.step.item_result_class.name == "monitor":
            for failure in self.failed_checks:
                self.log(f"FAILED {failure['monitor']}: {failure['message']}", logging.WARNING)
            return
        for item in self.step.items_for_status("ERROR"):  # an alert that could not be sent
            self.log(f"ERROR {item.item.name}: {_last_line(item.error)}", logging.WARNING)

    def log(self, msg: Any, level: int = logging.DEBUG) -> None:
        self.spider.logger.log(level, "[Spidermon] %s", msg)

    def outcome(self) -> dict[str, Any]:
        """Passed, not applicable (skipped) and failed monitors, by name."""
        failed = {f["monitor"] for f in self.failed_checks}
        names = [item.monitor.method_name for item in self.monitor_results]
        skipped = [item.monitor.method_name for item in self.monitor_results
                   if item.status == "SKIPPED"]
        alert_errors = [{"alert": item.action.name, "error": _last_line(item.error)}
                        for item in self.monitors_failed_action_results if item.status == "ERROR"]
        return {"passed": [name for name in names if name not in failed and name not in skipped],
                "skipped": skipped, "failed": self.failed_checks, "alert_errors": alert_errors}


class NewsMonitorRunner(SpiderMonitorRunner):
    def create_result(self) -> NewsMonitorResult:
        return NewsMonitorResult(self.spider)


def _last_line(traceback: Any) -> str:
    """The exception line of a formatted traceback."""
    return (str(traceback).strip().splitlines() or ["?"])[-1]
