"""``bulletin eval``: extraction quality on a labelled corpus folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from bulletin_crawler.evaluation import HALVES, ROLES, Scores, datasets, evaluate

COLUMNS = (("body_p", "bodyP"), ("body_r", "bodyR"), ("body_f1", "bodyF1"), ("title", "title="),
           ("date", "date"), ("author", "author"), ("pages_per_s", "pages/s"))
# Snippet-annotated and byline-annotated truth (zh_real, multilingual): a second table.
EXTRA = (("snip_p", "snipP"), ("snip_r", "snipR"), ("snip_f1", "snipF1"),
         ("present", "present"), ("absent", "absent"), ("byline_p", "bylineP"),
         ("byline_r", "bylineR"))


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("eval", help="score extraction on a labelled corpus")
    parser.add_argument("corpus", type=Path, help="a dataset folder, or a folder of them")
    parser.add_argument("--pred-dir", type=Path,
                        help="also write each dataset's predictions (JSON Lines) here")
    parser.add_argument("--half", choices=HALVES,
                        help="only the pages of the sites in this half (docs/extraction.md)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    results: list[tuple[str, Scores]] = []
    print(f"{'dataset':14}" + "".join(f"{header:>9}" for _, header in COLUMNS))
    for dataset in datasets(args.corpus):
        predictions = None
        if args.pred_dir:
            args.pred_dir.mkdir(parents=True, exist_ok=True)
            predictions = args.pred_dir / f"{dataset.name}.jsonl"
        scores = evaluate(dataset, predictions, only=args.half)
        results.append((dataset.name, scores))
        print(f"{dataset.name:14}{_cells(scores, COLUMNS)}  "
              f"(n={scores.pages}, failed={len(scores.failures)})")
    extra = [(name, scores) for name, scores in results
             if any(scores.figures()[key] is not None for key, _ in EXTRA)]
    if extra:
        print(f"\n{'dataset':14}" + "".join(f"{header:>9}" for _, header in EXTRA))
    for name, scores in extra:
        print(f"{name:14}{_cells(scores, EXTRA)}")
        figures = scores.figures()
        roles = [f"{role} P {_cell(figures[f'{role}_p'], '')} R {_cell(figures[f'{role}_r'], '')}"
                 for role in (*ROLES, "authors")
                 if figures[f"{role}_p"] is not None or figures[f"{role}_r"] is not None]
        if roles:
            print(f"{'':14}  by role: " + "; ".join(roles))
    return 0


def _cells(scores: Scores, columns: tuple[tuple[str, str], ...]) -> str:
    figures = scores.figures()
    return "".join(f"{_cell(figures[key], key):>9}" for key, _ in columns)


def _cell(value: float | None, key: str) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if key == "pages_per_s" else f"{value:.3f}"
