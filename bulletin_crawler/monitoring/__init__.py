"""Monitors that judge a finished crawl the way a news archive needs (Spidermon suites), the
per-article counts they read, and the alerts they send. See docs/operations.md."""

#: The monitor that repeats the crawl's own verdict (:mod:`bulletin_crawler.extensions.outcome`)
#: so that a failed crawl alerts; its reasons reach the run record once, through RunRecorder.
OUTCOME_MONITOR = "crawl outcome"
