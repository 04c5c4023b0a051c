"""Helpers of the operations tests: scheduled fixture sites, a real Scrapyd, alert receivers."""
