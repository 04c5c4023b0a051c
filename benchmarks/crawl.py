"""Our full crawl vs a bare Scrapy spider on the same local mock e-paper, side by side.

Runs the two setups alternately, ``--rounds`` times, against one static server (a separate
``python -m http.server`` process on 127.0.0.1), and prints pages/s, CPU ms per page and peak RSS
of each crawl process, and the ratio ours/bare (median of the rounds).

    python benchmarks/crawl.py --days 40
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from mock_site import FIRST_DAY, generate  # noqa: E402

COMMON = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s",
          "ROBOTSTXT_OBEY=False", "-s", "CONCURRENT_REQUESTS=16", "-s",
          "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{command[:4]} failed: {process.stdout.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--per-edition", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    pages = generate(work / "site", args.days, 2, args.per_edition)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(work / "site")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    base = f"http://127.0.0.1:{port}"
    last = FIRST_DAY + timedelta(days=args.days - 1)
    starts = ",".join(f"{base}/html/{(FIRST_DAY + timedelta(days=n)).strftime('%Y-%m/%d')}"
                      "/node_1.htm" for n in range(args.days))
    setups = {
        "bare": lambda _round: [sys.executable, "-m", "scrapy", "runspider", str(HERE / "bare_spider.py"),
                           "-a", f"start={starts}", *COMMON],
        "bulletin": lambda n: [sys.executable, "-m", "bulletin_crawler.cli", "crawl", "bench-daily",
                               "--sites", str(work / "sites"), "--origin", base,
                               "--since", FIRST_DAY.isoformat(), "--until", last.isoformat(),
                               "--store", f"sqlite:///{work}/run{n}.sqlite3",
                               "--loglevel", "WARNING", *COMMON],
    }
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in setups}
    try:
        for round_ in range(args.rounds):
            for name, command in setups.items():
                results[name].append(measure(command(round_), work))
    finally:
        server.terminate()
    print(f"mock site: {pages} pages ({args.days} days), {args.rounds} rounds, alternating")
    print(f"{'setup':10} {'pages/s':>9} {'CPU ms/page':>12} {'peak RSS MB':>12}")
    rates = {}
    for name, runs in results.items():
        rates[name] = [pages / wall for wall, _, _ in runs]
        cpu = statistics.median(c for _, c, _ in runs) * 1000 / pages
        rss = max(r for _, _, r in runs)
        print(f"{name:10} {statistics.median(rates[name]):9.1f} {cpu:12.2f} {rss:12.1f}")
    ratios = [b / a for a, b in zip(rates["bare"], rates["bulletin"], strict=True)]
    print(f"ratio bulletin/bare pages/s: median {statistics.median(ratios):.2f} "
          f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    main()
