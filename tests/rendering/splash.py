"""A stand-in for Splash on loopback: its ``render.html`` and ``execute`` endpoints take the
JSON arguments Splash takes and answer as Splash does, from stored rendered HTML (no browser).

A URL it has no page for is a page that answered 404: ``render.html`` says so in its JSON error,
our ``execute`` script in its error header — both with status 502, as Splash does. ``failures``
answers chosen URLs with another status (504: Splash gave up rendering).
"""

from __future__ import annotations

import json

from bulletin_crawler.rendering.scripts import ERROR_HEADER
from tests.faults.server import Exchange, Route


class SplashStub(Route):
    def __init__(self, rendered: dict[str, str], failures: dict[str, int] | None = None):
        self.rendered = rendered  # URL → rendered HTML
        self.failures = failures or {}  # URL → status

    def serve(self, exchange: Exchange) -> None:
        args = json.loads(exchange.request.body)
        url = args["url"]
        if url in self.failures:
            status = self.failures[url]
            exchange.respond(status, {"Content-Type": "application/json"}, json.dumps(
                {"error": status, "type": "GlobalTimeoutError",
                 "description": "Timeout exceeded rendering page", "info": {"timeout": 30}}
            ).encode())
        elif url in self.rendered:
            exchange.respond(200, {"Content-Type": "text/html; charset=utf-8"},
                             self.rendered[url].encode("utf-8"))
        elif exchange.request.path == "/execute":
            exchange.respond(502, {ERROR_HEADER: "http404"})
        else:
            exchange.respond(502, {"Content-Type": "application/json"}, json.dumps(
                {"error": 502, "type": "RenderError", "description": "Error rendering page",
                 "info": {"type": "HTTP", "code": 404, "text": "Not Found", "url": url}}
            ).encode())
