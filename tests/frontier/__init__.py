"""Helpers of the frontier tests: a real Redis on loopback, workers as ``bulletin crawl``
processes, and a server route that measures how many requests are in flight at once."""
