"""Scheduled crawls: cron slots per site, leases in the crawls' own store, and executors that run
the crawls (local subprocesses or Scrapyd nodes). See docs/operations.md."""
