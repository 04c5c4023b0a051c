"""``bulletin eval``: extraction quality on a labelled corpus folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from bulletin_crawler.evaluation import datasets, evaluate

COLUMNS = (("body_p", "bodyP"), ("body_r", "bodyR"), ("body_f1", "bodyF1"), ("title", "title="),
           ("date", "date"), ("author", "author"), ("pages_per_s", "pages/s"))


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("eval", help="score extraction on a labelled corpus")
    parser.add_argument("corpus", type=Path, help="a dataset folder, or a folder of them")
    parser.add_argument("--pred-dir", type=Path,
                        help="also write each dataset's predictions (JSON Lines) here")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(f"{'dataset':14}" + "".join(f"{header:>9}" for _, header in COLUMNS))
    for dataset in datasets(args.corpus):
        predictions = None
        if args.pred_dir:
            args.pred_dir.mkdir(parents=True, exist_ok=True)
            predictions = args.pred_dir / f"{dataset.name}.jsonl"
        scores = evaluate(dataset, predictions)
        figures = scores.figures()
        cells = "".join(f"{_cell(figures[key], key):>9}" for key, _ in COLUMNS)
        print(f"{dataset.name:14}{cells}  (n={scores.pages}, failed={len(scores.failures)})")
    return 0


def _cell(value: float | None, key: str) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if key == "pages_per_s" else f"{value:.3f}"
