"""Downloader middlewares: what a crawl may fetch, and how it behaves when a server misbehaves."""
