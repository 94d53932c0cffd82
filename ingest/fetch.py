"""Fetching over HTTP with one shared ``httpx.AsyncClient``: politeness, caps and a fetch log.

httpx alone follows redirects and decompresses bodies without any limit, and its read
timeout restarts on every chunk. This module therefore follows redirects itself (checking
each hop against robots.txt and the address guard), reads raw bytes under a total deadline
and a byte cap, and inflates gzip and deflate with a bounded output. Every URL ends as one
:class:`FetchResult` (a row of the fetch log); per-URL failures are values, never
exceptions. Politeness (turns, Retry-After, switch-off) lives in :mod:`ingest.politeness`,
robots.txt in :mod:`ingest.robots`, conditional requests in :mod:`ingest.conditional`;
the vocabulary of outcomes is documented in docs/fetching.md.
"""

from __future__ import annotations

import asyncio
import random
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from ingest.archive import WarcArchive
from ingest.conditional import CONDITIONAL_KINDS, CacheEntry, body_sha1, conditional_headers
from ingest.config import FetchSettings
from ingest.netguard import BlockedAddressError
from ingest.politeness import HostState, HostUnavailable, Politeness
from ingest.robots import RobotsCache
from ingest.transport import AiohttpTransport

MAX_REDIRECTS = 5
MAX_CONTENT_CODINGS = 2  # "gzip" or "gzip, gzip"; each layer is bounded separately
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # sitemaps.org: 50 MB uncompressed
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_CONDITIONAL_HEADERS = frozenset({"if-none-match", "if-modified-since"})

# The fetch log's outcome vocabulary (documented in docs/fetching.md).
OUTCOMES = (
    "ok", "not_modified", "http_error", "timeout", "connect_error", "too_large",
    "robots_denied", "blocked_address", "bad_content_type", "redirect_loop",
    "too_many_redirects", "decode_error", "deferred", "host_disabled", "invalid_document",
)
# Outcomes that say nothing about the URL itself, only about tonight: try again next run.
_RETRY_LATER = frozenset({"timeout", "connect_error", "deferred", "host_disabled"})

HTML_TYPES = ("text/html", "application/xhtml+xml")
JSON_TYPES = ("application/json", "text/json", "text/plain")  # kind "api" (GDELT)
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml",
             "application/rdf+xml", "application/x-gzip", "application/gzip",
             "application/octet-stream", "text/plain")
# Magic numbers of bodies that are never articles, whatever their Content-Type says.
_BINARY_MAGIC = ((b"%PDF-", "a PDF"), (b"\x89PNG", "a PNG image"),
                 (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
                 (b"PK\x03\x04", "a ZIP archive"), (b"\x1f\x8b", "a gzip file"))


@dataclass(slots=True)
class FetchResult:
    """One fetch of one URL: a row of the ``fetches`` table, plus the body when it is usable.

    Harvesting may turn a feed's ``ok`` into ``invalid_document`` after parsing it, so the
    log says why a feed that downloaded fine yielded nothing.
    """

    url: str
    source: str
    kind: str  # page | feed | sitemap | robots | api
    final_url: str | None = None
    status: int | None = None
    outcome: str = "ok"
    reason: str = ""
    bytes: int = 0
    elapsed_ms: int = 0
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    content_type: str | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_sha1: str | None = None
    attempts: int = 0
    retry_later: bool = False  # not this URL's fate, only tonight's: the next run tries again
    headers: list[tuple[str, str]] = field(default_factory=list)  # of the final response
    reason_phrase: str = ""
    body_released: bool = False  # handed on and dropped, so a long run's log stays small
    fetch_number: int = -1  # its row in the run's fetch log (flows/fetch_log.py), once logged

    @property
    def ok(self) -> bool:
        return self.outcome == "ok" and (self.body is not None or self.body_released)

    def release_body(self) -> None:
        """Drop the body once it has been handed on; the result still counts as ok."""
        if self.body is not None:
            self.body, self.body_released = None, True

    @property
    def transient(self) -> bool:
        """A failure that a retry can fix: connect errors, timeouts, 408, 429, 5xx."""
        return self.outcome in ("timeout", "connect_error") or (
            self.outcome == "http_error" and self.status in TRANSIENT_STATUSES)


class _TooLarge(Exception):
    pass


def _inflate(raw: bytes, encoding: str, max_bytes: int) -> bytes:
    """Decompress gzip/deflate with a bounded output; raise _TooLarge past max_bytes."""
    if encoding in ("", "identity"):
        return raw
    if encoding in ("gzip", "x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif encoding == "deflate":
        wbits = zlib.MAX_WBITS if raw[:1] == b"\x78" else -zlib.MAX_WBITS
    else:
        raise ValueError(f"unsupported content-encoding {encoding!r}")
    parts: list[bytes] = []
    produced = 0
    data = raw
    while data:  # a gzip file may hold several members, one after another
        decoder = zlib.decompressobj(wbits)
        out = decoder.decompress(data, max_bytes + 1 - produced)
        produced += len(out)
        if produced > max_bytes or decoder.unconsumed_tail:
            raise _TooLarge(f"decompressed body exceeds {max_bytes} bytes")
        parts.append(out)
        data = decoder.unused_data
        if not decoder.eof or wbits != 16 + zlib.MAX_WBITS or not data.strip(b"\x00"):
            break
    return b"".join(parts)


def _decode_content(raw: bytes, content_encoding: str, max_bytes: int) -> bytes:
    """Undo every Content-Encoding layer (last applied first), each one bounded."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > MAX_CONTENT_CODINGS:
        raise ValueError(f"{len(codings)} content-encoding layers")
    body = raw
    for coding in reversed(codings):
        body = _inflate(body, coding, max_bytes)
    return body


def gunzip_bounded(raw: bytes, max_bytes: int) -> bytes:
    """Inflate a .gz file (sitemaps) with a bounded output; raises ValueError when too large."""
    try:
        return _inflate(raw, "gzip", max_bytes)
    except _TooLarge as exc:
        raise ValueError(str(exc)) from None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


_retry_after_seconds = retry_after_seconds  # the old private name


def backoff_s(attempt: int, base_s: float) -> float:
    """Exponential backoff with jitter (half fixed, half random) before retry ``attempt``."""
    ceiling = base_s * 2 ** (attempt - 1)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


class Fetcher:
    """Fetches URLs politely and safely; use as ``async with Fetcher(settings) as f``.

    ``http_cache`` holds the validators of feeds and sitemaps from earlier runs (see
    :mod:`ingest.conditional`); the fetcher sends them and reports ``not_modified``.
    """

    def __init__(self, settings: FetchSettings,
                 transport: httpx.AsyncBaseTransport | None = None,
                 on_result: Callable[[FetchResult], None] | None = None,
                 http_cache: Mapping[str, CacheEntry] | None = None,
                 archive: WarcArchive | None = None, keep_log: bool = True) -> None:
        self.settings = settings
        self.archive = archive  # every response received goes into this run's WARC file
        self._transport = transport or AiohttpTransport(settings.allowed_networks())
        self._client: httpx.AsyncClient | None = None
        self._on_result = on_result
        self.http_cache: Mapping[str, CacheEntry] = http_cache or {}
        # Every result, for callers that read it afterwards; a long run passes ``on_result``
        # and keep_log=False instead, so that no result outlives its page.
        self.log: list[FetchResult] = []
        self._keep_log = keep_log
        self.politeness = self._new_politeness()
        self.robots = RobotsCache(self._fetch_robots, settings.user_agent,
                                  settings.max_crawl_delay_s)

    def _new_politeness(self) -> Politeness:
        s = self.settings
        return Politeness(s.per_host_concurrency, s.per_host_delay_s, s.run_budget_s,
                          s.host_failure_limit)

    async def __aenter__(self) -> Fetcher:
        # A run starts now: its budget, host states and robots.txt cache are new.
        self.politeness = self._new_politeness()
        self.robots = RobotsCache(self._fetch_robots, self.settings.user_agent,
                                  self.settings.max_crawl_delay_s)
        self._client = httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,
            headers={"User-Agent": self.settings.user_agent,
                     # Only encodings we can inflate with a bound.
                     "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.settings.timeout_s),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def _fetch_robots(self, url: str, source: str) -> FetchResult:
        return await self.fetch(url, source=source, kind="robots")

    async def fetch(self, url: str, *, source: str, kind: str = "page",
                    headers: dict[str, str] | None = None,
                    note: Mapping[str, str | None] | None = None) -> FetchResult:
        """Fetch one URL with retries for transient failures; always returns a result.

        ``note`` is what discovery knew about the URL, archived with the response.
        """
        request_headers = dict(headers or {})
        entry = self.http_cache.get(url) if kind in CONDITIONAL_KINDS else None
        for name, value in conditional_headers(entry).items():
            request_headers.setdefault(name, value)
        # robots.txt is asked once: an unreachable one means "not tonight" (RFC 9309).
        max_attempts = 1 if kind == "robots" else 1 + self.settings.max_retries
        attempt = 0
        while True:
            attempt += 1
            result = await self._fetch_once(url, source=source, kind=kind,
                                            headers=request_headers)
            result.attempts = attempt
            if not result.transient or attempt >= max_attempts:
                break
            if self.politeness.host(result.final_url or url).unavailable is not None:
                break  # deferred or switched off meanwhile: keep this URL's real failure
            await asyncio.sleep(backoff_s(attempt, self.settings.retry_backoff_s))
        if attempt > 1:
            result.reason += f" (attempt {attempt} of {max_attempts})"
        result.retry_later = result.retry_later or result.transient or \
            result.outcome in _RETRY_LATER
        if self.archive is not None:
            # Before an unchanged body is dropped below; gzipped off the event loop.
            await self.archive.record_async(result, note)
        if entry is not None and result.ok and result.body_sha1 == entry.body_sha1:
            result.outcome = "not_modified"
            result.reason = "body unchanged since the last run (same SHA-1)"
            result.body = None
        if self._keep_log:
            self.log.append(result)
        if self._on_result is not None:
            self._on_result(result)
        return result

    async def _fetch_once(self, url: str, *, source: str, kind: str,
                          headers: dict[str, str]) -> FetchResult:
        assert self._client is not None, "use Fetcher as an async context manager"
        started = time.monotonic()
        result = FetchResult(url=url, source=source, kind=kind)
        seen = {url}
        current = url
        host: HostState | None = None
        # The deadline covers time on the wire only, summed over redirect hops: waiting for
        # a polite turn at a busy host is not the server's slowness.
        budget = self.settings.timeout_s
        try:
            for hop in range(MAX_REDIRECTS + 1):
                host = self.politeness.host(current)
                host.check()
                if kind != "robots":
                    policy, refusal = await self.robots.check(current, source)
                    if refusal is not None:
                        result.outcome, result.reason = refusal.outcome, refusal.reason
                        result.retry_later = refusal.retry_later
                        result.final_url = current
                        break
                    if policy.crawl_delay_s:
                        host.slow_down(policy.crawl_delay_s)
                hop_headers = headers if hop == 0 else {
                    k: v for k, v in headers.items() if k.lower() not in _CONDITIONAL_HEADERS}
                async with host.turn():
                    hop_started = time.monotonic()
                    async with asyncio.timeout(budget):
                        location = await self._request(current, result, hop_headers, host)
                    budget -= time.monotonic() - hop_started
                if location is None:
                    break
                nxt = urljoin(current, location)
                if nxt in seen:
                    result.outcome, result.reason = "redirect_loop", f"redirect loop at {nxt}"
                    break
                seen.add(nxt)
                current = nxt
            else:
                result.outcome = "too_many_redirects"
                result.reason = f"more than {MAX_REDIRECTS} redirects"
        except HostUnavailable as exc:
            result.outcome, result.reason = exc.outcome, exc.reason
            result.final_url = current
        except TimeoutError:
            result.outcome = "timeout"
            result.reason = f"no complete response within {self.settings.timeout_s:g} s"
        except BlockedAddressError as exc:
            result.outcome, result.reason = "blocked_address", str(exc)
        except httpx.TimeoutException as exc:
            result.outcome, result.reason = "timeout", f"{type(exc).__name__}: {exc}"
        except (httpx.TransportError, OSError) as exc:
            result.outcome = "connect_error"
            result.reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if result.outcome in ("timeout", "connect_error") and host is not None:
            host.record(True, result.outcome)
        if result.outcome != "ok":
            result.body = None
        result.final_url = result.final_url or current
        result.elapsed_ms = int((time.monotonic() - started) * 1000)
        return result

    async def _request(self, url: str, result: FetchResult, headers: dict[str, str],
                       host: HostState) -> str | None:
        """One HTTP exchange; fills ``result`` and returns a redirect location, if any."""
        assert self._client is not None
        cap = self.settings.max_bytes
        async with self._client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            result.status = status
            result.final_url = str(response.url)
            result.content_type = response.headers.get("content-type")
            result.headers = list(response.headers.multi_items())
            result.reason_phrase = response.reason_phrase
            host.record(status in TRANSIENT_STATUSES, f"HTTP {status}")
            if status in REDIRECT_STATUSES and "location" in response.headers:
                return response.headers["location"]
            if status == 304:
                result.outcome, result.reason = "not_modified", "304 Not Modified"
                return None
            if status >= 400:
                result.outcome = "http_error"
                result.reason = f"HTTP {status} {response.reason_phrase}".strip()
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None and status in (429, 503):
                    result.reason += f" (Retry-After {wait:.0f} s)"
                    if not host.retry_after(wait, f"HTTP {status}"):
                        result.outcome = "deferred"
                        result.reason = host.unavailable.reason if host.unavailable else ""
                return None
            declared = response.headers.get("content-length", "").strip()
            if declared.isdigit() and int(declared) > cap:
                result.outcome = "too_large"
                result.reason = f"Content-Length {declared} exceeds max_bytes {cap}"
                return None
            raw = bytearray()
            async for chunk in response.aiter_raw():
                raw.extend(chunk)
                if len(raw) > cap:
                    result.outcome = "too_large"
                    result.reason = f"body exceeds max_bytes {cap} on the wire"
                    result.bytes = len(raw)
                    return None
            result.bytes = len(raw)
            result.etag = response.headers.get("etag")
            result.last_modified = response.headers.get("last-modified")
            encoding = response.headers.get("content-encoding", "")
            try:
                body = _decode_content(bytes(raw), encoding, cap)
                del raw
                if result.kind in CONDITIONAL_KINDS and body[:2] == b"\x1f\x8b":
                    # A .xml.gz served as the compressed file itself: same bound.
                    body = _inflate(body, "gzip", min(cap, MAX_DOCUMENT_BYTES))
            except _TooLarge as exc:
                result.outcome, result.reason = "too_large", str(exc)
                return None
            except (zlib.error, ValueError) as exc:
                result.outcome, result.reason = "decode_error", f"{encoding or 'gzip'}: {exc}"
                return None
            result.body = body
            result.reason = f"HTTP {status}"
            if result.kind in CONDITIONAL_KINDS:
                result.body_sha1 = body_sha1(body)
            if result.kind != "robots":
                self._check_type(result)
        return None

    @staticmethod
    def _check_type(result: FetchResult) -> None:
        media = (result.content_type or "").split(";")[0].strip().lower()
        allowed = {"page": HTML_TYPES, "api": JSON_TYPES}.get(result.kind, XML_TYPES + HTML_TYPES)
        what = {"page": "HTML", "api": "JSON"}.get(result.kind, "XML")
        if media and media not in allowed and not media.endswith("+xml"):
            result.outcome = "bad_content_type"
            result.reason = f"{media} is not {what}"
            result.body = None
            return
        if result.kind == "page" and result.body is not None:
            head = result.body[:8]
            for magic, name in _BINARY_MAGIC:
                if head.startswith(magic):
                    result.outcome = "bad_content_type"
                    result.reason = f"body is {name} (served as {media or 'no type'}), not HTML"
                    result.body = None
                    return
