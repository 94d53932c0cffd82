"""The article's main text, from trafilatura with settings chosen by measurement.

Precision mode without comments scored best on the development pages. When its result
holds far less text than the page's paragraphs (live blogs, pages split in many
containers), trafilatura's baseline extractor (JSON-LD articleBody, <article>, then
paragraphs) is used instead.
"""

from __future__ import annotations

import copy
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura import baseline

from transform.boilerplate import prune_furniture, prune_link_blocks
from transform.titles import _key

# Below this share of the page's paragraph words, the first result has missed the body.
_SHORT_SHARE = 0.25
# Share of a one-line fallback text its page paragraphs must cover to replace it.
_COVERED = 0.8


def _paragraph_words(tree: HtmlElement) -> int:
    return sum(len(p.text_content().split()) for p in tree.iter("p"))


def as_paragraphs(tree: HtmlElement, flat: str) -> str:
    """The page's own paragraphs that make up ``flat`` (one line), in document order.

    trafilatura's baseline returns a JSON-LD ``articleBody`` as a single line; the page's
    paragraphs give it back its lines. Kept as it is when they do not cover it.
    """
    flat_key = _key(flat)
    lines: list[str] = []
    seen: set[str] = set()
    for element in tree.iter("p", "h2", "h3", "li", "blockquote"):
        if element.find(".//p") is not None:
            continue
        line = " ".join(element.text_content().split())
        key = _key(line)
        if len(key) >= 20 and key in flat_key and key not in seen:
            seen.add(key)
            lines.append(line)
    covered = sum(len(line.split()) for line in lines)
    return "\n".join(lines) if covered >= _COVERED * len(flat.split()) else flat


def main_text(tree: HtmlElement, url: str) -> tuple[str, Any]:
    """Main text of a parsed page and trafilatura's document.

    ``tree`` is not modified.
    """
    tree = prune_link_blocks(prune_furniture(copy.deepcopy(tree)))
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=True,
        favor_precision=True, deduplicate=False,
    )
    text = ((doc.text if doc is not None else "") or "").strip()
    words = len(text.split())
    if words < _SHORT_SHARE * _paragraph_words(tree):
        _, backup, _ = baseline(tree)
        if len(backup.split()) > words / _SHORT_SHARE:
            text = backup.strip()
            if "\n" not in text:
                text = as_paragraphs(tree, text)
    return text, doc
