"""The page's own statements about itself: JSON-LD, meta tags and microdata.

Parsed once per page into :class:`PageData`; the title, author, date and language rules
read from it rather than walking the tree again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

_ARTICLE_TYPES = ("article", "blogposting", "report", "newsarticle", "reportagenews",
                  "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle",
                  "liveblogposting", "socialmediaposting", "scholarlyarticle")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


@dataclass(slots=True)
class PageData:
    """Structured statements gathered from one page."""

    articles: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD Article objects
    others: list[dict[str, Any]] = field(default_factory=list)  # every other JSON-LD object
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased key → contents

    def meta_first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.meta.get(key, ()):
                if value.strip():
                    return value.strip()
        return None

    def article_values(self, key: str) -> list[Any]:
        """Values of ``key`` in Article objects first, then in the page's other objects."""
        out = [obj[key] for obj in self.articles if obj.get(key)]
        if not out:
            out = [obj[key] for obj in self.others
                   if obj.get(key) and _has_type(obj, ("webpage", "newsarticle", "article"))]
        return out


def _has_type(obj: dict[str, Any], suffixes: tuple[str, ...]) -> bool:
    types = obj.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.lower().rsplit("/", 1)[-1].endswith(suffixes)
               for t in types)


def is_article(obj: dict[str, Any]) -> bool:
    return _has_type(obj, _ARTICLE_TYPES)


def _load_json(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    raw = raw.replace("<![CDATA[", "").replace("]]>", "").strip().rstrip(";")
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        pass
    try:  # common publisher mistake: trailing commas
        return json.loads(_TRAILING_COMMA.sub(r"\1", raw), strict=False)
    except ValueError:
        return None


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                if isinstance(item.get(key), dict | list):
                    stack.append(item[key])


def parse_page(tree: HtmlElement) -> PageData:
    """Collect JSON-LD objects and meta tags of a parsed page."""
    page = PageData()
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = _load_json(script.text or "")
        for obj in _walk(data):
            (page.articles if is_article(obj) else page.others).append(obj)
    for meta in tree.iterfind(".//meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                page.meta.setdefault(key.strip().lower(), []).append(content)
    return page


def person_descriptions(page: PageData) -> list[str]:
    """``description`` of the Person objects the page declares (authors' bios)."""
    people: list[Any] = [obj for obj in page.others if _has_type(obj, ("person",))]
    for obj in page.articles:
        for key in ("author", "creator"):
            value = obj.get(key)
            people.extend(value if isinstance(value, list) else [value])
    out = []
    for person in people:
        if isinstance(person, dict) and _has_type(person, ("person",)):
            description = person.get("description")
            if isinstance(description, str) and description.strip():
                out.append(description.strip())
    return out


def text_of(value: Any) -> str | None:
    """A JSON-LD value as plain text: strings, {"name": …} / {"@value": …}, first of a list."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = text_of(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        for key in ("@value", "name", "url", "@id"):
            if isinstance(value.get(key), str) and value[key].strip():
                return value[key].strip()
    return None
