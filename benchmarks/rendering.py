"""What rendering costs: one local TRS portal (``mock_site.py``'s generator; list pages with
their links in the HTML, so every setup can crawl it) crawled by ``bulletin crawl`` three ways,
alternating for ``--rounds`` rounds:

- plain: ``render: none``, every page plain HTTP;
- lists: ``render: browser`` (the default ``render_pages: lists``): list pages in Chromium;
- all: ``render: browser`` with ``render_pages: all``: every page in Chromium.

Served by nginx on 127.0.0.1 (Python's http.server when nginx is missing, as ``crawl.py``);
concurrency 16, no delays, no robots.txt, the browser with its default caps (one context, 4
pages at a time). Prints pages/s (pages fetched over the crawl's own elapsed time, process
start-up excluded) and peak memory, sampled every 0.2 s as the proportional set size (PSS:
Chromium's processes share pages, PSS counts each once) of the crawler, the Playwright driver
and the browser's processes, and their sum. Medians over the rounds; peaks are maxima.

    python benchmarks/rendering.py --articles 400 --rounds 3
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from crawl import COMMON, free_port, start_server
from mock_site import FIRST_DAY, PORTAL_PAGE_SIZE, write_site

from tests.faults.sites import trs_portal  # importable: mock_site put the checkout on the path

SETUPS = {"plain": [], "lists": ["render: browser"],
          "all": ["render: browser", "render_pages: all"]}
KEY = "bench-render"
ORIGIN = "http://gov.render.invalid"
ELAPSED = re.compile(r"'elapsed_time_seconds': ([\d.]+)")
PAGES = re.compile(r"^summary: pages (\d+)", re.MULTILINE)
SAMPLE_EVERY = 0.2  # seconds


def tree(root: int) -> list[int]:
    """``root`` and its descendants, from every process's parent in /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def pss_by_role(root: int) -> dict[str, float]:
    """PSS in MB of the crawler (``root``), the Playwright driver (node) and the browser."""
    roles = {"crawler": 0.0, "driver": 0.0, "browser": 0.0}
    for pid in tree(root):
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
        role = "crawler" if pid == root else "driver" if comm.startswith("node") else "browser"
        roles[role] += int(match.group(1)) / 1024 if match else 0.0
    return roles


def crawl(command: list[str], cwd: Path) -> tuple[int, float, dict[str, float]]:
    """Pages fetched, the crawl's elapsed seconds, and peak PSS by role (``total``: of the
    sums sampled together)."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    peaks = {"crawler": 0.0, "driver": 0.0, "browser": 0.0, "total": 0.0}

    def sample() -> None:
        while process.poll() is None:
            roles = pss_by_role(process.pid)
            for role, mb in {**roles, "total": sum(roles.values())}.items():
                peaks[role] = max(peaks[role], mb)
            time.sleep(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0]
    sampler.join()
    pages, elapsed = PAGES.search(output), ELAPSED.search(output)
    if process.returncode != 0 or pages is None or elapsed is None:
        raise SystemExit(f"{' '.join(command[3:6])} failed: {output[-2000:]}")
    return int(pages.group(1)), float(elapsed.group(1)), peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-render-"))
    work.chmod(0o755)  # nginx workers run as another user
    site = trs_portal(args.articles, PORTAL_PAGE_SIZE, FIRST_DAY, name="渲染基准测试区人民政府")
    pages = write_site(site, work / "site", KEY, ORIGIN)
    port = free_port()
    server = start_server(work / "site", work, port)
    results: dict[str, list[tuple[int, float, dict[str, float]]]] = {name: [] for name in SETUPS}
    try:
        for round_ in range(args.rounds):
            for name, render in SETUPS.items():
                sites = work / f"sites-{name}"
                sites.mkdir(exist_ok=True)
                (sites / f"{KEY}.yaml").write_text(
                    site.site_yaml(KEY, ORIGIN) + "".join(f"{line}\n" for line in render),
                    encoding="utf-8")
                results[name].append(crawl(
                    [sys.executable, "-m", "bulletin_crawler.cli", "crawl", KEY, "--sites",
                     str(sites), "--origin", f"http://127.0.0.1:{port}", "--store",
                     f"sqlite:///{work}/{name}-{round_}.sqlite3", "--since",
                     site.first_day.isoformat(), "--until", site.last_day.isoformat(),
                     *COMMON, "-s", "LOG_LEVEL=INFO"], work))  # the stats: elapsed time
    finally:
        server.terminate()
        server.wait()
    server_name = "nginx" if shutil.which("nginx") else "python http.server"
    print(f"site: {pages} pages ({args.articles} articles, {len(site.list_paths)} list pages), "
          f"served by {server_name}; {args.rounds} rounds, alternating")
    print(f"{'setup':7} {'pages':>6} {'pages/s':>8} {'crawler MB':>11} {'driver MB':>10} "
          f"{'browser MB':>11} {'total MB':>9}")
    rates = {}
    for name, runs in results.items():
        fetched = statistics.median(n for n, _, _ in runs)
        if fetched < 0.95 * pages:
            raise SystemExit(f"{name} fetched {fetched} of the site's {pages} pages")
        rates[name] = statistics.median(n / elapsed for n, elapsed, _ in runs)
        peak = {role: max(p[role] for _, _, p in runs) for role in runs[0][2]}
        print(f"{name:7} {fetched:6.0f} {rates[name]:8.1f} {peak['crawler']:11.0f} "
              f"{peak['driver']:10.0f} {peak['browser']:11.0f} {peak['total']:9.0f}")
    for name in ("lists", "all"):
        print(f"plain/{name} pages/s: {rates['plain'] / rates[name]:.1f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
