"""Schedule state in the embedded SQLite store: tables ``schedule_leases`` and
``schedule_dispatches`` beside the crawl records. A claim is one ``UPDATE`` inside a
``BEGIN IMMEDIATE`` transaction, which SQLite serialises across processes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from bulletin_crawler.scheduling.state import ScheduleState, SiteState
from bulletin_crawler.stores import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS schedule_leases (
    site TEXT PRIMARY KEY,
    holder TEXT,
    expires_at REAL,
    last_slot REAL,
    retry_at REAL
);
CREATE TABLE IF NOT EXISTS schedule_dispatches (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    dispatched_at TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS schedule_dispatches_site ON schedule_dispatches (site, dispatched_at);
"""


class SQLiteScheduleState(ScheduleState):
    def __init__(self, path: str | Path, create: bool = True):
        self.path = Path(path)
        try:
            if not create:  # readers (`bulletin status`) never write
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                          timeout=30, isolation_level=None,
                                          check_same_thread=False)  # the console's threads
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                      check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(SCHEMA)
        except (sqlite3.DatabaseError, OSError) as error:
            raise StoreError(f"sqlite:///{self.path}: cannot keep the schedule ({error})"
                             ) from None

    def claim(self, site: str, slot: float, holder: str, ttl: float, now: float) -> bool:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("INSERT OR IGNORE INTO schedule_leases (site) VALUES (?)", (site,))
            taken = self.db.execute(
                "UPDATE schedule_leases SET holder = ?, expires_at = ?, last_slot = ?,"
                " retry_at = NULL WHERE site = ? AND (holder IS NULL OR expires_at < ?)"
                " AND (last_slot IS NULL OR last_slot < ?)"
                " AND (retry_at IS NULL OR retry_at <= ?)",
                (holder, now + ttl, slot, site, now, slot, now)).rowcount == 1
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return taken

    def renew(self, site: str, holder: str, ttl: float, now: float) -> bool:
        return self.db.execute(
            "UPDATE schedule_leases SET expires_at = ? WHERE site = ? AND holder = ?",
            (now + ttl, site, holder)).rowcount == 1

    def release(self, site: str, holder: str, retry: tuple[float | None, float] | None = None
                ) -> None:
        if retry is None:
            self.db.execute("UPDATE schedule_leases SET holder = NULL, expires_at = NULL"
                            " WHERE site = ? AND holder = ?", (site, holder))
        else:
            self.db.execute("UPDATE schedule_leases SET holder = NULL, expires_at = NULL,"
                            " last_slot = ?, retry_at = ? WHERE site = ? AND holder = ?",
                            (*retry, site, holder))

    def states(self) -> dict[str, SiteState]:
        try:
            rows = self.db.execute("SELECT site, holder, expires_at, last_slot, retry_at"
                                   " FROM schedule_leases").fetchall()
        except sqlite3.OperationalError:  # read-only, and no scheduler ever ran on this store
            return {}
        return {row[0]: SiteState(*row) for row in rows}

    def record_dispatch(self, dispatch: dict[str, Any]) -> None:
        self.db.execute("INSERT INTO schedule_dispatches (id, site, dispatched_at, doc)"
                        " VALUES (?, ?, ?, ?)",
                        (dispatch["id"], dispatch["site"], dispatch["dispatched_at"],
                         json.dumps(dispatch, ensure_ascii=False)))

    def update_dispatch(self, dispatch_id: str, fields: dict[str, Any]) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        row = self.db.execute("SELECT doc FROM schedule_dispatches WHERE id = ?",
                              (dispatch_id,)).fetchone()
        if row is not None:
            self.db.execute("UPDATE schedule_dispatches SET doc = ? WHERE id = ?",
                            (json.dumps({**json.loads(row[0]), **fields}, ensure_ascii=False),
                             dispatch_id))
        self.db.execute("COMMIT")

    def dispatches(self, site: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        sql = "SELECT doc FROM schedule_dispatches" + (" WHERE site = ?" if site else "")
        try:
            rows = self.db.execute(sql + " ORDER BY dispatched_at DESC, rowid DESC LIMIT ?",
                                   (*([site] if site else []), limit)).fetchall()
        except sqlite3.OperationalError:  # as in states()
            return []
        return [json.loads(raw) for (raw,) in rows]

    def close(self) -> None:
        self.db.close()
