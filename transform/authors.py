"""Authors as a clean list of person names, from structured data first, then bylines.

Removes what bylines wrap around names in many languages: "By", "Par", "Von", "Автор:",
"文/记者", job titles, e-mail addresses, "and", and outlet or desk names.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from lxml.html import HtmlElement

from transform.structured import PageData

# Lead-ins before names, in several languages (matched case-insensitively at the start).
_LEAD_IN = re.compile(
    r"^\s*(?:(?:written|reported|posted|words|text|photos?|story)\s+by|by|authors?|from|par|von|"
    r"por|door|av|af|przez|autor(?:a|in)?|auteur|автор(?:ы)?|текст|от|작성자|기자|"
    r"作者|记者|文|撰文|编辑|責任編集|著者|المحرر|بقلم|كتب)\s*[:：/|]?\s+",
    re.I,
)
_CJK_LEAD = re.compile(r"^\s*(?:[（(]?\s*(?:作者|记者|文|撰文|编辑|责任编辑|来源)\s*[：:/／|]\s*)+")
_SPLIT = re.compile(
    r"\s*(?:,|;|\||/|、|，|；|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b|\bva\b|\bdan\b|\ben\b|"
    r"\boch\b|\bog\b|\bi\b|\bwith\b|\bс\b| و )\s*")
_EMAIL = re.compile(r"\S+@\S+")
_TRAILING_ROLE = re.compile(r"\s*[,(|–—-]\s*.*$")
# Words that mark a desk, an outlet, a role or a date, never a person's name.
_NOT_A_NAME = re.compile(
    r"\b(?:staff|desk|team|editor(?:s|ial)?|redaktion|rédaction|redacción|redazione|"
    r"редакция|correspondent|reporter|writer|contributor|columnist|news|newsroom|press|"
    r"agency|agencies|wire|media|online|digital|report|service|network|times|daily|"
    r"journal|magazine|today|tribune|herald|associated|reuters|afp|dpa|xinhua|tass|"
    r"interfax|bloomberg|contact|updated|published|minutes?|hours?|ago|share|follow|email|"
    r"twitter|facebook|senior|chief|political|politics|business|opinion|world|sport|"
    r"photographer|video|admin|guest|anonymous|unknown|invalid|null|none)\b",
    re.I,
)
_META_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author",
                     "byl", "cxenseparse:author", "twitter:creator")
_DIGIT = re.compile(r"\d")
_ODD = re.compile(r"[\[\]{}<>=#@_/\\|+*%$]")
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_MAX_WORDS = 6


def _clean_part(part: str) -> str | None:
    part = unicodedata.normalize("NFC", part)
    part = _EMAIL.sub("", part)
    part = re.sub(r"https?://\S+|www\.\S+|@\w+", "", part)
    part = _CJK_LEAD.sub("", part)
    for _ in range(2):
        part = _LEAD_IN.sub("", part)
    part = part.strip(" \t\n\r\"'“”«»‘’.:;·•*-–—()[]{}")
    part = " ".join(part.split())
    if not part or _DIGIT.search(part) or _NOT_A_NAME.search(part) or _ODD.search(part):
        return None
    words = part.split()
    if len(words) > _MAX_WORDS or len(part) > 60:
        return None
    # In scripts that separate words, a lone word is a desk, a show or a brand, not a byline.
    if len(words) == 1 and not _UNSPACED.search(part):
        return None
    letters = [c for c in part if c.isalpha()]
    if len(letters) < 2 or len(letters) < 0.7 * len(part.replace(" ", "")):
        return None
    # In cased scripts a name is capitalised; all-lowercase text is a sentence fragment.
    if part.islower():
        return None
    if part.isupper() and len(part) > 3:
        part = part.title()
    return part


def split_names(raw: str, outlet_keys: set[str] | None = None) -> list[str]:
    """Split a byline string into clean person names."""
    raw = " ".join(raw.split())
    raw = re.sub(r"\s*\n\s*", ", ", raw)
    # A name followed by a role ("Jane Doe, Senior Reporter") keeps the name only.
    out: list[str] = []
    for part in _SPLIT.split(_LEAD_IN.sub("", _CJK_LEAD.sub("", raw))):
        name = _clean_part(part)
        if not name:
            continue
        key = "".join(ch for ch in name.casefold() if ch.isalnum())
        if outlet_keys and any(key == o or (len(o) >= 4 and o in key) for o in outlet_keys):
            continue
        if name not in out:
            out.append(name)
    return out


def _resolve(value: Any, page: PageData) -> Any:
    """Replace ``{"@id": …}`` references by the objects of the page's @graph."""
    items = value if isinstance(value, list) else [value]
    index = {obj["@id"]: obj for obj in page.others if isinstance(obj.get("@id"), str)}
    out = []
    for item in items:
        if isinstance(item, dict) and set(item) <= {"@id", "@type"} and item.get("@id") in index:
            item = index[item["@id"]]
        out.append(item)
    return out


def _jsonld_names(value: Any) -> tuple[list[str], bool]:
    """Person names in a JSON-LD author value; the flag says whether any object was typed."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, str):
            if not item.startswith("http"):
                names.append(item)
        elif isinstance(item, dict):
            kind = item.get("@type")
            kinds = [k.lower() for k in (kind if isinstance(kind, list) else [kind])
                     if isinstance(k, str)]
            if any(k in {"organization", "newsmediaorganization", "corporation"} for k in kinds):
                continue
            name = item.get("name")
            if isinstance(name, list):
                name = name[0] if name else None
            if isinstance(name, str):
                names.append(name)
            elif isinstance(item.get("givenName"), str):
                names.append(f"{item['givenName']} {item.get('familyName', '')}".strip())
    return names, bool(items)


def _is_byline_node(node: HtmlElement) -> bool:
    if node.get("rel") == "author" or node.get("itemprop") == "author":
        return True
    marks = (node.get("class") or "").lower()
    return "byline" in marks or "author" in marks


_NOT_BYLINE_CONTAINERS = {"aside", "footer", "nav"}
_NOT_BYLINE_CLASS = re.compile(r"\b(?:related|recommend\w*|promo|teaser|cards?|more|sidebar|"
                               r"trending|comments?|newsletter|footer|bio)\b", re.I)
_NEAR = 400  # elements after the headline within which a byline belongs to the article


def _in_article_head(node: HtmlElement, positions: dict[HtmlElement, int],
                     anchor: int | None) -> bool:
    for parent in node.iterancestors():
        if parent.tag in _NOT_BYLINE_CONTAINERS or _NOT_BYLINE_CLASS.search(
                parent.get("class") or ""):
            return False
    if anchor is None:
        return True
    position = positions.get(node, -1)
    return anchor - 60 <= position <= anchor + _NEAR


def _byline_texts(tree: HtmlElement) -> list[str]:
    """Byline-like elements near the headline, outside asides and related-article cards."""
    headline = next(iter(tree.iter("h1")), None)
    positions: dict[HtmlElement, int] = {}
    anchor = None
    # Positions are only needed up to the end of the window after the headline.
    for i, node in enumerate(tree.iter()):
        positions[node] = i
        if node is headline:
            anchor = i
        elif anchor is not None and i > anchor + _NEAR:
            break
    out = []
    window = positions if anchor is None else {
        n: i for n, i in positions.items() if i >= anchor - 60}
    found = 0
    for node in window:
        if not isinstance(node.tag, str) or node.tag in {"meta", "link", "script", "style"}:
            continue
        if not _is_byline_node(node) or found >= 30:
            continue
        found += 1
        if not _in_article_head(node, positions, anchor):
            continue
        named = node.xpath('.//*[@itemprop="name"]')
        text = ", ".join(n.text_content() for n in named) if named else node.text_content()
        text = " ".join(text.split())
        if 2 < len(text) <= 150:
            out.append(text)
    if anchor is not None:
        out.extend(_lead_in_lines(tree, positions, anchor))
    return out


def _lead_in_lines(tree: HtmlElement, positions: dict[HtmlElement, int],
                   anchor: int) -> list[str]:
    """Short lines right after the headline that open with a byline lead-in ("By", "Par")."""
    out = []
    for node, position in positions.items():
        if position <= anchor or position > anchor + _NEAR or not isinstance(node.tag, str):
            continue
        text = node.text or ""
        if 3 < len(text.strip()) <= 100 and _LEAD_IN.match(text):
            tail = " ".join(node.text_content().split())
            if len(tail) <= 100:
                out.append(tail)
    return out


def authors(tree: HtmlElement, page: PageData, outlet_keys: set[str],
            fallback: str | None = None) -> list[str]:
    """Person names credited with the article, best source first.

    When the structured data credits only a desk or an outlet, the meta tags (which say
    the same) are skipped and only a visible byline next to the headline can name people.
    """
    credited = False
    for value in page.article_values("author") + page.article_values("creator"):
        raw, _ = _jsonld_names(_resolve(value, page))
        credited = credited or bool(raw)
        names = [n for r in raw for n in split_names(r, outlet_keys)]
        if names:
            return list(dict.fromkeys(names))
    for key in () if credited else _META_AUTHOR_KEYS:
        for value in page.meta.get(key, ()):
            if value.startswith("http") or value.startswith("@"):
                continue
            names = split_names(value, outlet_keys)
            if names:
                return names
    for text in _byline_texts(tree):
        names = split_names(text, outlet_keys)
        if names:
            return names
    if fallback:
        return [n for part in fallback.split(";") for n in split_names(part, outlet_keys)]
    return []
