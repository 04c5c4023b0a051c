"""Extraction quality on a labelled corpus (``<dataset>/pages/<id>.html`` + ``truth.jsonl``).

The figures follow the definitions of the workplace yardstick (``shared/score.py``): body
precision/recall/F1 over bags of tokens (characters for Chinese, ignoring whitespace, punctuation
and symbols; words otherwise), averaged per document; title exact match after NFKC and whitespace
folding; date = same calendar day; author = every true name appears and the prediction is at
most twice the truth plus 8 characters; snippets (``with``/``without`` lists) micro-summed over
the corpus. Two figures the yardstick does not compute, for truth that has them (``zh_real``):
bylines by role — precision: stored names (any role or ``authors``) that the page credits;
recall: the truth's (role, name) pairs found in the same role — and the title also accepted in
its ``title_alt`` spelling.

Generalisation is measured on pages of sites the work never looked at: :func:`site_key` names
a page's site and :func:`half` puts each site, by a hash, in the development or the held-out
half (docs/extraction.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bulletin_crawler.extraction.html import ExtractionError
from bulletin_crawler.extraction.page import extract_page

_WORDS = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_YMD = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_NAME_SPLIT = re.compile(r"[\s,;，；、/|&]+")
ROLES = ("reporters", "correspondents", "editors", "photographers")
# A person credited in ``authors`` but in no role (an essay's 作者) is scored in that list.
_AUTHORS_ONLY = "authors"
HALVES = ("dev", "held-out")
_GENERIC_SLD = frozenset({"com", "gov", "edu", "org", "net", "co", "ac"})
_CANONICAL = re.compile(rb"<link[^>]+rel=[\"']?canonical[^>]*?href=[\"']?(https?://[^\"' >]+)"
                        rb"|og:url[\"']?\s+content=[\"']?(https?://[^\"' >]+)", re.IGNORECASE)
_LINK_HOST = re.compile(rb"href=[\"']?https?://([^/\"' >:?#]+)", re.IGNORECASE)
_ARCHIVED = re.compile(r"^https?://web\.archive\.org/web/[^/]+/(.+)$")


def _nfkc(text: Any) -> str:
    return unicodedata.normalize("NFKC", text if isinstance(text, str) else str(text or ""))


def _kept(char: str) -> bool:
    return unicodedata.category(char)[0] not in "PSZC"


def _tokens(text: Any, language: str) -> list[str]:
    text = _nfkc(text)
    if language.startswith(("zh", "ja", "ko")):
        return [char for char in text if not char.isspace() and _kept(char)]
    return _WORDS.findall(text)


def _loose(text: Any) -> str:
    return "".join(c for c in _nfkc(text).casefold() if not c.isspace() and _kept(c))


def _day(text: Any) -> tuple[int, int, int] | None:
    match = _YMD.search(_nfkc(text))
    if not match:
        return None
    y, m, d = (int(group) for group in match.groups())
    return (y, m, d) if 1 <= m <= 12 and 1 <= d <= 31 else None


def _author_ok(truth: str, predicted: str) -> bool:
    names = [_loose(n) for n in _NAME_SPLIT.split(_nfkc(truth)) if _loose(n)]
    guess = _loose(predicted)
    return bool(names and guess) and len(guess) <= 2 * sum(map(len, names)) + 8 and all(
        name in guess for name in names)


def _one_line(text: Any) -> str:
    return _SPACES.sub(" ", _nfkc(text)).strip()


def _credits(row: dict[str, Any]) -> set[tuple[str, str]]:
    """(role, name) pairs of a truth or prediction row; ``authors`` only for the unroled."""
    pairs = {(role, _loose(name)) for role in ROLES for name in row.get(role) or []}
    roled = {name for _, name in pairs}
    pairs |= {(_AUTHORS_ONLY, _loose(name)) for name in row.get("authors") or []
              if _loose(name) not in roled}
    return {(role, name) for role, name in pairs if name}


def has_bylines(truth: dict[str, Any]) -> bool:
    return any(key in truth for key in (*ROLES, "authors"))


@dataclass
class Scores:
    """Sums over one dataset; :meth:`figures` turns them into the printed rates."""

    pages: int = 0
    seconds: float = 0.0
    precisions: list[float] = field(default_factory=list)
    recalls: list[float] = field(default_factory=list)
    titles: list[bool] = field(default_factory=list)
    dates: list[bool] = field(default_factory=list)
    authors: list[bool] = field(default_factory=list)
    snippets: Counter[str] = field(default_factory=Counter)
    # bylines: names stored / credited; pairs found / credited, overall and per role
    bylines: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def add(self, truth: dict[str, Any], pred: dict[str, Any]) -> None:
        language = truth.get("language") or ""
        if truth.get("body"):
            expected = Counter(_tokens(truth["body"], language))
            got = Counter(_tokens(pred.get("body") or "", language))
            hit = sum((expected & got).values())
            if got:
                self.precisions.append(hit / sum(got.values()))
            self.recalls.append(hit / sum(expected.values()) if expected else 1.0)
        if truth.get("title"):
            titles = [truth["title"], *(truth.get("title_alt") or [])]
            self.titles.append(_one_line(pred.get("title")) in map(_one_line, titles))
        if _day(truth.get("date")):
            self.dates.append(_day(pred.get("date")) == _day(truth["date"]))
        if truth.get("author"):
            self.authors.append(_author_ok(truth["author"], pred.get("author") or ""))
        if truth.get("with") or truth.get("without"):
            self._add_snippets(truth, _one_line(pred.get("body") or ""))
        if has_bylines(truth):
            self._add_bylines(truth, pred)

    def _add_snippets(self, truth: dict[str, Any], body: str) -> None:
        wanted, unwanted = truth.get("with") or [], truth.get("without") or []
        present = sum(_one_line(s) in body for s in wanted)
        kept_out = sum(_one_line(s) in body for s in unwanted)
        self.snippets.update(tp=present, fn=len(wanted) - present, fp=kept_out,
                             tn=len(unwanted) - kept_out)

    def _add_bylines(self, truth: dict[str, Any], pred: dict[str, Any]) -> None:
        credited, found = _credits(truth), _credits(pred)
        people = {name for _, name in credited}
        stored = {name for _, name in found}
        self.bylines.update(stored=len(stored), stored_ok=len(stored & people),
                            credited=len(credited), found=len(credited & found))
        for role in (*ROLES, _AUTHORS_ONLY):
            in_truth = {pair for pair in credited if pair[0] == role}
            in_pred = {pair for pair in found if pair[0] == role}
            self.bylines.update({f"{role}_stored": len(in_pred),
                                 f"{role}_stored_ok": len(in_pred & in_truth),
                                 f"{role}_credited": len(in_truth),
                                 f"{role}_found": len(in_pred & in_truth)})

    def figures(self) -> dict[str, float | None]:
        def mean(values: list[Any]) -> float | None:
            return sum(values) / len(values) if values else None

        precision, recall = mean(self.precisions), mean(self.recalls)
        f1 = (2 * precision * recall / (precision + recall)
              if precision is not None and recall is not None and precision + recall else None)
        figures = {"body_p": precision, "body_r": recall, "body_f1": f1,
                   "title": mean(self.titles), "date": mean(self.dates),
                   "author": mean(self.authors),
                   "pages_per_s": self.pages / self.seconds if self.seconds else None}
        figures.update(self._snippet_figures())
        figures.update(self._byline_figures())
        return figures

    def _snippet_figures(self) -> dict[str, float | None]:
        """The yardstick's snippet P/R/F1 (micro-summed, its edge cases), and the share of
        ``with`` snippets present and of ``without`` snippets absent."""
        tp, fp, fn, tn = (self.snippets[key] for key in ("tp", "fp", "fn", "tn"))
        if not self.snippets:
            return dict.fromkeys(("snip_p", "snip_r", "snip_f1", "present", "absent"))
        if fp == fn == 0:
            p = r = 1.0
        else:
            p = 0.0 if tp == fp == 0 else tp / (tp + fp)
            r = 0.0 if tp == fn == 0 else tp / (tp + fn)
        return {"snip_p": p, "snip_r": r, "snip_f1": 2 * p * r / (p + r) if p + r else 0.0,
                "present": tp / (tp + fn) if tp + fn else None,
                "absent": tn / (tn + fp) if tn + fp else None}

    def _byline_figures(self) -> dict[str, float | None]:
        def rate(hit: str, total: str) -> float | None:
            return self.bylines[hit] / self.bylines[total] if self.bylines[total] else None

        figures = {"byline_p": rate("stored_ok", "stored") if self.bylines["credited"]
                   or self.bylines["stored"] else None,
                   "byline_r": rate("found", "credited")}
        for role in (*ROLES, _AUTHORS_ONLY):
            figures[f"{role}_p"] = rate(f"{role}_stored_ok", f"{role}_stored")
            figures[f"{role}_r"] = rate(f"{role}_found", f"{role}_credited")
        return figures


def predict(page: Path, url: str | None = None) -> dict[str, Any]:
    """One prediction row in the yardstick's format (``id, title, body, date, author``), with
    the bylines by role and the source."""
    started = time.perf_counter()
    row: dict[str, Any] = {"id": page.stem, "title": None, "body": "", "date": None,
                           "author": ""}
    try:
        [article] = extract_page(page.read_bytes(), url or page.resolve().as_uri())
        fields = article.as_fields()
        row.update(title=fields["title"], body=fields["body"], date=fields["published_at"],
                   author=" ".join(fields["authors"]), source=fields["source"],
                   **{role: fields[role] for role in (*ROLES, "authors")})
    except (ExtractionError, ValueError) as error:
        row["error"] = str(error)
    except Exception as error:
        row["error"] = f"internal error: {error!r}"
    row["seconds"] = time.perf_counter() - started
    return row


def datasets(corpus: Path) -> Iterator[Path]:
    """``corpus`` itself when it is a dataset, else every dataset folder inside it."""
    if (corpus / "truth.jsonl").exists():
        yield corpus
        return
    yield from sorted(p for p in corpus.iterdir() if (p / "truth.jsonl").exists())


def site_key(truth: dict[str, Any], page: bytes) -> str:
    """The site a labelled page comes from: the registrable domain of its URL (the truth's,
    else the page's canonical/``og:url``, else the host its links name most often), so pages of
    one organisation (news.gmw.cn, tech.gmw.cn) share a key; the page id when none is known."""
    url = truth.get("url") or ""
    if not url and (canonical := _CANONICAL.search(page)):
        url = (canonical.group(1) or canonical.group(2)).decode("ascii", "replace")
    url = _ARCHIVED.sub(r"\1", url)
    if url:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
    else:
        hosts = Counter(h.decode("ascii", "replace").lower() for h in _LINK_HOST.findall(page))
        host = hosts.most_common(1)[0][0] if hosts else ""
    labels = [label for label in host.lower().split(".") if label]
    keep = 3 if len(labels) >= 3 and labels[-2] in _GENERIC_SLD else 2
    return ".".join(labels[-keep:]) if labels else str(truth["id"])


def half(key: str) -> str:
    """``dev`` or ``held-out``: the parity of the first byte of the site key's SHA-1."""
    return HALVES[hashlib.sha1(key.encode("utf-8")).digest()[0] % 2]


def evaluate(dataset: Path, predictions: Path | None = None, only: str | None = None
             ) -> Scores:
    """Scores of one dataset; ``only`` = ``dev`` or ``held-out`` keeps that half's sites."""
    scores = Scores()
    out = predictions.open("w", encoding="utf-8") if predictions else None
    try:
        for line in (dataset / "truth.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            truth = json.loads(line)
            page = dataset / "pages" / f"{truth['id']}.html"
            if only and half(site_key(truth, page.read_bytes())) != only:
                continue
            pred = predict(page, truth.get("url"))
            scores.pages += 1
            scores.seconds += pred["seconds"]
            if "error" in pred:
                scores.failures.append(f"{truth['id']}: {pred['error']}")
            scores.add(truth, pred)
            if out:
                out.write(json.dumps(pred, ensure_ascii=False) + "\n")
    finally:
        if out:
            out.close()
    return scores
