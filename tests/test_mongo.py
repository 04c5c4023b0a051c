"""The MongoDB store as a data product: validator, BSON dates, outage journal, runs, export.

Unit tests use mongomock, which has no validators: ``validate`` below emulates the server's
``$jsonSchema`` check (bsonType, required, enum, pattern, minLength, minItems, items) on the raw
stored documents. The real-server suite at the end runs when BULLETIN_TEST_MONGO_URI is set.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bulletin_crawler.demo import DEMO_DIR, DEMO_SITE_ROOT
from bulletin_crawler.stores.journal import Journal, store_identity
from bulletin_crawler.stores.mongo import MongoStore
from bulletin_crawler.stores.schema import ARTICLE_SCHEMA

from .conftest import jsonl, run_bulletin

BSON_TYPES = {"string": str, "object": dict, "array": list, "int": int, "date": datetime,
              "null": type(None), "bool": bool}


def validate(value: Any, schema: dict[str, Any], path: str = "doc") -> list[str]:
    """Problems of ``value`` against a ``$jsonSchema`` subset (the one our validator uses)."""
    problems = []
    types = schema.get("bsonType")
    if types:
        allowed = tuple(BSON_TYPES[t] for t in ([types] if isinstance(types, str) else types))
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            return [f"{path}: {type(value).__name__} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            problems.append(f"{path}: too short")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            problems.append(f"{path}: too few items")
        for index, item in enumerate(value):
            problems += validate(item, schema.get("items", {}), f"{path}[{index}]")
    if isinstance(value, dict):
        problems += [f"{path}.{name}: required" for name in schema.get("required", [])
                     if name not in value]
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += validate(value[name], sub, f"{path}.{name}")
    return problems


def free_closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def crawl_demo(serve, tmp_path: Path, store: str, loglevel: str = "WARNING") -> str:
    """The demo crawl into ``store``; stdout and stderr (the log) together."""
    with serve(DEMO_SITE_ROOT) as (origin, _requested):
        result = run_bulletin("crawl", "demo-daily", "--sites", str(DEMO_DIR), "--origin",
                              origin, "--since", "2020-11-28", "--until", "2020-11-30",
                              "--store", store, "--loglevel", loglevel,
                              "-s", "DOWNLOAD_DELAY=0", "-s", "BULLETIN_MONGO_TIMEOUT_MS=300",
                              "-s", f"BULLETIN_JOURNAL_DIR={tmp_path / 'journal'}",
                              cwd=tmp_path)
    return result.stdout + result.stderr


def test_an_outage_loses_nothing_and_replay_never_duplicates(serve, tmp_path, mongo_client):
    down = f"mongodb://127.0.0.1:{free_closed_port()}/bulletin"
    summary = crawl_demo(serve, tmp_path, down)  # a real closed port: every write refused
    assert "finish reason: finished" in summary and "waiting 10" in summary
    [journal_file] = (tmp_path / "journal").iterdir()
    written = journal_file.read_text(encoding="utf-8")
    ops = [json.loads(line) for line in written.splitlines()]
    assert ops[0] == {"journal_of": store_identity(down)}  # the journal names its store
    # 6 stories, the repeated one again with its second place, and the 3 days (one without an
    # issue) marked
    assert Counter(op.get("op") for op in ops[1:]) == {"upsert": 7, "mark_days": 3}
    marked: set[str] = set()
    pages: set[str] = set()
    for op in ops[1:]:  # a day is marked only behind every article page of that day
        if op["op"] == "mark_days":
            marked.update(op["days"])
            continue
        for place in op["doc"]["places"]:
            if place["url"] not in pages:
                pages.add(place["url"])
                day = "-".join(place["url"].split("/html/")[1].split("/")[:2])
                assert day not in marked, f"{place['url']} written after its day's mark"
    journal = Journal.for_store(tmp_path / "journal", down)  # the same server, back up
    back = MongoStore("mongodb://localhost/bulletin", client=mongo_client, journal=journal)
    assert back.count() == 6 and not journal_file.exists()  # replayed on open
    assert back.completed_days("demo-daily") == {"2020-11-28", "2020-11-29", "2020-11-30"}
    repeated = next(doc for doc in back.iter_articles() if len(doc["sources"]) == 2)
    assert repeated["title"] == "管城回族区启动老旧小区改造三年行动"
    journal_file.write_text(written, encoding="utf-8")  # the same writes once more
    assert back.replay() == 10 and back.count() == 6
    assert len(back.get(repeated["id"])["sources"]) == 2
    back.close()


def test_a_journal_is_only_replayed_into_its_own_store(serve, tmp_path):
    down = f"mongodb://127.0.0.1:{free_closed_port()}/bulletin"
    crawl_demo(serve, tmp_path, down)
    [journal_file] = (tmp_path / "journal").iterdir()
    kept = journal_file.read_text(encoding="utf-8")
    other = f"sqlite:///{tmp_path}/other.sqlite3"
    summary = crawl_demo(serve, tmp_path, other)  # another store, the same working folder
    assert "stored 6" in summary
    assert journal_file.read_text(encoding="utf-8") == kept  # untouched, still for MongoDB
    assert {path.name for path in (tmp_path / "journal").iterdir()} == {journal_file.name}
    foreign = Journal.for_store(tmp_path / "journal", other)  # copied by hand under its name
    (tmp_path / "journal" / f"{foreign.prefix}.1.copied.jsonl").write_text(kept, encoding="utf-8")
    with pytest.raises(ValueError, match="holds writes for mongodb://"):
        foreign.read()


def test_stored_documents_satisfy_the_validator_and_use_bson_dates(serve, tmp_path,
                                                                   mongo_client):
    crawl_demo(serve, tmp_path, f"sqlite:///{tmp_path}/s.sqlite3")
    docs = jsonl(run_bulletin("export", "--store", f"sqlite:///{tmp_path}/s.sqlite3",
                              cwd=tmp_path).stdout)
    store = MongoStore("mongodb://localhost/bulletin", client=mongo_client)
    for doc in docs:
        store.upsert({**doc, "url_keys": [doc["url"]], "fingerprint": None})
    store.flush()
    raw = list(store.articles.find({}))
    assert len(raw) == 6
    assert all(validate(doc, ARTICLE_SCHEMA) == [] for doc in raw)
    assert isinstance(raw[0]["published_at"], datetime)
    assert {d["url"]: d for d in store.iter_articles()} == {d["url"]: d for d in docs}
    assert validate({**raw[0], "kind": "blog", "title": ""}, ARTICLE_SCHEMA) == [
        "doc.kind: 'blog' not in ['epaper', 'portal', 'generic']", "doc.title: too short"]
    store.close()


def test_runs_are_recorded_and_listed(serve, tmp_path):
    store = f"sqlite:///{tmp_path}/s.sqlite3"
    crawl_demo(serve, tmp_path, store)
    crawl_demo(serve, tmp_path, store)
    table = run_bulletin("runs", "--store", store, cwd=tmp_path).stdout.splitlines()
    assert table[0].split()[:3] == ["started", "at", "site"]
    assert len(table) == 3 and all("demo-daily" in row and " ok " in row for row in table[1:])


def test_export_filters_and_parquet(serve, tmp_path):
    store = f"sqlite:///{tmp_path}/s.sqlite3"
    crawl_demo(serve, tmp_path, store)
    day = jsonl(run_bulletin("export", "--store", store, "--since", "2020-11-30",
                             "--until", "2020-11-30", "--region", "410104", cwd=tmp_path).stdout)
    assert {doc["published_at"] for doc in day} == {"2020-11-30T00:00:00+08:00"}
    assert {doc["published_precision"] for doc in day} == {"day"} and len(day) == 3
    assert jsonl(run_bulletin("export", "--store", store, "--region", "410100",
                              cwd=tmp_path).stdout) == []
    pyarrow = pytest.importorskip("pyarrow.parquet") if not os.environ.get("CI") else \
        __import__("pyarrow.parquet").parquet
    run_bulletin("export", "--store", store, "--format", "parquet", "-o",
                 str(tmp_path / "a.parquet"), cwd=tmp_path)
    table = pyarrow.read_table(tmp_path / "a.parquet")
    assert table.num_rows == 6 and "reporters" in table.column_names


def test_credentials_are_never_printed(serve, tmp_path):
    output = crawl_demo(serve, tmp_path, f"mongodb://reader:s3cret@127.0.0.1:"
                                         f"{free_closed_port()}/bulletin", loglevel="DEBUG")
    assert "s3cret" not in output and "mongodb://reader:***@127.0.0.1" in output


MONGO_URI = os.environ.get("BULLETIN_TEST_MONGO_URI")
real_server = pytest.mark.skipif(not MONGO_URI, reason="set BULLETIN_TEST_MONGO_URI=mongodb://"
                                 "HOST/DB to run against a real MongoDB server (none can be "
                                 "installed on this machine)")


@pytest.mark.mongo_server
@real_server
def test_real_server_validator_indexes_and_crawl(serve, tmp_path):
    store = MongoStore(MONGO_URI)
    store.articles.drop()
    store.prepare()
    options = store.articles.options()
    assert options["validator"] == {"$jsonSchema": ARTICLE_SCHEMA}
    assert {"url_keys_unique", "region_published_at", "fingerprint_bands"} <= {
        index["name"] for index in store.articles.list_indexes()}
    store.close()
    crawl_demo(serve, tmp_path, MONGO_URI)
    crawl_demo(serve, tmp_path, MONGO_URI)
    docs = jsonl(run_bulletin("export", "--store", MONGO_URI, cwd=tmp_path).stdout)
    assert len(docs) == 6


@pytest.mark.mongo_server
@real_server
def test_real_server_journal_replay(serve, tmp_path):
    MongoStore(MONGO_URI).articles.delete_many({})
    crawl_demo(serve, tmp_path, f"mongodb://127.0.0.1:{free_closed_port()}/bulletin")
    store = MongoStore(MONGO_URI, journal=tmp_path / "journal.jsonl")  # replays on open
    assert store.count() == 6 and store.waiting() == 0
    store.close()


@pytest.mark.mongo_server
@real_server
def test_real_server_two_writers_race_to_one_document_per_story(serve, tmp_path):
    import subprocess
    import sys

    MongoStore(MONGO_URI).articles.delete_many({})
    with serve(DEMO_SITE_ROOT) as (origin, _requested):
        command = [sys.executable, "-m", "bulletin_crawler.cli", "crawl", "demo-daily",
                   "--sites", str(DEMO_DIR), "--origin", origin, "--since", "2020-11-28",
                   "--until", "2020-11-30", "--store", MONGO_URI, "--full",
                   "-s", "DOWNLOAD_DELAY=0"]
        writers = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE) for _ in range(2)]
        for writer in writers:
            writer.wait(timeout=300)
    store = MongoStore(MONGO_URI)
    assert store.count() == 6  # unique url_keys and _id: the loser's insert became an update
    store.close()
