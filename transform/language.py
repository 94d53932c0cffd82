"""Language identification (py3langid, model shipped in the package), cross-checked with
the language a page declares."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Enough text for a confident guess; identification cost grows with the sample.
SAMPLE_CHARS = 300
# Below this, a short or mixed sample is not trusted over what the page declares.
MIN_CONFIDENCE = 0.90
_DECLARED = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_].*)?$")
# Declared codes that are not ISO 639-1 but mean one: zh-Hans etc. are handled by the split.
_ALIASES = {"jp": "ja", "iw": "he", "in": "id", "cn": "zh", "eng": "en", "rus": "ru", "zho": "zh"}


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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


def identify(text: str, declared: str | None = None) -> str:
    """Language of ``text``: the identified one when confident, else the declared one.

    A confident identification wins over a declaration (pages often declare their site's
    default language); a low-confidence one defers to the declaration when there is one.
    """
    hint = declared_code(declared)
    sample = text[:SAMPLE_CHARS].strip()
    if not sample:
        return hint or "und"
    lang, prob = _identifier().classify(sample)
    if hint is None or lang == hint or prob >= MIN_CONFIDENCE:
        return str(lang)
    return hint


def identify_many(texts: Iterable[str], declared: Iterable[str | None]) -> list[str]:
    return [identify(t, d) for t, d in zip(texts, declared, strict=True)]
