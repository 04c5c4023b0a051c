"""Exports an analyst can open: documented types in pandas and pyarrow, CSV that tells null from
empty and opens in Excel, Parquet with real types, and clear errors for what is not there."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bulletin_crawler.exports.schema import CSV_COLUMNS, FIELDS
from bulletin_crawler.exports.writers import arrow_schema, csv_line, write_csv

from .conftest import jsonl, run_bulletin

# The dtypes docs/data-contract.md tells analysts to read the CSV with.
CSV_DTYPES = {column: "string" for column in CSV_COLUMNS} | {"schema_version": "int32"}
CSV_DATES = ["published_at", "first_seen_at", "updated_at"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    run_bulletin("demo", "-q", cwd=folder)
    return folder


def test_csv_loads_into_pandas_with_the_documented_dtypes(demo):
    run_bulletin("export", "--format", "csv", "-o", "a.csv", cwd=demo)
    raw = (demo / "a.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a .csv file for spreadsheets: UTF-8 BOM
    frame = pd.read_csv(demo / "a.csv", encoding="utf-8-sig", dtype=CSV_DTYPES,
                        keep_default_na=False, na_values={c: [""] for c in CSV_COLUMNS})
    for column in CSV_DATES:
        frame[column] = pd.to_datetime(frame[column], format="ISO8601")
    assert list(frame.columns) == CSV_COLUMNS and len(frame) == 6
    assert str(frame["published_at"].dt.tz) == "UTC+08:00"
    assert set(frame["published_precision"]) == {"day"}
    assert frame["region_code"].eq("410104").all()
    assert frame["edition_page"].notna().all() and frame["kicker"].isna().any()
    photos = frame.set_index("title").loc["管城回族区启动老旧小区改造三年行动", "photographers"]
    assert photos.split(";") == ["王建宏", "张文攀", "李萌"]


def test_stdout_csv_has_no_bom_unless_asked(demo):
    plain = run_bulletin("export", "--format", "csv", cwd=demo).stdout
    assert plain.startswith("id,url,")
    excel = run_bulletin("export", "--format", "csv", "--excel", cwd=demo).stdout
    assert excel.startswith("\ufeffid,")


def test_null_and_empty_string_differ_in_csv():
    assert csv_line([None, "", "a,b", 'say "hi"', 3]) == ',"","a,b","say ""hi""",3\r\n'
    out = io.StringIO()
    write_csv([{"id": "x", "kicker": None, "subtitle": "", "region": {"code": "410104"},
                "authors": [], "images": [], "sources": [], "revisions": []}], out)
    row = out.getvalue().splitlines()[1].split(",")
    values = dict(zip(CSV_COLUMNS, row, strict=True))
    assert values["kicker"] == "" and values["subtitle"] == '""' and values["images"] == "[]"


def test_parquet_has_real_types(demo):
    run_bulletin("export", "--format", "parquet", "-o", "a.parquet", cwd=demo)
    table = pq.read_table(demo / "a.parquet")
    assert table.schema.equals(arrow_schema())
    schema = table.schema
    assert schema.field("published_at").type == pa.timestamp("ms", tz="Asia/Shanghai")
    assert schema.field("event_date").type == pa.date32()
    assert schema.field("authors").type == pa.list_(pa.string())
    assert pa.types.is_struct(schema.field("region").type)
    assert pa.types.is_struct(schema.field("sources").type.value_type)
    frame = table.to_pandas()
    assert str(frame["published_at"].dtype) == "datetime64[ms, Asia/Shanghai]"
    first = frame.iloc[0]
    assert first["region"]["code"] == "410104" and list(first["authors"])


def test_schema_is_printed_and_matches_the_contract_fields():
    out = run_bulletin("export", "--schema", cwd=Path.cwd()).stdout.splitlines()
    assert out[0].split()[:3] == ["field", "type", "null"]
    assert [line.split()[0] for line in out[1:]] == [field.name for field in FIELDS]
    from bulletin_crawler.contract import ARTICLE_FIELDS

    assert {field.name for field in FIELDS} == set(ARTICLE_FIELDS)


def test_jsonl_is_the_contract_as_is(demo):
    docs = jsonl(run_bulletin("export", cwd=demo).stdout)
    assert all(doc["published_at"].endswith("+08:00") and "places" not in doc for doc in docs)
    assert all(source["published_precision"] for doc in docs for source in doc["sources"])


def test_unknown_site_and_missing_store_are_errors(demo):
    unknown = run_bulletin("export", "--site", "nosuch", cwd=demo, check=False)
    assert unknown.returncode == 2 and "sites in it: demo-daily" in unknown.stderr
    runs = run_bulletin("runs", "--store", "sqlite:///missing.sqlite3", cwd=demo, check=False)
    assert runs.returncode == 1 and "no such store" in runs.stderr
    assert not (demo / "missing.sqlite3").exists()


def test_a_cell_excel_would_run_is_marked_as_text_only_for_excel():
    doc = {"id": "x", "title": "=HYPERLINK(\"http://evil.example\",\"点击\")", "body": "-1+1",
           "authors": [], "images": [], "sources": [], "revisions": []}
    plain, excel = io.StringIO(), io.StringIO()
    write_csv([doc], plain)
    write_csv([doc], excel, excel=True)
    assert ",\"=HYPERLINK(" in plain.getvalue() and ",-1+1," in plain.getvalue()
    assert ",\"'=HYPERLINK(" in excel.getvalue() and ",'-1+1," in excel.getvalue()
