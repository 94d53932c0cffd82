"""One source, start to finish on the network side: discover candidates, fetch new pages."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from ingest.conditional import CacheEntry
from ingest.config import Source
from ingest.discover import Candidate, InvalidDocument, ParsedDocument, parse_feed
from ingest.fetch import Fetcher, FetchResult, gunzip_bounded
from ingest.gdelt import discover_gdelt
from ingest.politeness import host_key

MAX_SITEMAP_BYTES = 50 * 1024 * 1024
# Pages fetched at once per harvest when the caller gives no shared limit.
DEFAULT_PAGE_SLOTS = 64

# Receives each page fetched well, as soon as it is; may wait (that pauses fetching).
PageSink = Callable[[Candidate, FetchResult], Awaitable[None]]
MAX_CHILD_SITEMAPS = 50


@dataclass(slots=True)
class PageTally:
    """What became of a source's page fetches, counted as they end (no result is kept)."""

    attempted: int = 0
    fetched: int = 0  # ok
    failures: Counter[str] = field(default_factory=Counter)  # outcome -> pages, not deferred
    deferred: str = ""  # why the first deferred page was deferred (its host asked us to wait)
    permanent: int = 0  # gone for good (404, 410): the page's problem, not the source's
    retry: list[Candidate] = field(default_factory=list)  # to try again next run

    def add(self, candidate: Candidate, page: FetchResult) -> None:
        self.attempted += 1
        if page.ok:
            self.fetched += 1
        elif page.outcome == "deferred":
            self.deferred = self.deferred or page.reason or "deferred"
        else:
            self.failures[page.outcome] += 1
        if page.status in (404, 410):
            self.permanent += 1
        if page.retry_later:
            self.retry.append(candidate)


@dataclass(slots=True)
class Harvest:
    """What one source yielded in one run."""

    source: Source
    candidates: list[Candidate] = field(default_factory=list)
    tally: PageTally = field(default_factory=PageTally)
    # Every page with its result (and body), only when harvested without a sink.
    pages: list[tuple[Candidate, FetchResult]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # why discovery failed, if it did
    skipped_known: int = 0
    documents: list[FetchResult] = field(default_factory=list)  # feeds and sitemaps fetched
    left_over: list[Candidate] = field(default_factory=list)  # fresh beyond max_pages
    # Fresh candidates on hosts another shard owns: not fetched here (ingest/handoff.py).
    handed_over: list[Candidate] = field(default_factory=list)
    from_handoff: bool = False  # the candidates were handed over by another shard

    @property
    def discovery_failed(self) -> bool:
        return bool(self.errors) and not self.candidates and not self.discovery_deferred

    @property
    def discovery_deferred(self) -> str | None:
        """Why discovery could not even start tonight (its host is deferred), if so."""
        deferred = [d for d in self.documents if d.outcome == "deferred"]
        if deferred and not self.candidates:
            return deferred[0].reason
        return None

    @property
    def left_for_next_run(self) -> int:
        return len(self.left_over)

    @property
    def unsettled(self) -> list[Candidate]:
        """Fresh candidates a later run must still fetch: beyond max_pages, or retry later."""
        return self.left_over + self.tally.retry

    @property
    def complete(self) -> bool:
        """Every candidate was settled: nothing is left that a later run must still fetch."""
        return not self.errors and not self.unsettled

    @property
    def validators(self) -> list[CacheEntry]:
        """Conditional-request state to keep for the source's feeds and sitemaps.

        Kept only when the harvest is complete: otherwise next run's 304 would hide the
        candidates that are still to fetch (a timed-out page, a deferred host, max_pages).
        """
        if not self.complete:
            return []
        return [CacheEntry(d.url, d.etag, d.last_modified, d.body_sha1, d.fetched_at,
                           self.source.name)
                for d in self.documents if d.outcome == "ok" and d.body_sha1]


async def _fetch_document(fetcher: Fetcher, url: str, source: Source, kind: str,
                          documents: list[FetchResult]
                          ) -> ParsedDocument | InvalidDocument | None:
    """A feed or sitemap parsed; None when it has not changed since the last run."""
    result = await fetcher.fetch(url, source=source.name, kind=kind)
    documents.append(result)
    if result.outcome == "not_modified":
        return None
    if not result.ok or result.body is None:
        return InvalidDocument(url, f"{result.outcome}: {result.reason}")
    body = result.body
    if body[:2] == b"\x1f\x8b":  # the fetcher inflates .xml.gz; this is a last guard
        try:
            body = gunzip_bounded(body, min(MAX_SITEMAP_BYTES, fetcher.settings.max_bytes))
        except (ValueError, OSError) as exc:
            return InvalidDocument(url, f"bad gzip: {exc}")
    parsed = parse_feed(body, result.final_url or url, source.name, source.language)
    result.release_body()  # its entries are read; a large site has hundreds of sitemaps
    if isinstance(parsed, InvalidDocument):
        # The download was fine, the document is not: say so in the fetch log.
        result.outcome, result.reason = "invalid_document", parsed.reason
    return parsed


async def discover(source: Source, fetcher: Fetcher,
                   documents: list[FetchResult] | None = None,
                   since: datetime | None = None) -> tuple[list[Candidate], list[str]]:
    """Candidate article URLs of a source, in document order, without repeats.

    ``since`` is when the source last ran well: GDELT is asked for the span since then.
    """
    documents = documents if documents is not None else []
    if source.kind == "urls":
        return [Candidate(u, source.name, language=source.language) for u in source.urls], []
    if source.kind == "gdelt":
        return await discover_gdelt(source, fetcher, documents, since)
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
        parsed = await _fetch_document(fetcher, url, source, kind, documents)
        if parsed is None:
            continue
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
                  max_pages: int, since: datetime | None = None,
                  on_page: PageSink | None = None,
                  page_slots: asyncio.Semaphore | None = None,
                  owns: Callable[[str], bool] | None = None,
                  handed: list[Candidate] | None = None) -> Harvest:
    """Discover a source and fetch the pages that are not in the warehouse yet.

    With ``on_page``, each page fetched well is handed over at once and its body dropped
    here, and ``page_slots`` bounds how many pages are fetched but not yet handed over (a
    sink that waits therefore pauses fetching); results are only counted
    (``Harvest.tally``), so memory stays flat however many pages a source has. Without it,
    the results and their bodies stay in ``Harvest.pages``.

    With ``owns`` (a sharded run), fresh candidates on hosts it does not own are not
    fetched but listed in ``Harvest.handed_over``. With ``handed``, discovery is skipped:
    those candidates, handed over by another shard, are the source's candidates.
    """
    result = Harvest(source, from_handoff=handed is not None)
    if handed is None:
        result.candidates, result.errors = await discover(
            source, fetcher, result.documents, since)
    else:
        result.candidates = list(handed)
    fresh = [c for c in result.candidates if not is_known(c.url)]
    result.skipped_known = len(result.candidates) - len(fresh)
    fresh, result.left_over = fresh[:max_pages], fresh[max_pages:]
    if owns is not None:
        result.handed_over = [c for c in fresh if not owns(c.url)]
        fresh = [c for c in fresh if owns(c.url)]
    slots = page_slots or asyncio.Semaphore(DEFAULT_PAGE_SLOTS)

    async def fetch_page(cand: Candidate) -> None:
        async with fetcher.politeness.host(cand.url).admission(), slots:
            page = await fetcher.fetch(
                cand.url, source=source.name, kind="page",
                note={"feed_published_at": cand.published_at,
                      "source_language": cand.language or source.language})
            if on_page is not None and page.ok:
                await on_page(cand, page)
                page.release_body()
        result.tally.add(cand, page)
        if on_page is None:
            result.pages.append((cand, page))

    async def fetch_from(queue: deque[Candidate]) -> None:
        while queue:
            await fetch_page(queue.popleft())

    # A few fetchers per host, each taking the host's next candidate when the last is done:
    # the tasks alive are bounded by hosts x per-host concurrency, not by the candidates.
    queues: dict[str, deque[Candidate]] = {}
    for cand in fresh:
        queues.setdefault(host_key(cand.url), deque()).append(cand)
    width = fetcher.politeness.concurrency
    await asyncio.gather(*(fetch_from(queue) for queue in queues.values()
                           for _ in range(min(width, len(queue)))))
    if on_page is None:
        order = {c.url: i for i, c in enumerate(fresh)}
        result.pages.sort(key=lambda pair: order[pair[0].url])
    return result
