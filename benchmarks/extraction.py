"""Our extraction vs trafilatura on the same saved pages, in one process, side by side.

For every page of every dataset under CORPUS (``<dataset>/pages/*.html`` + ``truth.jsonl``), both
extractors run on the same bytes, alternating, ``--rounds`` times; prints pages/s of each, the
ratio ours/trafilatura, and both quality figures (the definitions of ``bulletin eval``,
snippet F1 for snippet-annotated truth).

    python benchmarks/extraction.py ../shared/corpus [--rounds 3] [--half dev|held-out]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import trafilatura

from bulletin_crawler.evaluation import HALVES, Scores, datasets, half, site_key
from bulletin_crawler.extraction.html import ExtractionError
from bulletin_crawler.extraction.page import extract_page


def ours(data: bytes, url: str) -> dict[str, Any]:
    try:
        fields = extract_page(data, url)[0].as_fields()
    except ExtractionError:
        return {}
    return {"title": fields["title"], "body": fields["body"], "date": fields["published_at"],
            "author": " ".join(fields["authors"])}


def theirs(data: bytes, url: str) -> dict[str, Any]:
    document = trafilatura.bare_extraction(data, url=url, with_metadata=True)
    if document is None:
        return {}
    return {"title": document.title, "body": document.text, "date": document.date,
            "author": document.author}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--half", choices=HALVES,
                        help="only the pages of the sites in this half (docs/extraction.md)")
    args = parser.parse_args()
    extractors = {"bulletin": ours, "trafilatura": theirs}
    seconds: dict[str, list[float]] = {name: [] for name in extractors}
    pages = 0
    print(f"{'dataset':12} {'extractor':12} {'bodyF1':>7} {'snipF1':>7} {'title':>6} {'date':>6} "
          f"{'author':>6}")
    for dataset in datasets(args.corpus):
        truths = [json.loads(line) for line in (dataset / "truth.jsonl").open(encoding="utf-8")
                  if line.strip()]
        inputs = [(t, (dataset / "pages" / f"{t['id']}.html").read_bytes()) for t in truths]
        if args.half:
            inputs = [(t, data) for t, data in inputs if half(site_key(t, data)) == args.half]
        pages += len(inputs)
        scores = {name: Scores() for name in extractors}
        for round_ in range(args.rounds):
            totals = dict.fromkeys(extractors, 0.0)
            for truth, data in inputs:
                for name, extract in extractors.items():
                    started = time.perf_counter()
                    pred = extract(data, truth.get("url") or f"file:///{truth['id']}.html")
                    totals[name] += time.perf_counter() - started
                    if round_ == 0:
                        scores[name].add(truth, pred)
            for name, total in totals.items():
                seconds[name].append(total)
        for name, score in scores.items():
            f = score.figures()
            cells = " ".join(f"{_fmt(f[key]):>6}" for key in ("title", "date", "author"))
            print(f"{dataset.name:12} {name:12} {_fmt(f['body_f1']):>7} {_fmt(f['snip_f1']):>7} "
                  f"{cells}")
    rates = {}
    for name in extractors:
        # seconds[name] holds one total per round per dataset: regroup per round
        per_round = [sum(seconds[name][i::args.rounds]) for i in range(args.rounds)]
        rates[name] = [pages / s for s in per_round]
        print(f"{name:12} {statistics.median(rates[name]):8.1f} pages/s over {pages} pages")
    ratios = [a / b for a, b in zip(rates["bulletin"], rates["trafilatura"], strict=True)]
    print(f"ratio bulletin/trafilatura pages/s: median {statistics.median(ratios):.2f}")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
