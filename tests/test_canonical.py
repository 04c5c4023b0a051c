"""The canonical-place rule as a property: one story's places merged in any order give one
document, speaking for the earliest (then most original) place, with gaps filled from the
others."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin_crawler.canonical import (
    assemble,
    canonical_place,
    is_original,
    make_place,
    merge_documents,
    order_key,
)

DAYS = ("2020-11-28", "2020-11-29", "2020-11-30", None)


@st.composite
def page_documents(draw) -> list[dict]:
    """2–4 pages of one story: each its own place, title, time and snapshot."""
    count = draw(st.integers(2, 4))
    pages = []
    for n in range(count):
        day = draw(st.sampled_from(DAYS))
        precision = draw(st.sampled_from(["day", "minute"]))
        time = "00:00" if precision == "day" else draw(st.sampled_from(["09:00", "15:30"]))
        kind = draw(st.sampled_from(["epaper", "portal"]))
        doc = {"id": "story", "url": f"http://site{n}.cn/{n}.htm", "site": f"site{n}",
               "kind": kind, "region": {"code": "410104"},
               "source": draw(st.sampled_from([None, "管城示范报", f"site{n}"])),
               "published_at": f"{day}T{time}:00+08:00" if day else None,
               "published_precision": precision if day else None,
               "title": f"标题{n}", "body": "同一篇报道。", "content_hash": "h",
               "fingerprint": None, "first_seen_at": f"2026-11-{20 + n}T10:00:00+08:00",
               "updated_at": f"2026-11-{20 + n}T10:00:00+08:00", "revisions": [],
               "duplicate_of": None,
               "authors": draw(st.sampled_from([[], [f"记者{n}"]])),
               "column": draw(st.sampled_from([None, f"栏目{n}"])),
               "edition": draw(st.sampled_from([None, {"page": f"0{n}"}]))}
        original = is_original(kind, doc["source"], f"site{n}")
        pages.append(assemble(doc, [make_place(doc, f"site{n}.cn/{n}.htm", original,
                                               doc["first_seen_at"])]))
    return pages


@settings(max_examples=150, deadline=None)
@given(page_documents())
def test_merging_in_any_order_gives_one_document(pages):
    results = []
    for order in itertools.permutations(pages):
        doc = order[0]
        for page in order[1:]:
            doc = merge_documents(doc, page)
        results.append(doc)
    assert all(result == results[0] for result in results)
    merged = results[0]
    first = canonical_place(merged["places"])
    assert merged["url"] == first["url"] and merged["title"] == next(
        page["title"] for page in pages if page["url"] == first["url"])
    assert [s["url"] for s in merged["sources"]] == [p["url"] for p in sorted(
        merged["places"], key=order_key)]
    for name in ("authors", "column", "edition"):  # the first place in order that has it
        filled = [p["fields"][name] for p in merged["places"] if p["fields"].get(name)]
        assert merged[name] == (filled[0] if filled else ([] if name == "authors" else None))
    assert merged["first_seen_at"] == min(page["first_seen_at"] for page in pages)


def test_the_paper_goes_before_a_same_day_repost_and_the_earlier_day_first():
    paper = {"published_at": "2020-11-30T00:00:00+08:00", "published_precision": "day",
             "original": True, "url_key": "z"}
    repost = {"published_at": "2020-11-30T08:00:00+08:00", "published_precision": "minute",
              "original": False, "url_key": "a"}
    earlier_repost = {**repost, "published_at": "2020-11-29T22:00:00+08:00"}
    assert sorted([repost, paper], key=order_key)[0] is paper
    assert sorted([paper, earlier_repost], key=order_key)[0] is earlier_repost
    assert is_original("portal", "管城示范报", "管城示范政务网") is False
    assert is_original("portal", None, "管城示范政务网") and is_original("epaper", "新华社", "x")
