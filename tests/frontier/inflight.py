"""How hard a set of workers hits a server: a route wrapper that counts the requests in flight
at the server (from the moment one arrives to the moment its answer is sent) and keeps the peak,
so a test can check the site's politeness limit across processes."""

from __future__ import annotations

import threading

from ..faults.server import Exchange, Route


class InFlight:
    """Shared by every :class:`Counted` route of one site."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self._lock:
            self.now -= 1


class Counted(Route):
    def __init__(self, route: Route, counter: InFlight):
        self.route = route
        self.counter = counter

    def serve(self, exchange: Exchange) -> None:
        self.counter.enter()
        try:
            self.route.serve(exchange)
        finally:
            self.counter.leave()


def counted(routes: dict[str, Route], counter: InFlight) -> dict[str, Route]:
    return {path: Counted(route, counter) for path, route in routes.items()}
