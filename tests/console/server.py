"""``bulletin serve`` in its own process, as an operator starts it, on a free loopback port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTED = re.compile(r"bulletin console on (http://\S+/)")


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]

    def output(self) -> str:
        """Everything the server printed (call after it stopped)."""
        out, err = self.process.communicate(timeout=10)
        return out + err


@contextmanager
def console(store: str, *args: str, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> Iterator[Served]:
    """Start ``bulletin serve --store STORE --port 0 ARGS`` and yield its URL; stopped (by its
    own pid) on exit."""
    inherited = {name: value for name, value in os.environ.items()
                 if not name.startswith("BULLETIN_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bulletin_crawler.cli", "serve", "--store", store, "--port", "0",
         *args], env={**inherited, "PYTHONUTF8": "1", **(env or {})}, cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    found = STARTED.search(first)
    if not found:
        process.kill()
        raise AssertionError(f"bulletin serve did not start: {first}{process.stderr.read()}")
    served = Served(found.group(1), process)
    try:
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
