"""Discovery: feeds (RSS 2.0, RSS 1.0, Atom) and sitemaps (index, urlset, news) → candidates.

Parsing is pure (bytes in, values out). Hostile XML is refused rather than parsed:
documents that declare entities (billion laughs, external entities) are rejected before
lxml sees them, and lxml itself runs with entity resolution, DTD loading and network
access switched off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from ingest.dates import parse_feed_date

MAX_SITEMAP_URLS = 50_000
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article URL found by discovery, with what the feed said about it."""

    url: str
    source: str
    title: str | None = None
    published_at: str | None = None  # ISO 8601 as the feed stated it
    language: str | None = None


@dataclass(frozen=True, slots=True)
class InvalidDocument:
    """A feed or sitemap that could not be used: an error as a value, never an exception."""

    url: str
    reason: str


@dataclass(slots=True)
class ParsedDocument:
    """What one feed or sitemap document yields."""

    entries: list[Candidate] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index
    kind: str = "unknown"  # rss | atom | rdf | urlset | sitemapindex


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False,
)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def _parse_xml(body: bytes, url: str) -> etree._Element | InvalidDocument:
    # The internal subset precedes the root element; look well past a long prolog.
    head = body[:65536]
    if _DOCTYPE.search(head) and _ENTITY_DECL.search(head):
        return InvalidDocument(url, "document declares XML entities (refused: entity expansion)")
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        return InvalidDocument(url, f"not well-formed XML: {exc}")
    if root is None:
        return InvalidDocument(url, "empty XML document")
    return root


def _rss_items(root: etree._Element, base_url: str, source: str,
               lang: str | None) -> list[Candidate]:
    out = []
    for item in root.iter():
        if _local(item.tag) != "item":
            continue
        link = _child_text(item, "link")
        if not link:
            guid = next((c for c in item if _local(c.tag) == "guid"), None)
            if guid is not None and guid.get("isPermaLink", "true") != "false" and guid.text:
                link = guid.text.strip()
        if not link:
            continue
        published = parse_feed_date(_child_text(item, "pubDate", "date", "published"))
        out.append(Candidate(urljoin(base_url, link), source, _child_text(item, "title"),
                             published, lang))
    return out


def _atom_entries(root: etree._Element, base_url: str, source: str) -> list[Candidate]:
    feed_lang = root.get("{http://www.w3.org/XML/1998/namespace}lang")
    out = []
    for entry in root:
        if _local(entry.tag) != "entry":
            continue
        href = None
        for link in entry:
            if _local(link.tag) == "link" and link.get("rel", "alternate") == "alternate":
                href = link.get("href")
                break
        if not href:
            continue
        published = parse_feed_date(_child_text(entry, "published") or
                                     _child_text(entry, "updated"))
        lang = entry.get("{http://www.w3.org/XML/1998/namespace}lang") or feed_lang
        out.append(Candidate(urljoin(base_url, href.strip()), source,
                             _child_text(entry, "title"), published, lang))
    return out


def _urlset(root: etree._Element, base_url: str, source: str) -> list[Candidate]:
    out = []
    for url_el in root:
        if _local(url_el.tag) != "url":
            continue
        loc = _child_text(url_el, "loc")
        if not loc:
            continue
        title = published = lang = None
        for child in url_el:
            if _local(child.tag) == "news":
                title = _child_text(child, "title")
                published = parse_feed_date(_child_text(child, "publication_date"))
                pub = next((c for c in child if _local(c.tag) == "publication"), None)
                if pub is not None:
                    lang = _child_text(pub, "language")
        out.append(Candidate(urljoin(base_url, loc), source, title, published, lang))
        if len(out) >= MAX_SITEMAP_URLS:
            break
    return out


def parse_feed(body: bytes, base_url: str, source: str = "",
               language: str | None = None) -> ParsedDocument | InvalidDocument:
    """Parse an RSS/Atom feed or a sitemap (the root element decides which)."""
    root = _parse_xml(body, base_url)
    if isinstance(root, InvalidDocument):
        return root
    kind = _local(root.tag).lower()
    if kind == "rss":
        channel_lang = None
        for el in root.iter():
            if _local(el.tag) == "language" and el.text:
                channel_lang = el.text.strip()
                break
        items = _rss_items(root, base_url, source, channel_lang or language)
        return ParsedDocument(items, [], "rss")
    if kind == "rdf":
        return ParsedDocument(_rss_items(root, base_url, source, language), [], "rdf")
    if kind == "feed":
        return ParsedDocument(_atom_entries(root, base_url, source), [], "atom")
    if kind == "urlset":
        return ParsedDocument(_urlset(root, base_url, source), [], "urlset")
    if kind == "sitemapindex":
        children = [urljoin(base_url, loc) for s in root if _local(s.tag) == "sitemap"
                    if (loc := _child_text(s, "loc"))]
        return ParsedDocument([], children[:MAX_SITEMAP_URLS], "sitemapindex")
    return InvalidDocument(base_url, f"not a feed or sitemap (root element <{kind}>)")
