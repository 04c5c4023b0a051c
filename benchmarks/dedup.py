"""Deduplication: linking quality on a labelled set, and lookup cost as the store grows.

1. Precision and recall of near-copy linking on ``tests/dedup/labelled.jsonl`` (exact copies,
   edited copies, and different stories built on one template), in the order given, with the
   same rule the pipeline uses (:func:`bulletin_crawler.fingerprints.nearest_root`).
2. The cost of one "lookup + insert" (URL match, text match, near-copy candidates, buffered
   upsert) in the embedded SQLite store at 10k, 100k and 1M stored articles, and the process RSS.

    python benchmarks/dedup.py --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path

from bulletin_crawler.contract import text_fingerprint
from bulletin_crawler.fingerprints import BANDS, NUM_PERM, fingerprint, nearest_root
from bulletin_crawler.stores.sqlite import SQLiteStore

LABELLED = Path(__file__).parent.parent / "tests" / "dedup" / "labelled.jsonl"


def linking(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    seen: dict[str, tuple[dict, str]] = {}  # content hash -> first row
    stored: list[tuple[str, dict, str | None]] = []
    group_of: dict[str, str] = {}
    links = correct = 0
    started = time.perf_counter()
    for row in rows:
        group_of[row["id"]] = row["group"]
        exact = seen.get(text_fingerprint(row["body"]))
        if exact:
            links += 1
            correct += exact[1] == row["group"]
            continue
        marks = fingerprint(row["body"])
        root = nearest_root(marks, stored)
        if root:
            links += 1
            correct += group_of[root] == row["group"]
        seen[text_fingerprint(row["body"])] = (row, row["group"])
        stored.append((row["id"], marks.as_dict(), root))
    elapsed = time.perf_counter() - started
    copies = len(rows) - len({row["group"] for row in rows})
    print(f"linking on {len(rows)} labelled texts ({copies} copies): precision "
          f"{correct / max(links, 1):.3f}, recall {correct / copies:.3f}, "
          f"{elapsed / len(rows) * 1000:.2f} ms per text")


def synthetic(rng: random.Random, n: int) -> dict:
    key = f"bench.example.cn/html/{n}.htm"
    return {"id": f"{n:024x}", "url": f"http://{key}", "url_keys": [key], "site": "bench",
            "content_hash": f"{rng.getrandbits(160):040x}", "published_at": "2020-11-30",
            "region": {"code": "410104"}, "first_seen_at": "2026-11-24T10:00:00+08:00",
            "updated_at": "2026-11-24T10:00:00+08:00", "title": f"标题{n}", "body": "正文" * 50,
            "sources": [{"site": "bench", "url": f"http://{key}", "published_at": "2020-11-30"}],
            "fingerprint": {"signature": f"{rng.getrandbits(NUM_PERM * 32):0{NUM_PERM * 8}x}",
                            "bands": [f"{b:02d}{rng.getrandbits(64):016x}" for b in range(BANDS)],
                            "numbers": [], "length": 100}}


def cost(sizes: list[int], probes: int) -> None:
    rng = random.Random(1)
    folder = Path(tempfile.mkdtemp(prefix="bulletin-dedup-"))
    store = SQLiteStore(folder / "bench.sqlite3", batch_size=5000)
    filled = 0
    print(f"{'stored':>9} {'µs per lookup+insert':>22} {'of which lookups µs':>20} "
          f"{'writes/s':>9} {'RSS MB':>8}")
    for size in sizes:
        while filled < size:
            store.upsert(synthetic(rng, filled))
            filled += 1
        store.flush()
        lookups = total = 0.0
        for _ in range(probes):
            doc = synthetic(rng, filled)
            filled += 1
            started = time.perf_counter()
            store.match(doc["url_keys"][0], doc["content_hash"])
            store.near(doc["fingerprint"]["bands"])
            lookups += time.perf_counter() - started
            store.upsert(doc)
            total += time.perf_counter() - started
        started = time.perf_counter()
        store.flush()  # the batched writes of the probes count too
        total += time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        writes = probes / (total - lookups)  # buffered upserts and their batch flush
        print(f"{size:>9} {total / probes * 1e6:>22.1f} {lookups / probes * 1e6:>20.1f} "
              f"{writes:>9.0f} {rss:>8.1f}")
    store.close()
    size_mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
    print(f"database on disk: {size_mb:.0f} MB ({folder})")
    for item in folder.iterdir():
        item.unlink()
    os.rmdir(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--probes", type=int, default=2000)
    args = parser.parse_args()
    linking(args.labelled)
    cost([int(size) for size in args.sizes.split(",")], args.probes)


if __name__ == "__main__":
    main()
