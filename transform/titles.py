"""The headline, without the site name or section that pages append to their titles.

Candidates come from JSON-LD ``headline``, OpenGraph/Twitter titles, ``<h1>`` and
``<title>``. Affixes are removed when they name the site (``og:site_name``, the
publisher, the domain) or the section, or when another candidate shows the same
headline without them. A visible ``<h1>`` wins when it agrees with the page's titles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from transform.structured import PageData, text_of

# Separators between a headline and the site name/section, in many scripts' habits.
_SEPARATOR = re.compile(r"(\s+[|\-–—:·•»«/~]{1,2}\s+|\s*[|｜_]\s*|\s+[–—]|[–—]\s+|\s*::\s*)")
_ENDS_WITH_SEPARATOR = re.compile(_SEPARATOR.pattern + "$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_WORD = re.compile(r"\w+")
_SITE_TYPES = {"website", "organization", "newsmediaorganization"}


def normalize_space(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _key(text: str) -> str:
    """Comparison key: case- and punctuation-insensitive."""
    return "".join(_WORD.findall(text.casefold()))


def _tokens(text: str) -> set[str]:
    out: set[str] = set()
    for word in _WORD.findall(text.casefold()):
        out.update(word if _CJK.search(word) else [word])
    return out


def overlap(a: str, b: str) -> float:
    """Share of the shorter text's tokens found in the other one."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def _site_keys(tree: HtmlElement, page: PageData, url: str) -> set[str]:
    names = [page.meta_first("og:site_name"), page.meta_first("application-name"),
             page.meta_first("twitter:site", "twitter:site:id"),
             page.meta_first("al:android:app_name", "al:ios:app_name")]
    for obj in page.articles + page.others:
        names.append(text_of(obj.get("publisher")))
        if str(obj.get("@type", "")).lower() in _SITE_TYPES:
            names.append(text_of(obj.get("name")))
    host = urlsplit(url).hostname or ""
    labels = [p for p in host.split(".") if p not in {"www", "m", "amp", "news", "com", "co"}]
    names.extend(labels[:-1] if len(labels) > 1 else labels)
    names.append(host)
    keys = {_key(n.lstrip("@")) for n in names if n}
    return {k for k in keys if len(k) >= 2}


def _is_site_segment(segment: str, site_keys: set[str], sections: set[str]) -> bool:
    key = _key(segment)
    if not key:
        return True  # a bare separator or punctuation
    if key in sections:
        return True
    for site in site_keys:
        if key == site or (len(site) >= 4 and site in key and len(key) <= len(site) + 12):
            return True
        if len(key) >= 4 and key in site:
            return True
    return False


def strip_affixes(title: str, site_keys: set[str], sections: set[str]) -> str:
    """Remove leading/trailing segments that name the site or the section."""
    parts = _SEPARATOR.split(title)
    # parts alternate: text, separator, text, …
    segments = parts[0::2]
    seps = parts[1::2]
    while len(segments) > 1 and _is_site_segment(segments[-1], site_keys, sections):
        segments.pop()
        seps.pop()
    while len(segments) > 1 and _is_site_segment(segments[0], site_keys, sections):
        segments.pop(0)
        seps.pop(0)
    out = segments[0]
    for sep, seg in zip(seps, segments[1:], strict=True):
        out += sep + seg
    return out.strip()


def _agreed_core(title: str, others: list[str]) -> str:
    """A shorter candidate that ``title`` extends only by separator-led affixes."""
    key = title.casefold()
    best = title
    for other in others:
        okey = other.casefold()
        if len(okey) < 8 or len(okey) >= len(key):
            continue
        # The core must be the bulk of the title, not a section name that heads it.
        if len(other) < 0.3 * len(title):
            continue
        prefix = key.startswith(okey) and _SEPARATOR.match(title, len(other))
        head = title[: len(title) - len(other)]
        suffix = key.endswith(okey) and _ENDS_WITH_SEPARATOR.search(head)
        if (prefix or suffix) and len(other) < len(best):
            best = other
    return best


def _h1_texts(tree: HtmlElement) -> list[str]:
    out = []
    for node in list(tree.iter("h1"))[:8]:
        text = normalize_space(node.text_content())
        if 3 <= len(text) <= 400:
            out.append(text)
    return out


def title(tree: HtmlElement, page: PageData, url: str, fallback: str | None = None) -> str | None:
    """The page's headline, cleaned of site name and section affixes."""
    meta_titles = []
    for value in page.article_values("headline") + page.article_values("name"):
        text = text_of(value)
        if text:
            meta_titles.append(normalize_space(text))
    for key in ("og:title", "twitter:title", "title", "dc.title", "headline"):
        value = page.meta_first(key)
        if value:
            meta_titles.append(normalize_space(value))
    head = tree.find(".//title")
    if head is not None and head.text_content().strip():
        meta_titles.append(normalize_space(head.text_content()))
    if fallback:
        meta_titles.append(normalize_space(fallback))
    h1s = _h1_texts(tree)
    if not meta_titles and not h1s:
        return None

    site_keys = _site_keys(tree, page, url)
    sections = {_key(s) for s in page.meta.get("article:section", []) if _key(s)}
    pool = list(dict.fromkeys(meta_titles + h1s))
    cleaned = []
    for text in meta_titles:
        text = _agreed_core(text, [p for p in pool if p != text])
        cleaned.append(strip_affixes(text, site_keys, sections))

    # A title that is only the site's name (a logo in an <h1>, twitter:title = "Site")
    # names no article.
    cleaned = [c for c in cleaned if not _is_site_segment(c, site_keys, sections)] or cleaned
    h1s = [h for h in h1s if not _is_site_segment(h, site_keys, sections)]

    # A visible headline that the metadata agrees with is the page's headline.
    best_h1, best_score = None, 0.0
    for h1 in h1s:
        h1_clean = strip_affixes(h1, site_keys, sections)
        score = max((overlap(h1_clean, c) for c in cleaned), default=0.0)
        if score > best_score:
            best_h1, best_score = h1_clean, score
    if best_h1 and (best_score >= 0.6 or not cleaned):
        return best_h1
    return cleaned[0] if cleaned else (h1s[0] if h1s else None)


def headline_element(tree: HtmlElement, headline: str | None) -> HtmlElement | None:
    """The first ``<h1>`` (else ``<h2>``) that shows the headline, if any."""
    if not headline:
        return None
    size = len(_tokens(headline))
    for tag in ("h1", "h2"):
        for node in tree.iter(tag):
            text = node.text_content()
            if overlap(text, headline) >= 0.6 and len(_tokens(text)) >= 0.5 * size:
                return node
    return None


def elements_after(anchor: HtmlElement) -> Iterator[HtmlElement]:
    """Elements that follow ``anchor`` in document order, not those inside it."""
    node: HtmlElement | None = anchor
    while node is not None:
        for sibling in node.itersiblings():
            yield from sibling.iter()
        node = node.getparent()
