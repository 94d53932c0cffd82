"""Language identification, cross-checked with the language a page declares.

The model is py3langid's (shipped inside the package, no download). py3langid walks its
byte-level automaton in a Python loop per byte, about 1 ms per article; :func:`identify_many`
runs the same automaton and the same naive-Bayes scoring with numpy over the whole batch,
one step per byte position, so the cost per article is tens of microseconds. The results
are py3langid's own (a test checks them against ``LanguageIdentifier.classify``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from scipy import sparse

# Enough text for a confident guess; identification cost grows with the sample.
SAMPLE_CHARS = 200
# Below this, identification does not override what the page declares.
MIN_CONFIDENCE = 0.90
# Languages with a news press worth following. py3langid also knows Shona, Volapük,
# Latin…, which short snippets of news text are mistaken for; leaving them out makes the
# guess among the languages news is actually written in.
NEWS_LANGUAGES = frozenset({
    "af", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et",
    "fa", "fi", "fr", "he", "hi", "hr", "hu", "hy", "id", "it", "ja", "ka", "kk", "ko", "ky",
    "lt", "lv", "mk", "mn", "ms", "nl", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr",
    "sv", "sw", "ta", "th", "tl", "tr", "uk", "ur", "uz", "vi", "zh",
})
_DECLARED = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_].*)?$")
_ALIASES = {"jp": "ja", "iw": "he", "in": "id", "cn": "zh", "eng": "en", "rus": "ru", "zho": "zh"}


class _Model:
    def __init__(self) -> None:
        # py3langid's own model is not kept: its automaton and full naive-Bayes table
        # (~70 MB) would sit in every extraction worker beside the arrays built from them.
        ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        nextmove = np.frombuffer(ident.tk_nextmove, dtype=ident.tk_nextmove.typecode)
        rowbase = np.asarray(ident.tk_row, dtype=np.int64) << 8
        # The automaton indexed by cell (row base of the state + byte). Per cell, the next
        # state's row base and its feature (-1: none), so a step is one add and one gather.
        self.start = np.int32(rowbase[0])
        self.next_base = rowbase[nextmove].astype(np.int32)
        self.cell_feature = np.asarray(ident.tk_output, dtype=np.int32)[nextmove]
        self.silent_cell = np.int32(np.flatnonzero(self.cell_feature < 0)[0])
        # Only the news languages' columns of the naive-Bayes model: the guess is made among
        # them (as py3langid's set_languages does), and the product is that much smaller.
        keep = [i for i, c in enumerate(ident.nb_classes) if c in NEWS_LANGUAGES]
        self.ptc = np.ascontiguousarray(ident.nb_ptc[:, keep])
        self.pc = ident.nb_pc[keep].astype(np.float32)
        self.classes = [ident.nb_classes[i] for i in keep]
        # A language listed twice in the model (sr, uz): its columns' probabilities add up.
        first: dict[str, int] = {}
        self.alias_pairs = [
            (first[c], i) for i, c in enumerate(self.classes) if first.setdefault(c, i) != i
        ]

    @staticmethod
    def encode(text: str) -> bytes:
        # As py3langid does before classifying.
        if text.isupper():
            text = text.lower()
        return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")

    def classify(self, samples: Sequence[bytes]) -> list[tuple[str, float]]:
        n = len(samples)
        if n == 0:
            return []
        lengths = np.fromiter((len(s) for s in samples), dtype=np.int64, count=n)
        doc, feature = self._features(samples, lengths)
        scores = np.tile(self.pc, (n, 1))
        if doc.size:
            # log(1 + count) per (sample, feature) as a sparse matrix, times the model's
            # (feature × language) table over only the features present. scipy's sparse
            # product runs on one thread; a dense BLAS product would take every core.
            used = np.flatnonzero(np.bincount(feature, minlength=self.ptc.shape[0]))
            col = np.zeros(self.ptc.shape[0], dtype=np.int64)
            col[used] = np.arange(used.size)
            counts = sparse.csr_matrix(
                (np.ones(doc.size, dtype=np.float32), (doc, col[feature])),
                shape=(n, used.size),
            )
            counts.sum_duplicates()
            counts.data = np.log1p(counts.data)
            scores += counts @ self.ptc[used].astype(np.float32)
        # No feature at all: uniform scores (py3langid abstains the same way).
        featureless = np.ones(n, dtype=bool)
        featureless[doc] = False
        scores[featureless] = 0.0
        scores *= (1.0 / np.sqrt(np.maximum(lengths, 1)))[:, None].astype(np.float32)
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        for a, b in self.alias_pairs:
            scores[:, a] += scores[:, b]
            scores[:, b] = 0.0
        best = scores.argmax(axis=1)
        conf = scores[np.arange(n), best]
        pairs = zip(best.tolist(), conf.tolist(), strict=True)
        return [(self.classes[k], float(c)) for k, c in pairs]

    def _features(
        self, samples: Sequence[bytes], lengths: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(doc, feature) for every feature the automaton emits, sorted by doc.

        The samples are walked together, one byte position per step; sorted longest first,
        the samples still running at a step are a prefix, so a step touches only those.
        Cells past a sample's end keep a cell that emits nothing.
        """
        n = len(samples)
        order = np.argsort(-lengths, kind="stable")
        sorted_len = lengths[order]
        width = max(int(sorted_len[0]), 1)
        flat = np.frombuffer(b"".join(samples[i] for i in order), dtype=np.uint8)
        # Byte j of the sample at sorted position i is grid[j, i].
        grid = np.zeros((width, n), dtype=np.uint8)
        col = np.repeat(np.arange(n), sorted_len)
        row = np.arange(flat.size) - np.repeat(np.cumsum(sorted_len) - sorted_len, sorted_len)
        grid[row, col] = flat
        running = n - np.searchsorted(sorted_len[::-1], np.arange(width), side="right")
        cells = np.full((width, n), self.silent_cell, dtype=np.int32)
        base = np.full(n, self.start, dtype=np.int32)
        for j in range(width):
            k = running[j]
            cell = base[:k] + grid[j, :k]
            cells[j, :k] = cell
            base[:k] = self.next_base[cell]
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        features = self.cell_feature[cells.T[rank]]  # (doc × step), docs in input order
        doc, step = np.nonzero(features >= 0)
        return doc, features[doc, step]


@cache
def _model() -> _Model:
    return _Model()


def declared_code(value: str | None) -> str | None:
    """ISO 639-1 code of a declared language ('en-US', 'zh_Hans', 'RU'), or None."""
    if not value:
        return None
    m = _DECLARED.match(value)
    if not m:
        return None
    code = m.group(1).lower()
    code = _ALIASES.get(code, code)
    return code if len(code) == 2 else None


def decide(identified: str, confidence: float, declared: str | None) -> str:
    """A confident identification wins over a declaration (pages often declare their site's
    default language); a less confident one defers to the declaration when there is one."""
    hint = declared_code(declared)
    if hint is None or identified == hint or confidence >= MIN_CONFIDENCE:
        return identified
    return hint


def identify_many(texts: Iterable[str], declared: Iterable[str | None]) -> list[str]:
    """ISO 639-1 language per text, cross-checked with the declared language."""
    texts = list(texts)
    hints = list(declared)
    samples = [_Model.encode(t[:SAMPLE_CHARS].strip()) for t in texts]
    guesses = _model().classify(samples)
    out = []
    for sample, (lang, conf), hint in zip(samples, guesses, hints, strict=True):
        if not sample:
            out.append(declared_code(hint) or "und")
        else:
            out.append(decide(lang, conf, hint))
    return out


def identify(text: str, declared: str | None = None) -> str:
    return identify_many([text], [declared])[0]
