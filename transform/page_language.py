"""The language a page declares for itself, as an ISO 639-1 code."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from transform.structured import PageData, text_of

_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
# ISO 639-2/3 codes that pages use where a two-letter code exists.
_THREE_TO_TWO = {"eng": "en", "rus": "ru", "zho": "zh", "chi": "zh", "fra": "fr", "fre": "fr",
                 "deu": "de", "ger": "de", "spa": "es", "ara": "ar", "jpn": "ja", "ind": "id",
                 "por": "pt", "ita": "it", "ukr": "uk", "kor": "ko", "tur": "tr", "vie": "vi"}


def to_iso639_1(value: str | None) -> str | None:
    if not value:
        return None
    match = _CODE.match(value.strip())
    if not match:
        return None
    code = match.group(1).lower()
    if len(code) == 3:
        return _THREE_TO_TWO.get(code)
    return code


def declared_language(tree: HtmlElement, page: PageData) -> str | None:
    """html lang, then og:locale / content-language, then JSON-LD inLanguage."""
    candidates = [tree.get("lang"), tree.get("xml:lang"),
                  tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
                  page.meta_first("og:locale"), page.meta_first("content-language"),
                  page.meta_first("language", "dc.language"),
                  text_of(page.article_values("inLanguage"))]
    for value in candidates:
        code = to_iso639_1(value)
        if code:
            return code
    return None
