"""The article's main text, from trafilatura with settings chosen by measurement."""

from __future__ import annotations

from typing import Any

import trafilatura
from lxml.html import HtmlElement


def main_text(tree: HtmlElement, url: str) -> tuple[str, Any]:
    """Main text of a parsed page and trafilatura's document (for its metadata fallbacks).

    ``tree`` is not modified: trafilatura works on its own copy.
    """
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=True,
        favor_precision=True, deduplicate=False,
    )
    text = (doc.text if doc is not None else "") or ""
    return text.strip(), doc
