"""The outage journal: per-process files, torn lines, writes the database refuses for good."""

from __future__ import annotations

import fcntl
import json

from bulletin_crawler.stores.journal import Journal, RecordFailure, Upsert
from bulletin_crawler.stores.sqlite import SQLiteStore
from tests.test_stores import document


def journal_of(tmp_path) -> Journal:
    """A journal of the test's store, as one process would open it."""
    return Journal.for_store(tmp_path / "journal", f"sqlite:///{tmp_path / 'store.sqlite3'}")


def open_with_journal(tmp_path) -> SQLiteStore:
    """The test's store with a journal of its own process (it replays every file on open)."""
    return SQLiteStore(tmp_path / "store.sqlite3", journal=journal_of(tmp_path))


def test_each_process_appends_to_its_own_file_and_any_replays_them_all(tmp_path):
    first = journal_of(tmp_path)
    second = journal_of(tmp_path)  # as another process would
    first.append([Upsert(document("http://p.cn/a.htm", body="第一篇。"))])
    second.append([Upsert(document("http://p.cn/b.htm", body="第二篇。"))])
    assert first.path != second.path and len(first.files()) == 2 and len(first) == 2
    store = open_with_journal(tmp_path)  # replayed on open
    assert store.count() == 2 and first.files() == []
    store.close()


def test_a_file_another_process_holds_is_left_to_it(tmp_path):
    busy = journal_of(tmp_path)
    busy.append([Upsert(document("http://p.cn/a.htm"))])
    with busy.path.open("r", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # being appended to elsewhere
        store = open_with_journal(tmp_path)
        assert store.count() == 0 and busy.path.exists()
    assert store.replay() == 1 and store.count() == 1 and not busy.path.exists()
    store.close()


def test_a_torn_line_is_set_aside_and_the_rest_replayed(tmp_path):
    journal = journal_of(tmp_path)
    journal.append([Upsert(document("http://p.cn/a.htm"))])
    with journal.path.open("a", encoding="utf-8") as out:
        out.write('{"op": "upsert", "doc": {"id": "tor')  # a crash half-way through a line
    store = open_with_journal(tmp_path)
    assert store.count() == 1 and journal.files() == []
    corrupt = tmp_path / "journal" / f"{journal.prefix}.corrupt.jsonl"
    assert corrupt.read_text(encoding="utf-8").startswith('{"op": "upsert", "doc": {"id": "tor')
    store.close()


def test_a_write_the_database_refuses_is_set_aside_and_the_batch_goes_on(tmp_path):
    store = open_with_journal(tmp_path)
    bad = document("http://p.cn/bad.htm", body="坏的。")
    bad["title"] = b"\xff"  # a value no JSON holds: refused as it is, not an outage
    store.upsert(document("http://p.cn/a.htm", body="第一篇。"))
    store.upsert(bad)
    store.upsert(document("http://p.cn/b.htm", body="第二篇。"))
    store.flush()
    assert store.count() == 2 and store.rejected == 1 and store.waiting() == 0
    rejected = tmp_path / "journal" / f"{store.journal.prefix}.rejected.jsonl"
    [kept] = [json.loads(line) for line in rejected.read_text(encoding="utf-8").splitlines()]
    assert kept["op"] == "upsert" and kept["doc"]["url"] == "http://p.cn/bad.htm"
    [failure] = store.failures("demo")  # a later run fetches the page again
    assert (failure["url"], failure["reason"]) == ("http://p.cn/bad.htm", "store_error")
    store.close()


def test_replaying_a_failure_twice_counts_its_attempt_once(tmp_path):
    journal = journal_of(tmp_path)
    failure = RecordFailure("demo", "p.cn/a.htm", "http://p.cn/a.htm", "article", "http_500",
                            "2026-11-30T10:00:00+08:00", {}, attempts=2)
    journal.append([failure])
    written = journal.path.read_text(encoding="utf-8")
    store = SQLiteStore(tmp_path / "store.sqlite3", journal=journal)
    journal.path.write_text(written, encoding="utf-8")  # the same journal replayed again
    store.replay()
    [stored] = store.failures("demo")
    assert stored["attempts"] == 2
    store.close()
