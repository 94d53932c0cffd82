"""Conditional requests for feeds and sitemaps: validators kept per URL between runs.

A feed that has not changed costs a 304 (ETag / Last-Modified sent back as
If-None-Match / If-Modified-Since) or, for servers that ignore validators, one download
whose SHA-1 matches last time's. Either way it yields nothing new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

CONDITIONAL_KINDS = frozenset({"feed", "sitemap"})


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """What the last complete harvest saw at one feed or sitemap URL (a ``http_cache`` row)."""

    url: str
    etag: str | None
    last_modified: str | None
    body_sha1: str | None
    checked_at: datetime
    source: str | None = None


def body_sha1(body: bytes) -> str:
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def conditional_headers(entry: CacheEntry | None) -> dict[str, str]:
    """The request headers that let the server answer 304 Not Modified."""
    headers: dict[str, str] = {}
    if entry is None:
        return headers
    if entry.etag:
        headers["If-None-Match"] = entry.etag
    if entry.last_modified:
        headers["If-Modified-Since"] = entry.last_modified
    return headers
