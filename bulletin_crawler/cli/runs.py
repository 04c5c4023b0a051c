"""``bulletin runs``: the recent crawls recorded in the store, as a table; ``--failed`` lists a
site's pages that failed and wait for a retry (or were given up on)."""

from __future__ import annotations

import argparse
import os

from bulletin_crawler.cli.table import print_table
from bulletin_crawler.runner import project_settings
from bulletin_crawler.stores import DEFAULT_STORE_URI, STORE_ENV, open_store

COLUMNS = ("started_at", "site", "status", "pages", "stored", "duplicates", "near_copies",
           "dropped", "failed", "errors", "waiting")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("runs", help="recent crawls, newest first")
    parser.add_argument("--store", default=os.environ.get(STORE_ENV, DEFAULT_STORE_URI),
                        help="store URI (default $BULLETIN_STORE, else the embedded store)")
    parser.add_argument("--site", help="only this site's crawls")
    parser.add_argument("-n", "--limit", type=int, default=20, help="how many (default 20)")
    parser.add_argument("--failed", action="store_true",
                        help="list the site's failed pages instead (needs --site)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.failed and not args.site:
        raise SystemExit("bulletin runs: --failed needs --site KEY")
    store = open_store(args.store, create=False, server_timeout_ms=3000)
    try:
        if args.failed:
            attempts = project_settings().getint("BULLETIN_MAX_ATTEMPTS")
            print_failures(store.failures(args.site), attempts)
            return 0
        runs = list(store.iter_runs(args.limit, args.site))
        if args.site and not runs:
            _check_site(args.site, store.sites())
        rows = [[_cell(run, name) for name in COLUMNS] for run in runs]
    finally:
        store.close()
    print_table([[name.replace("_", " ") for name in COLUMNS], *rows])
    return 0


def _check_site(key: str, stored: list[str]) -> None:
    """A site with no crawl record: fine if it is a known site never crawled, a typo if not."""
    from bulletin_crawler.sites.registry import load_registry, no_such_site

    known = set(load_registry(project_settings().get("BULLETIN_SITES") or None).sites) | set(
        stored)
    if key not in known:
        raise SystemExit(f"bulletin runs: {no_such_site([key], known)}")


def _cell(run: dict, name: str) -> str:
    value = run.get(name, (run.get("figures") or {}).get(name, ""))
    if name == "status" and run.get("reasons"):
        value = f"{value}: {'; '.join(run['reasons'])}"
    return str(value)


def print_failures(failures: list[dict], max_attempts: int) -> None:
    rows = [["last failed", "kind", "reason", "attempts", "state", "url"]]
    for failure in failures:
        state = "given up" if failure["attempts"] >= max_attempts else "will retry"
        rows.append([str(failure["last_failed_at"]), failure["kind"], failure["reason"],
                     str(failure["attempts"]), state, failure["url"]])
    print_table(rows, last_free=True)
    print(f"{len(failures)} failed pages")
