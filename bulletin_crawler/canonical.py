"""One story, many places: which place is canonical, and the document built from all of them.

The same text found on several pages (a 郑州日报 story and the 政府网 repost of it) is one
document. Which place the document speaks for follows a rule of the data, never the order the
pages were crawled in: the **earliest publication** — by day first; within a day, the original
publisher (an e-paper, or a page naming no other outlet in its 来源) before a repost; then the
time of day; then the canonical URL key, so two crawls in any order build the same document.

Every place keeps a small snapshot (:data:`PLACE_FIELDS`: kicker, bylines, edition, column…).
The document takes its identity (``url``, ``site``, ``source``, ``kind``, ``region``,
``published_at``) and its text from the canonical place, and each snapshot field from the first
place in canonical order that has it, so fields a repost lacked are filled by the paper and
vice versa. :func:`merge_documents` is commutative: merging the same places in any order, one by
one, gives the same document (a property test checks it).

Pure functions over plain dicts: the deduplicate pipeline and both stores call them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

# What a place's own page says, filled into the document from the first place that has it.
PLACE_FIELDS = ("kicker", "subtitle", "event_date", "edition", "column", "authors", "reporters",
                "correspondents", "editors", "photographers", "images")
# What the canonical place decides.
IDENTITY_FIELDS = ("url", "site", "source", "kind", "region", "published_at",
                   "published_precision")
# The canonical place's own text (every place of a document has the same normalised text).
CONTENT_FIELDS = ("title", "body", "content_hash", "fingerprint")
_UNKNOWN_DAY = "9999-12-31"


def story_id(content_hash: str) -> str:
    """A document's id, from the text it was first stored with: the same story gets the same id
    whichever of its places is crawled first."""
    return hashlib.sha1(f"story:{content_hash}".encode()).hexdigest()[:24]


def is_original(kind: str, source: str | None, publisher: str) -> bool:
    """An e-paper page, or a page that names no other outlet as its 来源, is the original
    publication; a page crediting another outlet is a repost."""
    if kind == "epaper" or not source:
        return True
    return _outlet(source) == _outlet(publisher) or _outlet(source) in _outlet(publisher)


def _outlet(name: str) -> str:
    return "".join(name.split()).removesuffix("网")


def order_key(place: dict[str, Any]) -> tuple[str, int, str, str]:
    """Earliest publication first: the day, then the original publisher before a repost, then
    the time of day (a day-precision date before any time of that day), then the URL key."""
    published = place.get("published_at") or ""
    day = published[:10] or _UNKNOWN_DAY
    time = "" if place.get("published_precision") in (None, "day") else published[11:19]
    return day, 0 if place.get("original") else 1, time, place.get("url_key") or ""


def make_place(doc: dict[str, Any], url_key: str, original: bool, seen_at: str
               ) -> dict[str, Any]:
    """The place an article document was read from, with its snapshot."""
    return {"site": doc["site"], "url": doc["url"], "url_key": url_key, "kind": doc["kind"],
            "region": doc.get("region") or {}, "source": doc.get("source"),
            "original": original, "published_at": doc.get("published_at"),
            "published_precision": doc.get("published_precision"), "seen_at": seen_at,
            "fields": {name: doc.get(name) for name in PLACE_FIELDS if _present(doc.get(name))}}


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def canonical_place(places: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return min(places, key=order_key)


def union_places(*lists: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every place once (by URL key; a later snapshot of the same page replaces an earlier
    one), in canonical order."""
    by_key: dict[str, dict[str, Any]] = {}
    for place in (place for places in lists for place in places):
        kept = by_key.get(place["url_key"])
        if kept is None or (place.get("seen_at") or "") >= (kept.get("seen_at") or ""):
            by_key[place["url_key"]] = place
    return sorted(by_key.values(), key=order_key)


def sources(places: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The exported ``sources``: every place, canonical first."""
    return [{"site": place["site"], "url": place["url"], "published_at": place.get(
        "published_at"), "published_precision": place.get("published_precision"),
        "source": place.get("source")} for place in places]


def assemble(doc: dict[str, Any], places: list[dict[str, Any]]) -> dict[str, Any]:
    """``doc`` (holding the canonical place's text) with its identity, snapshot fields and
    sources recomputed from ``places``."""
    places = union_places(places)
    first = places[0]
    assembled = dict(doc)
    for name in IDENTITY_FIELDS:
        assembled[name] = first.get(name)
    for name in PLACE_FIELDS:
        assembled[name] = next((place["fields"][name] for place in places
                                if _present(place["fields"].get(name))),
                               [] if name in _LIST_FIELDS else None)
    assembled["places"] = places
    assembled["sources"] = sources(places)
    assembled["url_keys"] = sorted({*doc.get("url_keys", ()), *(p["url_key"] for p in places)})
    return assembled


_LIST_FIELDS = {"authors", "reporters", "correspondents", "editors", "photographers", "images"}


def merge_documents(stored: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """One document from two of the same story (what a store holds, and a newer write): places
    united; the text of whichever holds the canonical place (the newer on a tie); the earliest
    ``first_seen_at``; every revision once; the newer ``duplicate_of`` decision."""
    places = union_places(stored.get("places") or [], new.get("places") or [])
    winner = canonical_place(places)["url_key"]
    new_keys = {place["url_key"] for place in new.get("places") or []}
    text = new if winner in new_keys else stored
    merged = {**stored, **new, **{name: text.get(name) for name in CONTENT_FIELDS}}
    merged["id"] = stored.get("id") or new.get("id")
    merged["first_seen_at"] = min(filter(None, (stored.get("first_seen_at"),
                                                new.get("first_seen_at"))), default=None)
    merged["updated_at"] = max(filter(None, (stored.get("updated_at"), new.get("updated_at"))),
                               default=None)
    merged["revisions"] = merge_revisions(stored.get("revisions") or [],
                                          new.get("revisions") or [])
    merged["duplicate_of"] = new.get("duplicate_of", stored.get("duplicate_of"))
    return assemble(merged, places)


def merge_revisions(*lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[Any, Any], dict[str, Any]] = {}
    for revision in (r for revisions in lists for r in revisions):
        seen.setdefault((revision.get("content_hash"), revision.get("updated_at")), revision)
    return sorted(seen.values(), key=lambda r: r.get("updated_at") or "")
