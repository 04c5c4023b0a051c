"""The exported shape of a document, field by field: its type, and how a CSV row spells it.

One table (:data:`FIELDS`) drives every format, so JSON Lines, CSV, Parquet and
``bulletin export --schema`` cannot drift apart, and docs/data-contract.md states the same.

CSV rules (documented in docs/data-contract.md):
- an object (``region``, ``edition``) becomes one column per key: ``region_code``,
  ``edition_page``…;
- a list of names is joined with ``;`` (a name never contains one);
- a list of objects (``images``, ``sources``, ``revisions``) is one JSON array;
- null is an empty cell, an empty string a quoted empty cell (``""``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# name, type, nullable, meaning ("names" = list of strings; "{…}" = object with these keys;
# "[{…}]" = list of objects with these keys)
TEXT, TIMESTAMP, DAY, INT, NAMES = "string", "timestamp", "date", "int", "list<string>"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | timestamp | date | int | list<string> | object | list<object>
    nullable: bool
    keys: tuple[tuple[str, str], ...] = ()  # for objects and lists of objects: (key, type)

    @property
    def csv_columns(self) -> list[str]:
        if self.type == "object":
            return [f"{self.name}_{key}" for key, _ in self.keys]
        return [self.name]


_IMAGE = (("url", TEXT), ("caption", TEXT))
_SOURCE = (("site", TEXT), ("url", TEXT), ("published_at", TIMESTAMP),
           ("published_precision", TEXT), ("source", TEXT))
_REVISION = (("title", TEXT), ("kicker", TEXT), ("subtitle", TEXT), ("body", TEXT),
             ("content_hash", TEXT), ("updated_at", TIMESTAMP))

FIELDS: tuple[Field, ...] = (
    Field("id", TEXT, False),
    Field("url", TEXT, False),
    Field("site", TEXT, False),
    Field("source", TEXT, False),
    Field("kind", TEXT, False),
    Field("region", "object", False, (("province", TEXT), ("city", TEXT), ("district", TEXT),
                                      ("code", TEXT))),
    Field("title", TEXT, False),
    Field("kicker", TEXT, True),
    Field("subtitle", TEXT, True),
    Field("body", TEXT, False),
    Field("published_at", TIMESTAMP, True),
    Field("published_precision", TEXT, True),
    Field("event_date", DAY, True),
    Field("edition", "object", True, (("date", DAY), ("page", TEXT), ("name", TEXT))),
    Field("column", TEXT, True),
    Field("authors", NAMES, False),
    Field("reporters", NAMES, False),
    Field("correspondents", NAMES, False),
    Field("editors", NAMES, False),
    Field("photographers", NAMES, False),
    Field("images", "list<object>", False, _IMAGE),
    Field("content_hash", TEXT, False),
    Field("duplicate_of", TEXT, True),
    Field("sources", "list<object>", False, _SOURCE),
    Field("revisions", "list<object>", False, _REVISION),
    Field("first_seen_at", TIMESTAMP, False),
    Field("updated_at", TIMESTAMP, False),
    Field("schema_version", INT, False),
)
CSV_COLUMNS = [column for field in FIELDS for column in field.csv_columns]


def type_name(kind: str) -> str:
    """A field type as Parquet/Arrow spells it."""
    return {TIMESTAMP: "timestamp[ms, tz=Asia/Shanghai]", DAY: "date32", INT: "int32"}.get(
        kind, kind)


def describe() -> list[tuple[str, str, str, str]]:
    """``(field, type, null?, CSV columns)`` rows for ``bulletin export --schema``."""
    rows = []
    for field in FIELDS:
        kind = type_name(field.type)
        if field.keys:
            inner = ", ".join(f"{key}: {type_name(key_type)}" for key, key_type in field.keys)
            kind = f"struct<{inner}>" if field.type == "object" else f"list<struct<{inner}>>"
        rows.append((field.name, kind, "null" if field.nullable else "",
                     ", ".join(field.csv_columns)))
    return rows


def csv_row(doc: dict[str, Any]) -> list[Any]:
    """One document as CSV cells (None stays None: the writer leaves the cell empty)."""
    cells: list[Any] = []
    for field in FIELDS:
        value = doc.get(field.name)
        if field.type == "object":
            cells.extend((value or {}).get(key) for key, _ in field.keys)
        elif field.type == NAMES:
            cells.append(";".join(value or []))
        elif field.type == "list<object>":
            cells.append(json_text(value or []))
        else:
            cells.append(value)
    return cells


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
