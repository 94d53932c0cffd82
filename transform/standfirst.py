"""The standfirst: the summary a page shows between its headline and its body.

Extractors start at the body's first paragraph and so drop the standfirst (dek,
subheadline, "Key points" list), though it is written as part of the article. It is
found after the headline's ``<h1>`` and before the body starts, and taken when the page
vouches for it: its text agrees with the page's description, or its element (or a
near ancestor) is named as a standfirst by a class/id such as ``dek``, ``standfirst``,
``sub-headline``, ``excerpt``, ``summary`` or ``key-points``.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from transform.titles import _key, elements_after, headline_element, overlap

# Text blocks looked at after the headline before giving up.
_MAX_BLOCKS = 40
# Ancestors (including the element) whose class/id may name it a standfirst.
_MARKER_DEPTH = 5
_MIN_WORDS, _MAX_WORDS = 5, 80
# A standfirst is a few sentences or points; more blocks that qualify are a body-like
# region (a live blog's summary column), not a standfirst.
_MAX_LINES, _MAX_TOTAL_WORDS = 5, 150
# A block agreeing this much with the description is the description shown on the page.
_DESCRIPTION_AGREEMENT = 0.8
_MARKER = re.compile(
    r"(?:^|[-_\s])(?:dek|standfirst|sub-?head(?:line|ing)?|subtitle|excerpt|strap(?:line)?|"
    r"summary|lede|key-?points|article-?intro|intro-?text|teaser-?text)(?:$|[-_\s])",
    re.I,
)
# Camel-case class names ("ContentHeaderDek", "RenderKeyPoints-list").
_CAMEL_MARKER = re.compile(r"(?:Dek|Standfirst|SubHead|Subtitle|Excerpt|Summary|KeyPoints)"
                           r"(?:$|[-_A-Z\s])")
# Elements whose text is never a standfirst.
_NOT_TEXT = {"figure", "figcaption", "nav", "aside", "form", "button", "script", "style",
             "noscript", "svg", "time", "address", "footer", "template", "iframe", "select",
             "label", "a"}
_BLOCKS = {"p", "h2", "h3", "li", "div"}
_CONTAINERS = _BLOCKS | {"section", "header", "ul", "ol", "blockquote", "figure", "aside",
                         "nav", "form", "footer", "article", "main", "table", "h1", "h4"}
# Captions, bylines and the page's own prompts (walls, sign-up boxes, pop-ups).
_NOT_LEAD = re.compile(r"caption|credit|byline|author|date|share|related|paywall|gat(?:ed|ing)|"
                       r"newsletter|sign-?up|subscri|promo|modal|overlay|popup", re.I)


def _marked(element: HtmlElement) -> bool:
    node: HtmlElement | None = element
    for _ in range(_MARKER_DEPTH):
        if node is None:
            return False
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if names.strip() and (_MARKER.search(names) or _CAMEL_MARKER.search(names)):
            return True
        node = node.getparent()
    return False


def _excluded(element: HtmlElement, stop: HtmlElement) -> bool:
    """Inside a caption, navigation, form, link … (up to the common container)."""
    node: HtmlElement | None = element
    while node is not None and node is not stop:
        if node.tag in _NOT_TEXT:
            return True
        if _NOT_LEAD.search(node.get("class") or ""):
            return True
        node = node.getparent()
    return False


def _headline_element(tree: HtmlElement, headline: str | None) -> HtmlElement | None:
    found = headline_element(tree, headline)
    return found if found is not None else tree.find(".//h1")


def _text_blocks_after(anchor: HtmlElement) -> list[HtmlElement]:
    """Leaf text blocks following ``anchor`` in document order (not inside it)."""
    out: list[HtmlElement] = []
    for element in elements_after(anchor):
        if not isinstance(element.tag, str) or element.tag not in _BLOCKS:
            continue
        if any(isinstance(c.tag, str) and c.tag in _CONTAINERS for c in element):
            continue  # not a leaf: its children are visited on their own
        if not element.text_content().strip():
            continue
        out.append(element)
        if len(out) >= _MAX_BLOCKS:
            break
    return out


def standfirst(tree: HtmlElement, headline: str | None, description: str | None,
               text: str) -> list[str]:
    """Standfirst lines shown before the body ``text`` and missing from it."""
    anchor = _headline_element(tree, headline)
    if anchor is None:
        return []
    body_lines = {_key(line) for line in text.split("\n")}
    root = tree.getroottree().getroot()
    lines: list[str] = []
    seen: set[str] = set()
    for block in _text_blocks_after(anchor):
        line = " ".join(block.text_content().split())
        key = _key(line)
        if key in body_lines:
            break  # the body has started (a summary repeating one of its sentences is kept)
        words = len(line.split())
        if not _MIN_WORDS <= words <= _MAX_WORDS or _excluded(block, root):
            continue
        agrees = bool(description) and overlap(line, description) >= _DESCRIPTION_AGREEMENT \
            and len(line) >= 0.5 * len(description)
        if (agrees or _marked(block)) and key not in seen:
            seen.add(key)  # pages often repeat it for another screen size
            lines.append(line)
            if len(lines) > _MAX_LINES or sum(len(x.split()) for x in lines) > _MAX_TOTAL_WORDS:
                return []
    return lines
