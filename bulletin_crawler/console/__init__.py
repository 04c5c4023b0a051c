"""``bulletin serve``: a read-only web console and JSON data API over the archive.

Operators see every site's state (last run, failed monitors, next due, staleness, articles per
day); data teams browse, search (Chinese substrings of two characters or more) and download the
archive. Server-rendered pages (Jinja2) and an OpenAPI-described JSON API (FastAPI), with every
asset shipped in the package. See docs/console.md. The app is in :mod:`.app` (imported only
when the console is served: FastAPI is a quarter of a second of every command's start-up).
"""
