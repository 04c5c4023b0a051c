"""Peak memory and rate of ``bulletin export`` at growing archive sizes: a streaming export keeps
memory flat (the peak at 100k articles ≈ the peak at 10k).

Generates N stored articles in a fresh SQLite store (realistic sizes: 1–2 kB of Chinese text,
bylines, two sources for every tenth story), then runs each export format in its own process
and reads that process's peak RSS. Loopback-free, bounded by the sizes given.

    python3 benchmarks/export.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bulletin_crawler.canonical import assemble, make_place, story_id
from bulletin_crawler.contract import Article, text_fingerprint
from bulletin_crawler.stores.sqlite import SQLiteStore
from bulletin_crawler.urls import url_key

WORDS = ("管城回族区", "街道", "社区", "项目", "推进", "会议", "群众", "服务", "建设", "发展")


def fill(path: Path, count: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    store = SQLiteStore(path, batch_size=1000)
    for n in range(count):
        body = "\n".join("".join(rng.choice(WORDS) for _ in range(30)) + f"第{n}号。"
                         for _ in range(5))
        url = f"http://bench.invalid/html/2021-01/{1 + n % 28:02d}/content_{n}.htm"
        doc = Article(url=url, site="bench", source="基准报", kind="epaper", title=f"标题{n}",
                      body=body, published_at=f"2021-01-{1 + n % 28:02d}T00:00:00+08:00",
                      published_precision="day", reporters=["王晓"], authors=["王晓"],
                      region={"province": "河南省", "city": "郑州市", "district": None,
                              "code": "410104"}).to_document()
        doc.update(id=story_id(text_fingerprint(body)), content_hash=text_fingerprint(body),
                   first_seen_at="2026-11-30T10:00:00+08:00",
                   updated_at="2026-11-30T10:00:00+08:00")
        places = [make_place(doc, url_key(url), True, doc["first_seen_at"])]
        if n % 10 == 0:
            repost = {**doc, "url": f"http://gov.invalid/{n}.htm", "site": "gov",
                      "kind": "portal", "published_at": "2021-01-29T09:00:00+08:00"}
            places.append(make_place(repost, url_key(repost["url"]), False, doc["updated_at"]))
        store.upsert(assemble(doc, places))
    store.close()


def export_peak(path: Path, fmt: str, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one export in a fresh process."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m",
                             "bulletin_crawler.cli", "export", "--store", f"sqlite:///{path}",
                             "--format", fmt, "-o", str(out)],
                            capture_output=True, text=True, check=True)
    return time.perf_counter() - started, int(result.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'articles':>9} {'format':>8} {'seconds':>8} {'docs/s':>8} {'peak MB':>8}")
        for size in (int(value) for value in args.sizes.split(",")):
            store = Path(folder) / f"{size}.sqlite3"
            fill(store, size)
            for fmt in ("jsonl", "csv", "parquet"):
                seconds, peak = export_peak(store, fmt, Path(folder) / f"out.{fmt}")
                print(f"{size:>9} {fmt:>8} {seconds:>8.1f} {size / seconds:>8.0f} {peak:>8.1f}")


if __name__ == "__main__":
    main()
