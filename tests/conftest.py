"""Shared fixtures: real local HTTP servers over fixture sites, the CLI in a subprocess, stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bulletin_crawler.demo.server import serve_directory

TESTS = Path(__file__).parent
SITES_FIXTURES = TESTS / "sites"
SHARED = TESTS.parent.parent / "shared"


@pytest.fixture
def serve():
    """Serve a directory on a free loopback port: ``with serve(path) as (base, requested)``."""
    return serve_directory


# What an operator's shell may set that would point a test's crawl at real data or services.
OPERATOR_ENV = ("BULLETIN_STORE", "BULLETIN_SITES", "BULLETIN_JOURNAL_DIR", "BULLETIN_FRONTIER",
                "BULLETIN_CONTACT", "BULLETIN_ALERT_SMTP_PASSWORD",
                "BULLETIN_ALERT_WEBHOOK_TOKEN")


def run_bulletin(*args: str, cwd: Path, env: dict[str, str] | None = None,
                 check: bool = True) -> subprocess.CompletedProcess[str]:
    """The ``bulletin`` command as a user runs it, in its own process."""
    # an operator's own store, sites, journal or frontier never leak into a test's crawl
    inherited = {name: value for name, value in os.environ.items() if name not in OPERATOR_ENV}
    full_env = {**inherited, "PYTHONUTF8": "1", **(env or {})}
    result = subprocess.run([sys.executable, "-m", "bulletin_crawler.cli", *args], cwd=cwd,
                            env=full_env, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"bulletin {' '.join(args)} exited {result.returncode}\n"
                             f"stdout:\n{result.stdout}\nstderr:\n{result.stderr[-4000:]}")
    return result


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def mongo_client(monkeypatch) -> Iterator[Any]:
    """A mongomock client. mongomock 4.3 predates pymongo 4.10, whose ``UpdateOne`` passes a
    ``sort`` option to the bulk builder; we never set it, so the shim drops it when it is None."""
    import mongomock.collection

    builder = mongomock.collection.BulkOperationBuilder
    original = builder.add_update

    def add_update(self: Any, *args: Any, sort: Any = None, **kwargs: Any) -> Any:
        assert sort is None, "mongomock cannot emulate UpdateOne(sort=...)"
        return original(self, *args, **kwargs)

    monkeypatch.setattr(builder, "add_update", add_update)
    yield mongomock.MongoClient()
