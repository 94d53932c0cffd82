"""Extraction: one HTML page in, one :class:`Article` out. No network, no disk.

This is the only extraction path: the pipeline and ``sinorus extract`` both call
:func:`extract`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import trafilatura
from lxml import html as lxml_html

from transform.article import Article

_DATE_META = (
    ("meta", "article:published_time"),
    ("meta", "og:article:published_time"),
    ("meta", "datePublished"),
    ("meta", "pubdate"),
    ("meta", "publishdate"),
    ("meta", "dc.date.issued"),
    ("meta", "dcterms.created"),
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|-|$)")


def _jsonld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for node in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(node)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def _is_article_type(obj: dict[str, Any]) -> bool:
    types = obj.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.endswith(("Article", "BlogPosting", "Report"))
               for t in types)


def _meta(tree: Any, name: str) -> str | None:
    for attr in ("property", "name", "itemprop"):
        values = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
        for value in values:
            if value and value.strip():
                return value.strip()
    return None


def _published(tree: Any, url: str) -> tuple[str | None, str | None]:
    for obj in _jsonld_objects(tree):
        if _is_article_type(obj) and isinstance(obj.get("datePublished"), str):
            return obj["datePublished"].strip(), "jsonld"
    for _, name in _DATE_META:
        value = _meta(tree, name)
        if value:
            return value, "meta"
    for value in tree.xpath("//*[@itemprop='datePublished']/@datetime"):
        return value.strip(), "itemprop"
    match = _URL_DATE.search(url)
    if match:
        return "-".join(match.groups()), "url"
    return None, None


def extract(html: str | bytes, url: str) -> Article:
    """Extract the article text and metadata of one page."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html.strip():
        return Article(url=url, page_kind="empty")
    tree = lxml_html.fromstring(html)
    published_at, published_source = _published(tree, url)
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=False, deduplicate=False,
    )
    text = (doc.text if doc is not None else "") or ""
    title = _meta(tree, "og:title") or (doc.title if doc is not None else None)
    authors: list[str] = []
    if doc is not None and doc.author:
        authors = [a.strip() for a in doc.author.split(";") if a.strip()]
    lang_values = tree.xpath("/html/@lang")
    language = lang_values[0].split("-")[0].lower() if lang_values else None
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    return Article(
        url=url,
        title=title,
        authors=authors,
        published_at=published_at,
        published_at_source=published_source,
        language=language,
        text=text,
        canonical_url=canonical[0].strip() if canonical else None,
        site_name=doc.sitename if doc is not None else None,
        page_kind="article" if text else "empty",
    )
