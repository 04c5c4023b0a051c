"""Extraction quality on a labelled corpus (``<dataset>/pages/<id>.html`` + ``truth.jsonl``).

The figures follow the definitions of the workplace yardstick (``shared/score.py``): body
precision/recall/F1 over bags of tokens (characters for Chinese, ignoring whitespace, punctuation
and symbols; words otherwise), averaged per document; title exact match after NFKC and whitespace
folding; date = same calendar day; author = every true name appears and the prediction is at
most twice the truth plus 8 characters.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin_crawler.extraction.html import ExtractionError
from bulletin_crawler.extraction.page import extract_page

_WORDS = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_YMD = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_NAME_SPLIT = re.compile(r"[\s,;，；、/|&]+")


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
            self.titles.append(_SPACES.sub(" ", _nfkc(truth["title"])).strip()
                               == _SPACES.sub(" ", _nfkc(pred.get("title"))).strip())
        if _day(truth.get("date")):
            self.dates.append(_day(pred.get("date")) == _day(truth["date"]))
        if truth.get("author"):
            self.authors.append(_author_ok(truth["author"], pred.get("author") or ""))

    def figures(self) -> dict[str, float | None]:
        def mean(values: list[Any]) -> float | None:
            return sum(values) / len(values) if values else None

        precision, recall = mean(self.precisions), mean(self.recalls)
        f1 = (2 * precision * recall / (precision + recall)
              if precision is not None and recall is not None and precision + recall else None)
        return {"body_p": precision, "body_r": recall, "body_f1": f1, "title": mean(self.titles),
                "date": mean(self.dates), "author": mean(self.authors),
                "pages_per_s": self.pages / self.seconds if self.seconds else None}


def predict(page: Path, url: str | None = None) -> dict[str, Any]:
    """One prediction row in the yardstick's format (``id, title, body, date, author``)."""
    started = time.perf_counter()
    row: dict[str, Any] = {"id": page.stem, "title": None, "body": "", "date": None,
                           "author": ""}
    try:
        [article] = extract_page(page.read_bytes(), url or page.resolve().as_uri())
        fields = article.as_fields()
        row.update(title=fields["title"], body=fields["body"], date=fields["published_at"],
                   author=" ".join(fields["authors"]))
    except (ExtractionError, ValueError) as error:
        row["error"] = str(error)
    except Exception as error:  # noqa: BLE001 - a bug on one page fails that page, not the run
        row["error"] = f"internal error: {error!r}"
    row["seconds"] = time.perf_counter() - started
    return row


def datasets(corpus: Path) -> Iterator[Path]:
    """``corpus`` itself when it is a dataset, else every dataset folder inside it."""
    if (corpus / "truth.jsonl").exists():
        yield corpus
        return
    yield from sorted(p for p in corpus.iterdir() if (p / "truth.jsonl").exists())


def evaluate(dataset: Path, predictions: Path | None = None) -> Scores:
    scores = Scores()
    out = predictions.open("w", encoding="utf-8") if predictions else None
    try:
        for line in (dataset / "truth.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            truth = json.loads(line)
            pred = predict(dataset / "pages" / f"{truth['id']}.html", truth.get("url"))
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
