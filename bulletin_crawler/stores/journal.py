"""The outage journal: writes a store refused, kept on local disk until that store is back.

A journal belongs to one store. Its file name carries a hash of the store's identity (the SQLite
file's absolute path, or MongoDB's hosts and database — never credentials) and its first line
names that store, so a later crawl into *another* store from the same folder never replays, or
deletes, writes meant for the first one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)


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
    """A page that produced no stored article this time, at its ``attempts``-th attempt (a
    number, not an increment: replaying the same record twice counts it once)."""

    site: str
    url_key: str
    url: str
    kind: str
    reason: str
    at: str
    meta: dict[str, Any] = field(default_factory=dict)
    attempts: int = 1


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
    the database is down, and replaying them (upserts by id) can never duplicate a story.

    Every process appends to a file of its own (``<store>.<pid>.<token>.jsonl``) and any
    process may replay any file of the store: a file is locked (``flock``) while it is appended
    to or replayed, and a replayed file is removed under that lock, so two crawls sharing one
    store never replay — or delete — each other's writes half-way. A line torn by a crash or a
    full disk is set aside in ``<store>.corrupt.jsonl`` instead of stopping every later crawl.
    """

    def __init__(self, directory: Path, store: str, prefix: str):
        self.directory = directory
        self.store = store
        self.prefix = prefix
        self.path = directory / f"{prefix}.{os.getpid()}.{uuid.uuid4().hex[:8]}.jsonl"

    @classmethod
    def for_store(cls, directory: Path, uri: str) -> Journal:
        identity = store_identity(uri)
        digest = hashlib.sha1(identity.encode("utf-8")).hexdigest()[:16]
        scheme = identity.split(":", 1)[0].replace("+", "-")
        return cls(directory, identity, f"{scheme}-{digest}")

    def files(self) -> list[Path]:
        """Every journal file of this store, this process's and other ones'."""
        if not self.directory.is_dir():
            return []
        return sorted(path for path in self.directory.glob(f"{self.prefix}*.jsonl")
                      if not path.name.endswith((".corrupt.jsonl", ".rejected.jsonl")))

    def append(self, ops: list[Operation]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        lines = [_line(op) for op in ops]
        with _locked(self.path, "a") as out:
            if out.tell() == 0:
                lines.insert(0, json.dumps({"journal_of": self.store}, ensure_ascii=False) + "\n")
            out.write("".join(lines))  # one write: a crash tears at most the last line
            out.flush()
            os.fsync(out.fileno())

    def set_aside(self, ops: list[Operation], name: str) -> Path:
        """Keep operations out of the replay, for a person to look at (``rejected``: the
        database refused them as they are)."""
        path = self.directory / f"{self.prefix}.{name}.jsonl"
        self.directory.mkdir(parents=True, exist_ok=True)
        with _locked(path, "a") as out:
            out.write("".join(_line(op, default=repr) for op in ops))  # even what JSON cannot hold
            out.flush()
            os.fsync(out.fileno())
        return path

    def replay(self, write: Callable[[list[Operation]], None]) -> int:
        """Hand each file's operations to ``write`` and remove the file once written; a file
        another process holds is left to it. Returns how many operations were written; the
        error of ``write`` (the database still down) leaves the file for later."""
        written = 0
        for path in self.files():
            try:
                handle = _lock_existing(path)
            except BlockingIOError:
                continue  # being appended to or replayed by another process
            if handle is None:
                continue
            with handle:
                ops, torn = self._parse(path, handle.read())
                if ops:
                    write(ops)
                self._quarantine(path, torn)
                path.unlink(missing_ok=True)
                written += len(ops)
        return written

    def read(self) -> list[Operation]:
        """Every operation waiting, oldest file first (for reads while the database is down)."""
        ops: list[Operation] = []
        for path in self.files():
            ops += self._parse(path, path.read_text(encoding="utf-8"))[0]
        return ops

    def _parse(self, path: Path, text: str) -> tuple[list[Operation], list[str]]:
        """Operations of one file. A file written for another store (possible only if copied
        by hand) is refused rather than replayed into the wrong database."""
        ops: list[Operation] = []
        torn: list[str] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if "journal_of" in record:
                    if record["journal_of"] != self.store:
                        raise ValueError(f"{path} holds writes for {record['journal_of']}, "
                                         f"not {self.store}")
                    continue
                ops.append(_OPERATIONS[record.pop("op")](**record))
            except (json.JSONDecodeError, KeyError, TypeError):
                torn.append(line)
        return ops, torn

    def _quarantine(self, path: Path, torn: list[str]) -> None:
        """Lines torn by a crash or a full disk: kept for a person, out of every replay."""
        if not torn:
            return
        corrupt = self.directory / f"{self.prefix}.corrupt.jsonl"
        with corrupt.open("a", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in torn))
        logger.error("%d unreadable journal lines of %s set aside in %s", len(torn), path,
                     corrupt)

    def __len__(self) -> int:
        return sum(sum(1 for line in path.read_text(encoding="utf-8").splitlines()
                       if line.strip() and '"journal_of"' not in line[:16])
                   for path in self.files())


def _line(op: Operation, default: Callable[[Any], Any] | None = None) -> str:
    return json.dumps({"op": _NAMES[type(op)], **asdict(op)}, ensure_ascii=False,
                      default=default) + "\n"


@contextmanager
def _locked(path: Path, mode: str) -> Iterator[IO[str]]:
    """``path`` opened and locked; reopened if a replay removed it while we waited."""
    while True:
        handle = path.open(mode, encoding="utf-8")
        fcntl.flock(handle, fcntl.LOCK_EX)
        if path.exists() and os.fstat(handle.fileno()).st_ino == path.stat().st_ino:
            break
        handle.close()
    try:
        yield handle
    finally:
        handle.close()


def _lock_existing(path: Path) -> IO[str] | None:
    """``path`` opened for reading and locked without waiting; None if it is gone."""
    try:
        handle = path.open("r", encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise
    if not path.exists() or os.fstat(handle.fileno()).st_ino != path.stat().st_ino:
        handle.close()
        return None
    return handle
