"""Our full crawl vs a bare Scrapy spider on the same local mock site, side by side.

Generates a mock district site (``mock_site.py``: a Founder ENP e-paper and a TRS portal), serves
it with nginx on 127.0.0.1 (Debian ``nginx-light``; Python's http.server when nginx is missing),
started and stopped by PID, then runs the setups alternately ``--rounds`` times:

- bare: a bare Scrapy spider following the same links (TRS script paging included), yielding
  URL + title; the e-paper, then the portal;
- bulletin: ``bulletin crawl`` of the e-paper, then of the portal (extraction, normalise,
  validate, dedup with near copies, the embedded SQLite store);
- mongo: the same into MongoDB, when ``--mongo URI`` is given.

Each side runs one process per site and is measured by the pages it really fetched (Scrapy's
``response_received_count``); a setup that fetched under 95 % of the site aborts the run. Prints
pages/s, CPU ms per page and peak RSS of each, and the ratio bulletin/bare (median).

    python benchmarks/crawl.py --days 100 --per-edition 50 --portal-articles 10000
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from mock_site import FIRST_DAY, generate, generate_portal  # noqa: E402

COMMON = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s",
          "ROBOTSTXT_OBEY=False", "-s", "CONCURRENT_REQUESTS=16", "-s",
          "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING"]
SUMMARY_PAGES = re.compile(r"^summary: pages (\d+)", re.MULTILINE)
NGINX_CONF = """daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; types {{ text/html htm html shtml; }} default_type text/html;
        server {{ listen 127.0.0.1:{port}; root {root}; }} }}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(root: Path, work: Path, port: int) -> subprocess.Popen[bytes]:
    if shutil.which("nginx"):
        conf = work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(work=work, port=port, root=root))
        command = ["nginx", "-p", str(work), "-c", str(conf)]
    else:
        command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                   "--directory", str(root)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    raise SystemExit(f"the server on port {port} did not start")


def measure(commands: list[list[str]], cwd: Path, pages_file: Path
            ) -> tuple[float, float, float, int]:
    """Wall seconds and CPU seconds summed over the commands, their peak RSS (MB) and the pages
    they fetched: ours print it in the crawl summary, the bare spider writes it to
    ``pages_file``."""
    wall = cpu = rss = 0.0
    fetched = 0
    for command in commands:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
        output = process.stdout.read().decode()
        _, status, usage = os.wait4(process.pid, 0)
        wall += time.perf_counter() - started
        if status != 0:
            raise SystemExit(f"{command[:5]} failed: {output[-2000:]}")
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, usage.ru_maxrss / 1024)
        fetched += sum(int(n) for n in SUMMARY_PAGES.findall(output))
        if pages_file.exists():
            fetched += int(pages_file.read_text())
            pages_file.unlink()
    return wall, cpu, rss, fetched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--per-edition", type=int, default=25)
    parser.add_argument("--portal-articles", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mongo", help="also crawl into this MongoDB URI")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    work.chmod(0o755)  # nginx workers run as another user
    pages = generate(work / "site", args.days, 2, args.per_edition)
    if args.portal_articles:
        pages += generate_portal(work / "site", args.portal_articles)
    port = free_port()
    server = start_server(work / "site", work, port)
    base = f"http://127.0.0.1:{port}"
    last = FIRST_DAY + timedelta(days=args.days - 1)
    # One process per site on both sides, as operators run `bulletin crawl SITE`.
    site_starts = [[f"{base}/html/{(FIRST_DAY + timedelta(days=n)).strftime('%Y-%m/%d')}/node_1.htm"
                    for n in range(args.days)]]
    if args.portal_articles:
        site_starts.append([f"{base}/zwyw/index.shtml"])
    portal_since = FIRST_DAY.isoformat()
    portal_until = (FIRST_DAY + timedelta(days=100)).isoformat()

    def ours(store: str) -> list[list[str]]:
        crawl = [sys.executable, "-m", "bulletin_crawler.cli", "crawl", "--sites",
                 str(work / "sites"), "--origin", base, "--store", store, "--loglevel",
                 "WARNING", *COMMON]
        runs = [[*crawl, "bench-daily", "--since", FIRST_DAY.isoformat(), "--until",
                 last.isoformat()]]
        if args.portal_articles:
            runs.append([*crawl, "bench-portal", "--since", portal_since, "--until",
                         portal_until])
        return runs

    setups = {
        "bare": lambda n: [[sys.executable, "-m", "scrapy", "runspider",
                            str(HERE / "bare_spider.py"), "-a", f"start={','.join(starts)}",
                            "-a", f"pages_file={pages_file}", *COMMON]
                           for starts in site_starts],
        "bulletin": lambda n: ours(f"sqlite:///{work}/run{n}.sqlite3"),
    }
    if args.mongo:
        setups["mongo"] = lambda n: ours(args.mongo.rstrip("/") + f"_{n}")
    pages_file = work / "bare.pages"
    results: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name in setups}
    try:
        for round_ in range(args.rounds):
            for name, commands in setups.items():
                results[name].append(measure(commands(round_), work, pages_file))
            stored = sqlite3.connect(work / f"run{round_}.sqlite3").execute(
                "SELECT COUNT(*) FROM articles").fetchone()[0]
            if stored < 0.8 * (pages - args.days * 2 - args.portal_articles // 20):
                raise SystemExit(f"only {stored} articles stored: is the server serving?")
    finally:
        server.terminate()
        server.wait()
    server_name = "nginx" if shutil.which("nginx") else "python http.server"
    print(f"mock site: {pages} pages ({args.days} e-paper days, {args.portal_articles} portal "
          f"articles), served by {server_name}; {args.rounds} rounds, alternating")
    print(f"{'setup':10} {'pages':>7} {'pages/s':>9} {'CPU ms/page':>12} {'peak RSS MB':>12}")
    rates = {}
    for name, runs in results.items():
        fetched = statistics.median(n for *_, n in runs)
        if fetched < 0.95 * pages:
            raise SystemExit(f"{name} fetched {fetched} of the site's {pages} pages: the setups "
                             "must do the same work")
        rates[name] = [n / wall for wall, _, _, n in runs]
        cpu = statistics.median(c * 1000 / n for _, c, _, n in runs)
        rss = max(r for _, _, r, _ in runs)
        print(f"{name:10} {fetched:7.0f} {statistics.median(rates[name]):9.1f} {cpu:12.2f} "
              f"{rss:12.1f}")
    for name in setups:
        if name != "bare":
            ratios = [b / a for a, b in zip(rates["bare"], rates[name], strict=True)]
            print(f"ratio {name}/bare pages/s: median {statistics.median(ratios):.2f} "
                  f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
