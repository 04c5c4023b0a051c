"""Monitors that judge a finished crawl the way a news archive needs (Spidermon suites), the
per-article counts they read, and the alerts they send. See docs/operations.md."""
