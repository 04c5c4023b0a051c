"""A static HTTP server on 127.0.0.1 for the demo, the tests and the benchmarks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from os import PathLike
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    requested: list[str]
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".shtml": "text/html", ".jhtml": "text/html", ".jsp": "text/xml"}

    def guess_type(self, path: str | PathLike[str]) -> str:
        return "text/xml" if "@" in str(path) else super().guess_type(path)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requested.append(self.path)  # type: ignore[attr-defined]
        super().do_GET()

    def do_POST(self) -> None:
        """A POST is answered with the file ``PATH@QUERY`` (Hanweb's ``dataproxy.jsp`` pages)."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requested.append("POST " + self.path)  # type: ignore[attr-defined]
        path, _, query = self.path.partition("?")
        self.path = f"{path}@{query}" if query else path
        super().do_GET()


@contextmanager
def serve_directory(root: Path | str) -> Iterator[tuple[str, list[str]]]:
    """Serve ``root`` on a free loopback port; yields the base URL and the list of paths
    requested so far (tests assert on it; POSTs are listed as ``POST /path?query``)."""
    handler = partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.requested = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server.requested  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
