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

# Below this share of the page's paragraph words, the first result has missed the body.
_SHORT_SHARE = 0.25


def _paragraph_words(tree: HtmlElement) -> int:
    return sum(len(p.text_content().split()) for p in tree.iter("p"))


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
    return text, doc
