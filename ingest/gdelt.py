"""GDELT DOC 2.0 as a discovery source: article URLs matching a query over a time span.

The API answers at most 250 articles per call (``maxrecords=250``) and asks for one call
every 5 seconds. A span whose answer is full is therefore sliced in two halves, each asked
again, down to :data:`MIN_SLICE`; the calls are spaced by the source's ``interval_s``. The
answers are JSON (``mode=ArtList&format=json``); :func:`parse_artlist` is pure. The URLs go
to the same fetch path as any feed's. GDELT's ``seendate`` is when GDELT saw an article, not
when it was published, so it is not used as a publication date.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from ingest.config import Source
from ingest.discover import Candidate, InvalidDocument
from ingest.fetch import Fetcher, FetchResult

MAX_RECORDS = 250
DEFAULT_SPAN = timedelta(hours=24)  # the first run, or one after a lost state
MAX_SPAN = timedelta(days=90)  # the DOC API searches the last three months only
MIN_SLICE = timedelta(minutes=15)  # GDELT updates every 15 minutes: no finer slices
_STAMP = "%Y%m%d%H%M%S"

# GDELT names languages in English; the hint wants ISO 639-1.
LANGUAGES = {
    "english": "en", "russian": "ru", "chinese": "zh", "french": "fr", "german": "de",
    "spanish": "es", "portuguese": "pt", "arabic": "ar", "japanese": "ja", "korean": "ko",
    "italian": "it", "turkish": "tr", "ukrainian": "uk", "indonesian": "id", "hindi": "hi",
    "vietnamese": "vi", "persian": "fa", "polish": "pl", "kazakh": "kk", "mongolian": "mn",
}


def query_url(base_url: str, query: str, start: datetime, end: datetime) -> str:
    """The DOC 2.0 ArtList call for ``query`` between two instants (UTC)."""
    params = {"query": query, "mode": "ArtList", "format": "json",
              "maxrecords": str(MAX_RECORDS), "sort": "DateAsc",
              "startdatetime": start.astimezone(UTC).strftime(_STAMP),
              "enddatetime": end.astimezone(UTC).strftime(_STAMP)}
    return f"{base_url}?{urlencode(params)}"


def parse_artlist(body: bytes, url: str, source: str) -> list[Candidate] | InvalidDocument:
    """The articles of one ArtList answer; an answer with no match is ``{}``."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        # GDELT explains a bad query in plain text.
        return InvalidDocument(url, f"not JSON: {text[:120]}")
    if not isinstance(data, dict) or not isinstance(data.get("articles", []), list):
        return InvalidDocument(url, "unexpected JSON: no 'articles' list")
    out = []
    for art in data.get("articles", []):
        link = art.get("url") if isinstance(art, dict) else None
        if isinstance(link, str) and link.startswith(("http://", "https://")):
            lang = str(art.get("language") or "").strip().lower()
            out.append(Candidate(link, source, title=art.get("title") or None,
                                 language=LANGUAGES.get(lang)))
    return out


# Time (monotonic) of the last call to each API host, shared by every gdelt source of the
# process: two sources on one API must not add up to more than one call per interval.
_last_call: dict[str, float] = {}


async def _wait_turn(host: str, interval_s: float) -> None:
    """Sleep until ``interval_s`` after the host's previous call; reserve the slot first, so
    that concurrent callers queue up instead of leaving together."""
    now = time.monotonic()
    slot = max(now, _last_call.get(host, -interval_s) + interval_s)
    _last_call[host] = slot
    if slot > now:
        await asyncio.sleep(slot - now)


async def discover_gdelt(source: Source, fetcher: Fetcher, documents: list[FetchResult],
                         since: datetime | None = None, now: datetime | None = None
                         ) -> tuple[list[Candidate], list[str]]:
    """Candidate URLs GDELT saw between the last run (or 24 h ago) and now."""
    end = now or datetime.now(UTC)
    start = max(since or end - DEFAULT_SPAN, end - MAX_SPAN)
    candidates: dict[str, Candidate] = {}
    errors: list[str] = []
    spans = [(start, end)]
    while spans:
        lo, hi = spans.pop(0)
        await _wait_turn(urlsplit(source.url).netloc, source.interval_s)
        url = query_url(source.url, source.query, lo, hi)
        result = await fetcher.fetch(url, source=source.name, kind="api")
        documents.append(result)
        if not result.ok or result.body is None:
            errors.append(f"{url}: {result.outcome}: {result.reason}")
            continue
        parsed = parse_artlist(result.body, url, source.name)
        if isinstance(parsed, InvalidDocument):
            result.outcome, result.reason = "invalid_document", parsed.reason
            errors.append(f"{url}: {parsed.reason}")
            continue
        for cand in parsed:
            candidates.setdefault(cand.url, cand)
        if len(parsed) >= MAX_RECORDS and hi - lo > MIN_SLICE:
            # Full: there may be more. Ask each half again (oldest first).
            mid = lo + (hi - lo) / 2
            spans[:0] = [(lo, mid), (mid, hi)]
    return list(candidates.values()), errors
