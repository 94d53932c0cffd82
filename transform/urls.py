"""Canonical URLs: one spelling per article, so that URL variants load once."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url


def canonical_url(url: str) -> str:
    """Scheme and host case, default ports, tracking parameters and fragment removed."""
    try:
        normalised = normalize_url(url)
    except (ValueError, TypeError):
        normalised = url
    parts = urlsplit(normalised)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def domain_of(url: str) -> str:
    """The host (with port when not the default) that identifies the outlet's site."""
    return urlsplit(url).netloc.lower().removeprefix("www.")


def article_id_for(canonical: str) -> str:
    """A stable article id: the first 16 hex digits of SHA-1 over the canonical URL."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def same_site(a: str, b: str) -> bool:
    return domain_of(a) == domain_of(b)
