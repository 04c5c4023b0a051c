"""Writers that stream documents out one batch at a time: memory stays flat however large the
archive (measured in benchmarks/export.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import IO, Any

from bulletin_crawler.exports.schema import (
    CSV_COLUMNS,
    DAY,
    FIELDS,
    INT,
    NAMES,
    TIMESTAMP,
    csv_row,
)

FORMATS = ("jsonl", "csv", "parquet")
BATCH = 1000
EXCEL_BOM = "\ufeff"  # lets Excel on a Chinese Windows read UTF-8 instead of GBK
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write(docs: Iterable[dict[str, Any]], fmt: str, out: IO[str] | str,
          excel: bool = False) -> int:
    """Write ``docs`` in ``fmt`` to a text stream (``jsonl``, ``csv``) or a path (``parquet``);
    returns how many."""
    if fmt == "parquet":
        assert isinstance(out, str)
        return write_parquet(docs, out)
    assert not isinstance(out, str)
    return write_csv(docs, out, excel) if fmt == "csv" else write_jsonl(docs, out)


def write_jsonl(docs: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for count, doc in enumerate(docs, 1):
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return count


def csv_line(cells: Iterable[Any]) -> str:
    """RFC 4180 with one addition: null is an empty cell, an empty string is ``""``."""
    return ",".join(_csv_cell(cell) for cell in cells) + "\r\n"


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    if text == "" or any(mark in text for mark in ',"\r\n') or text[0] in " \t":
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(docs: Iterable[dict[str, Any]], out: IO[str], excel: bool = False) -> int:
    """With ``excel``: the byte order mark, and a text cell Excel would run as a formula
    (``=…``, ``+…``, ``-…``, ``@…``: a scraped headline can be written to) starts with ``'``,
    Excel's mark for text, as OWASP advises for CSV meant for spreadsheets."""
    if excel:
        out.write(EXCEL_BOM)
    out.write(csv_line(CSV_COLUMNS))
    count = 0
    for count, doc in enumerate(docs, 1):
        row = csv_row(doc)
        out.write(csv_line([_inert(cell) for cell in row] if excel else row))
    return count


def _inert(cell: Any) -> Any:
    return "'" + cell if isinstance(cell, str) and cell[:1] in FORMULA_STARTS else cell


def arrow_schema() -> Any:
    """The Parquet schema: timestamps with the Shanghai zone, dates, lists, structs."""
    import pyarrow as pa

    def arrow_type(kind: str) -> Any:
        return {TIMESTAMP: pa.timestamp("ms", tz="Asia/Shanghai"), DAY: pa.date32(),
                INT: pa.int32(), NAMES: pa.list_(pa.string())}.get(kind, pa.string())

    fields = []
    for field in FIELDS:
        if field.keys:
            struct = pa.struct([(key, arrow_type(kind)) for key, kind in field.keys])
            kind = struct if field.type == "object" else pa.list_(struct)
        else:
            kind = arrow_type(field.type)
        fields.append(pa.field(field.name, kind, nullable=field.nullable))
    return pa.schema(fields)


def write_parquet(docs: Iterable[dict[str, Any]], path: str) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise SystemExit("bulletin export: parquet needs pyarrow: pip install "
                         "'bulletin-crawler[parquet]'") from None
    schema = arrow_schema()
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in _batches(docs):
            rows = [_typed(doc) for doc in batch]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            count += len(rows)
    return count


def _typed(doc: dict[str, Any]) -> dict[str, Any]:
    """A document with Python dates and datetimes where the schema has them."""
    row = {}
    for field in FIELDS:
        value = doc.get(field.name)
        if field.type in (TIMESTAMP, DAY):
            value = _when(value, field.type)
        elif field.keys and value:
            convert = {key: kind for key, kind in field.keys if kind in (TIMESTAMP, DAY)}
            entries = [value] if field.type == "object" else value
            entries = [{key: _when(entry.get(key), convert[key]) if key in convert
                        else entry.get(key) for key, _ in field.keys} for entry in entries]
            value = entries[0] if field.type == "object" else entries
        elif field.type == "list<object>":
            value = []
        row[field.name] = value
    return row


def _when(value: Any, kind: str) -> date | datetime | None:
    if not value:
        return None
    return date.fromisoformat(value[:10]) if kind == DAY else datetime.fromisoformat(value)


def _batches(docs: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(docs)
    while batch := list(islice(iterator, BATCH)):
        yield batch
