"""Near-duplicate fingerprints: MinHash signatures over word shingles, and LSH band keys.

A signature estimates the Jaccard similarity of two texts' sets of shingles (three words
in a row; Chinese and Japanese count one character as a word). The band keys let the
warehouse find candidate pairs with an equality join instead of comparing every pair:
two texts share at least one band key with probability ``1 - (1 - J**ROWS)**BANDS``.
Candidates are then confirmed on the signatures with :data:`NEAR_DUPLICATE_THRESHOLD`.
Pure: no network, no disk. The threshold's choice is documented in docs/dedup.md.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
from typing import Any

import numpy as np

NUM_PERM = 128
# 42 bands of 3 rows (126 of the 128 values): a pair at J = 0.5 becomes a candidate with
# probability 0.996, at J = 0.4 0.94, at J = 0.05 (same-topic articles) 0.005.
BANDS, ROWS = 42, 3
SHINGLE = 3
# Estimated Jaccard similarity (over 3-word shingles) from which two texts are one story.
NEAR_DUPLICATE_THRESHOLD = 0.5
MIN_SHINGLES = 10  # shorter texts are too short to call near copies: no signature
SCHEME = "affine32"  # datasketch's permutation scheme (its default since 2.0)
SEED = 1  # fixed so that signatures stay comparable across runs and machines

# A Han, Hiragana or Katakana character is a word by itself; elsewhere \w+ runs.
_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_TOKENS = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")

assert BANDS * ROWS <= NUM_PERM


def shingles(text: str) -> set[str]:
    """The set of SHINGLE-word sequences of a text, case-folded, punctuation ignored."""
    tokens = _TOKENS.findall(text.casefold())
    # zip over shifted lists (it stops at the shortest) joins in C: faster than indexing.
    return set(map(" ".join, zip(*(tokens[i:] for i in range(SHINGLE)), strict=False)))


@functools.cache
def _empty_minhash() -> Any:
    # Imported here: datasketch imports scipy (≈ 0.5 s, ≈ 33 MB), which the flow process,
    # needing only this module's constants to load signatures, should not pay for.
    from datasketch import MinHash

    # The scheme is named: datasketch 1.x defaulted to another one (other values), and
    # stored signatures must stay comparable if a later release changes the default.
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


def signature(text: str) -> list[int] | None:
    """The MinHash signature of a text (NUM_PERM unsigned 32-bit ints), or None if too short."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    # A copy of one empty MinHash: its permutations are drawn once, not once per text.
    # The minimum does not depend on the order of the shingles, so they are not sorted.
    mh = _empty_minhash().copy()
    mh.update_batch([g.encode("utf-8") for g in grams])
    return mh.hashvalues.tolist()


def band_keys(sig: list[int]) -> list[int]:
    """One 63-bit key per LSH band: a hash of the band's ROWS values and the band number."""
    keys = []
    for band in range(BANDS):
        rows = sig[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f"<H{ROWS}I", band, *rows), digest_size=8)
        keys.append(int.from_bytes(digest.digest(), "little") >> 1)  # fits BIGINT
    return keys


def similarity(a: list[int] | np.ndarray, b: list[int] | np.ndarray) -> float:
    """Estimated Jaccard similarity of the texts behind two signatures."""
    return float(np.mean(np.asarray(a, dtype=np.uint32) == np.asarray(b, dtype=np.uint32)))
