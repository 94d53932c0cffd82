"""One source, start to finish on the network side: discover candidates, fetch new pages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.config import Source
from ingest.discover import Candidate, InvalidDocument, ParsedDocument, parse_feed
from ingest.fetch import Fetcher, FetchResult, gunzip_bounded

MAX_SITEMAP_BYTES = 50 * 1024 * 1024
MAX_CHILD_SITEMAPS = 50


@dataclass(slots=True)
class Harvest:
    """What one source yielded in one run."""

    source: Source
    candidates: list[Candidate] = field(default_factory=list)
    pages: list[tuple[Candidate, FetchResult]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # why discovery failed, if it did
    skipped_known: int = 0

    @property
    def discovery_failed(self) -> bool:
        return bool(self.errors) and not self.candidates


async def _fetch_document(fetcher: Fetcher, url: str, source: Source, kind: str
                          ) -> ParsedDocument | InvalidDocument:
    result = await fetcher.fetch(url, source=source.name, kind=kind)
    if not result.ok or result.body is None:
        return InvalidDocument(url, f"{result.outcome}: {result.reason}")
    body = result.body
    if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap served as the compressed file itself
        try:
            body = gunzip_bounded(body, MAX_SITEMAP_BYTES)
        except (ValueError, OSError) as exc:
            return InvalidDocument(url, f"bad gzip: {exc}")
    return parse_feed(body, result.final_url or url, source.name, source.language)


async def discover(source: Source, fetcher: Fetcher) -> tuple[list[Candidate], list[str]]:
    """Candidate article URLs of a source, in document order, without repeats."""
    if source.kind == "urls":
        return [Candidate(u, source.name, language=source.language) for u in source.urls], []
    if source.kind == "gdelt":
        return [], ["gdelt sources are not supported yet"]
    errors: list[str] = []
    candidates: list[Candidate] = []
    queue = [source.url]
    seen_docs: set[str] = set()
    while queue and len(seen_docs) <= MAX_CHILD_SITEMAPS:
        url = queue.pop(0)
        if url in seen_docs:
            continue
        seen_docs.add(url)
        kind = "sitemap" if source.kind == "sitemap" else "feed"
        parsed = await _fetch_document(fetcher, url, source, kind)
        if isinstance(parsed, InvalidDocument):
            errors.append(f"{parsed.url}: {parsed.reason}")
            continue
        candidates.extend(parsed.entries)
        queue.extend(parsed.sitemaps)
    unique: dict[str, Candidate] = {}
    for cand in candidates:
        unique.setdefault(cand.url, cand)
    return list(unique.values()), errors


async def harvest(source: Source, fetcher: Fetcher, is_known: Callable[[str], bool],
                  max_pages: int) -> Harvest:
    """Discover a source and fetch the pages that are not in the warehouse yet."""
    result = Harvest(source)
    result.candidates, result.errors = await discover(source, fetcher)
    fresh = [c for c in result.candidates if not is_known(c.url)]
    result.skipped_known = len(result.candidates) - len(fresh)
    fresh = fresh[:max_pages]
    fetched = await asyncio.gather(
        *(fetcher.fetch(c.url, source=source.name, kind="page") for c in fresh))
    result.pages = list(zip(fresh, fetched, strict=True))
    return result
