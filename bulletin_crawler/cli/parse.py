"""``bulletin parse``: extraction only, on saved pages; JSON Lines on stdout."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from bulletin_crawler.extraction.html import ExtractionError
from bulletin_crawler.extraction.page import extract_page


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("parse", help="extract articles from saved pages (no crawl)")
    parser.add_argument("paths", nargs="+", type=Path,
                        help="saved pages: HTML, or a page's plain text (.txt) to split into "
                             "stories")
    parser.add_argument("--url", help="the page's URL (dates and links are read from it)")
    parser.add_argument("--issue-date", type=date.fromisoformat,
                        help="issue date, YYYY-MM-DD, for relative dates such as 昨日")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    failed = 0
    several = len(args.paths) > 1
    for path in args.paths:
        try:
            articles = extract_page(path.read_bytes(), args.url or path.resolve().as_uri(),
                                    args.issue_date, is_text=path.suffix.lower() == ".txt")
        except (OSError, ExtractionError) as error:
            failed += 1
            print(f"bulletin parse: {path}: {error}", file=sys.stderr)
            continue
        for article in articles:
            fields = article.as_fields()
            if several:
                fields = {"input": str(path), **fields}
            print(json.dumps(fields, ensure_ascii=False))
    return 1 if failed else 0
