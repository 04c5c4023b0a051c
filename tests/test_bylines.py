"""The byline grammar on a labelled list of credit strings (tests/bylines/labelled.tsv).

Precision: of the names read, the share that the string credits (any role); recall: of the
credited (role, name) pairs, the share read in that role. Pinned: precision ≥ 0.99, recall
≥ 0.95, on at least 300 strings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin_crawler.extraction.bylines import ROLE_FIELDS, Byline, parse_credit
from bulletin_crawler.extraction.credits import lift_bylines, margin_credits, meta_credit
from bulletin_crawler.extraction.names import Evidence, is_person

LABELLED = Path(__file__).parent / "bylines" / "labelled.tsv"
_CODES = {"R": "reporters", "C": "correspondents", "E": "editors", "P": "photographers",
          "A": "authors"}


def cases() -> list[tuple[str, str, set[tuple[str, str]]]]:
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, text, expected = line.split("\t")
        pairs = set()
        if expected != "-":
            for part in expected.split("; "):
                code, names = part.split("=", 1)
                pairs |= {(_CODES[code], name) for name in names.split(",")}
        rows.append((kind, text, pairs))
    return rows


def read(kind: str, text: str) -> Byline:
    if kind == "credit":
        return parse_credit(text) or Byline()
    if kind == "body":
        return lift_bylines(text.split(" ⏎ "))[1]
    if kind == "margin":
        return margin_credits(text.split(" ⏎ "), under_headline=True)
    author, page = text.split(" ‖ ")
    return meta_credit(author, page)


def pairs_of(byline: Byline) -> set[tuple[str, str]]:
    pairs = {(role, name) for role in ROLE_FIELDS for name in getattr(byline, role)}
    roled = {name for _, name in pairs}
    return pairs | {("authors", name) for name in byline.authors if name not in roled}


CASES = cases()


def test_the_labelled_list_is_large_enough():
    assert len(CASES) >= 300
    assert sum(1 for _, _, pairs in CASES if not pairs) >= 60  # negatives too


def test_precision_and_recall_on_the_labelled_list():
    stored = stored_ok = credited = found = 0
    wrong, missed = [], []
    for kind, text, expected in CASES:
        got = pairs_of(read(kind, text))
        people = {name for _, name in expected}
        names = {name for _, name in got}
        stored += len(names)
        stored_ok += len(names & people)
        credited += len(expected)
        found += len(expected & got)
        wrong += [(text, name) for name in names - people]
        missed += [(text, pair) for pair in expected - got]
    precision, recall = stored_ok / stored, found / credited
    assert precision >= 0.99, (precision, wrong)
    assert recall >= 0.95, (recall, missed)


@pytest.mark.parametrize(("kind", "text", "expected"),
                         [case for case in CASES if not case[2]][:40],
                         ids=lambda value: value if isinstance(value, str) else "")
def test_no_person_is_read_from_non_credits(kind, text, expected):
    assert pairs_of(read(kind, text)) == expected


@pytest.mark.parametrize(("name", "evidence", "person"), [
    ("张建国", Evidence.BARE, True),
    ("欧阳娜娜", Evidence.BARE, True),
    ("阿依古丽·买买提", Evidence.BARE, True),
    ("Jane Porter", Evidence.BARE, True),
    ("Иван Петров", Evidence.BARE, True),
    ("眉间尺", Evidence.LABELLED, True),
    ("眉间尺", Evidence.ROLE, False),
    ("alonliu", Evidence.LABELLED, True),
    ("alonliu", Evidence.BARE, False),
    ("区水利局", Evidence.LABELLED, False),
    ("图集", Evidence.LABELLED, False),
    ("转载", Evidence.LABELLED, False),
    ("女士们", Evidence.LABELLED, False),
    ("网易", Evidence.LABELLED, False),
    ("chinanews", Evidence.LABELLED, False),
    ("HN666", Evidence.LABELLED, False),
    ("关注", Evidence.BARE, False),
    ("中美贸易“持久战”", Evidence.LABELLED, False),
])
def test_person_name_check(name, evidence, person):
    assert is_person(name, evidence) is person
