"""The outage journal: writes a store refused, kept on local disk until that store is back.

A journal belongs to one store. Its file name carries a hash of the store's identity (the SQLite
file's absolute path, or MongoDB's hosts and database — never credentials) and its first line
names that store, so a later crawl into *another* store from the same folder never replays, or
deletes, writes meant for the first one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Upsert:
    doc: dict[str, Any]


@dataclass(frozen=True)
class Reroot:
    """A near-duplicate cluster gets an earlier root: every story pointing at ``old`` (and
    ``old`` itself) now points at ``new``."""

    old: str
    new: str


@dataclass(frozen=True)
class MarkDays:
    """E-paper issue days walked to the end. Queued behind the writes of the articles they
    cover, so a day is never recorded complete while one of its articles is not stored."""

    site: str
    days: list[str]


@dataclass(frozen=True)
class RecordFailure:
    """A page that produced no stored article this time; the store counts its attempts."""

    site: str
    url_key: str
    url: str
    kind: str
    reason: str
    at: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClearFailures:
    """Pages that finally produced a stored (or already known) article."""

    url_keys: list[str]


Operation = Upsert | Reroot | MarkDays | RecordFailure | ClearFailures
_OPERATIONS: dict[str, type[Any]] = {"upsert": Upsert, "reroot": Reroot,
                                     "mark_days": MarkDays, "record_failure": RecordFailure,
                                     "clear_failures": ClearFailures}
_NAMES = {cls: name for name, cls in _OPERATIONS.items()}


def store_identity(uri: str) -> str:
    """What makes two URIs the same store: the SQLite file's absolute path; MongoDB's hosts and
    database without credentials or options."""
    if uri.startswith("sqlite:///"):
        return "sqlite:///" + str(Path(uri.removeprefix("sqlite:///")).resolve())
    match = re.match(r"^(mongodb(?:\+srv)?://)(?:[^@/]*@)?([^/?]*)(/[^?]*)?", uri)
    if match:
        scheme, hosts, database = match.groups()
        return f"{scheme}{','.join(sorted(hosts.lower().split(',')))}{database or '/'}"
    return uri


class Journal:
    """Writes that could not reach the store, one JSON line each, fsynced: nothing is lost when
    the database is down, and replaying them (upserts by id) can never duplicate a story."""

    def __init__(self, path: Path, store: str):
        self.path = path
        self.store = store

    @classmethod
    def for_store(cls, directory: Path, uri: str) -> Journal:
        identity = store_identity(uri)
        digest = hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]
        scheme = identity.split(":", 1)[0].replace("+", "-")
        return cls(directory / f"{scheme}-{digest}.jsonl", identity)

    def append(self, ops: list[Operation]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        with self.path.open("a", encoding="utf-8") as out:
            if fresh:
                out.write(json.dumps({"journal_of": self.store}, ensure_ascii=False) + "\n")
            for op in ops:
                out.write(json.dumps({"op": _NAMES[type(op)], **asdict(op)},
                                     ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def read(self) -> list[Operation]:
        """The journaled operations, oldest first. A file written for another store (possible
        only if renamed by hand) is refused rather than replayed into the wrong database."""
        if not self.path.exists():
            return []
        ops: list[Operation] = []
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                record = json.loads(line)
                if "journal_of" in record:
                    if record["journal_of"] != self.store:
                        raise ValueError(f"{self.path} holds writes for {record['journal_of']}, "
                                         f"not {self.store}")
                    continue
                ops.append(_OPERATIONS[record.pop("op")](**record))
        return ops

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        with self.path.open(encoding="utf-8") as lines:
            return sum(1 for line in lines if line.strip() and '"journal_of"' not in line[:16])
