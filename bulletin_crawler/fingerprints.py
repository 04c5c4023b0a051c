"""Near-duplicate fingerprints: MinHash over character 5-grams, banded for lookup in the store.

A story republished with small edits (a changed phrase, an added editor line, a dropped sentence)
keeps most of its 5-grams; different stories built on one template (weather, notices, name lists)
share words but not their facts. So two texts are near copies when their estimated Jaccard
similarity is high (higher still for short texts) *and* the numbers they state agree.

The MinHash is datasketch's (64 permutations, fixed seed, so fingerprints are comparable across
runs and processes). 16 bands of 4 rows give the store keys to look candidates up by: texts with
Jaccard 0.7 share a band key with probability 0.98, texts with 0.3 with 0.12.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from datasketch import MinHash

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
SEED = 20201130
THRESHOLD = 0.7        # estimated Jaccard of 5-gram sets for texts of normal length
SHORT_TEXT = 100       # characters (after normalising): below this the rule is stricter
SHORT_THRESHOLD = 0.9
NUMBERS_AGREE = 0.8    # share of the shorter text's numbers that the other must state too

_NOT_TEXT = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Fingerprint:
    signature: bytes
    bands: tuple[str, ...]
    numbers: frozenset[str]
    length: int

    def as_dict(self) -> dict[str, Any]:
        """The stored form (JSON and BSON friendly)."""
        return {"signature": self.signature.hex(), "bands": list(self.bands),
                "numbers": sorted(self.numbers), "length": self.length}

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Fingerprint:
        return cls(bytes.fromhex(stored["signature"]), tuple(stored["bands"]),
                   frozenset(stored["numbers"]), int(stored["length"]))


@lru_cache(maxsize=1)
def _permutations() -> tuple[Any, str]:
    template = MinHash(num_perm=NUM_PERM, seed=SEED)
    return template.permutations, template.scheme


def fingerprint(body: str) -> Fingerprint:
    text = _NOT_TEXT.sub("", unicodedata.normalize("NFKC", body))
    shingles = {text[i:i + SHINGLE].encode("utf-8")
                for i in range(max(1, len(text) - SHINGLE + 1))}
    permutations, scheme = _permutations()
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=permutations, scheme=scheme,
                      hashfunc=zlib.crc32)  # C speed; datasketch's default SHA-1 is 3× slower
    minhash.update_batch(list(shingles))
    values = minhash.hashvalues.astype(np.uint32)
    bands = tuple(f"{band:02d}" + hashlib.blake2b(values[band * ROWS:(band + 1) * ROWS].tobytes(),
                                                   digest_size=8).hexdigest()
                  for band in range(BANDS))
    return Fingerprint(values.tobytes(), bands, frozenset(_NUMBER.findall(text)), len(text))


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two texts' 5-gram sets."""
    left = np.frombuffer(a.signature, dtype=np.uint32)
    right = np.frombuffer(b.signature, dtype=np.uint32)
    return float(np.count_nonzero(left == right)) / NUM_PERM


def is_near_copy(a: Fingerprint, b: Fingerprint) -> bool:
    threshold = SHORT_THRESHOLD if min(a.length, b.length) < SHORT_TEXT else THRESHOLD
    if similarity(a, b) < threshold:
        return False
    fewer, more = sorted((a.numbers, b.numbers), key=len)
    return not fewer or len(fewer & more) >= NUMBERS_AGREE * len(fewer)


def nearest_root(marks: Fingerprint, candidates: list[tuple[str, dict[str, Any], str | None]]
                 ) -> str | None:
    """The cluster root (earliest story) of the most similar near copy among ``candidates``
    (``(id, stored fingerprint, duplicate_of)``), or None: one cluster, no chains."""
    best: tuple[float, str] | None = None
    for doc_id, stored, duplicate_of in candidates:
        other = Fingerprint.from_dict(stored)
        if is_near_copy(marks, other):
            score = similarity(marks, other)
            if best is None or score > best[0]:
                best = (score, duplicate_of or doc_id)
    return best[1] if best else None
