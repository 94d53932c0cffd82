"""Fetching over HTTP with one shared ``httpx.AsyncClient``: politeness, caps and a fetch log.

httpx alone follows redirects and decompresses bodies without any limit, and its read
timeout restarts on every chunk. This module therefore follows redirects itself (checking
each hop), reads raw bytes under a total deadline and a byte cap, and inflates gzip and
deflate with a bounded output. Every attempt ends as a :class:`FetchResult` (a row of the
fetch log); per-URL failures are values, never exceptions.
"""

from __future__ import annotations

import asyncio
import random
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.config import FetchSettings
from ingest.netguard import BlockedAddressError, GuardedTransport

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# The fetch log's outcome vocabulary (documented in docs/schema.md).
OUTCOMES = (
    "ok", "not_modified", "http_error", "timeout", "connect_error", "too_large",
    "robots_denied", "blocked_address", "bad_content_type", "redirect_loop",
    "too_many_redirects", "decode_error", "deferred", "host_disabled",
)

HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml",
             "application/rdf+xml", "application/x-gzip", "application/gzip",
             "application/octet-stream", "text/plain")


@dataclass(slots=True)
class FetchResult:
    """One fetch of one URL: a row of the ``fetches`` table, plus the body when it is usable."""

    url: str
    source: str
    kind: str  # page | feed | sitemap | robots
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

    @property
    def ok(self) -> bool:
        return self.outcome == "ok" and self.body is not None


class _TooLarge(Exception):
    pass


class _HostGate:
    """Per-host politeness: a bounded number in flight and a minimum gap between starts."""

    def __init__(self, concurrency: int, delay_s: float) -> None:
        self.semaphore = asyncio.Semaphore(concurrency)
        self.delay_s = delay_s
        self.next_start = 0.0
        self.lock = asyncio.Lock()

    async def wait_turn(self) -> None:
        async with self.lock:
            now = time.monotonic()
            if self.next_start > now:
                await asyncio.sleep(self.next_start - now)
            self.next_start = max(now, self.next_start) + self.delay_s

    def defer_until(self, monotonic_time: float) -> None:
        self.next_start = max(self.next_start, monotonic_time)


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
    decoder = zlib.decompressobj(wbits)
    out = decoder.decompress(raw, max_bytes + 1)
    if len(out) > max_bytes or decoder.unconsumed_tail:
        raise _TooLarge(f"decompressed body exceeds {max_bytes} bytes")
    return out


def gunzip_bounded(raw: bytes, max_bytes: int) -> bytes:
    """Inflate a .gz file (sitemaps) with a bounded output; raises ValueError when too large."""
    try:
        return _inflate(raw, "gzip", max_bytes)
    except _TooLarge as exc:
        raise ValueError(str(exc)) from None


def _retry_after_seconds(value: str | None) -> float | None:
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
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Fetcher:
    """Fetches URLs politely and safely; use as ``async with Fetcher(settings) as f``."""

    def __init__(self, settings: FetchSettings,
                 transport: httpx.AsyncBaseTransport | None = None,
                 on_result: Callable[[FetchResult], None] | None = None) -> None:
        self.settings = settings
        self._transport = transport or GuardedTransport(settings.allowed_networks())
        self._client: httpx.AsyncClient | None = None
        self._gates: dict[str, _HostGate] = {}
        self._on_result = on_result
        self.log: list[FetchResult] = []

    async def __aenter__(self) -> Fetcher:
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

    def _gate(self, url: str) -> _HostGate:
        host = urlsplit(url).netloc.lower()
        gate = self._gates.get(host)
        if gate is None:
            gate = _HostGate(self.settings.per_host_concurrency, self.settings.per_host_delay_s)
            self._gates[host] = gate
        return gate

    async def fetch(self, url: str, *, source: str, kind: str = "page",
                    headers: dict[str, str] | None = None) -> FetchResult:
        """Fetch one URL with retries for transient failures; always returns a result."""
        attempt = 0
        while True:
            result = await self._fetch_once(url, source=source, kind=kind, headers=headers)
            transient = result.outcome in ("timeout", "connect_error") or (
                result.outcome == "http_error" and result.status in TRANSIENT_STATUSES)
            if not transient or attempt >= self.settings.max_retries:
                break
            attempt += 1
            # Exponential backoff with full jitter, applied here (not by the orchestrator).
            await asyncio.sleep(random.uniform(0, 0.25 * 2 ** attempt))
        self.log.append(result)
        if self._on_result is not None:
            self._on_result(result)
        return result

    async def _fetch_once(self, url: str, *, source: str, kind: str,
                          headers: dict[str, str] | None) -> FetchResult:
        assert self._client is not None, "use Fetcher as an async context manager"
        started = time.monotonic()
        result = FetchResult(url=url, source=source, kind=kind)
        seen = {url}
        current = url
        # The deadline covers time on the wire only, summed over redirect hops: waiting for
        # a polite turn at a busy host is not the server's slowness.
        budget = self.settings.timeout_s
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                gate = self._gate(current)
                async with gate.semaphore:
                    await gate.wait_turn()
                    hop_started = time.monotonic()
                    async with asyncio.timeout(budget):
                        location = await self._request(current, result, headers, gate)
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
        except TimeoutError:
            result.outcome = "timeout"
            result.reason = f"no complete response within {self.settings.timeout_s:g} s"
            result.body = None
        except BlockedAddressError as exc:
            result.outcome, result.reason = "blocked_address", str(exc)
        except httpx.TimeoutException as exc:
            result.outcome, result.reason = "timeout", f"{type(exc).__name__}: {exc}"
        except (httpx.TransportError, OSError) as exc:
            result.outcome = "connect_error"
            result.reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        result.final_url = result.final_url or current
        result.elapsed_ms = int((time.monotonic() - started) * 1000)
        return result

    async def _request(self, url: str, result: FetchResult, headers: dict[str, str] | None,
                       gate: _HostGate) -> str | None:
        """One HTTP exchange; fills ``result`` and returns a redirect location, if any."""
        assert self._client is not None
        cap = self.settings.max_bytes
        async with self._client.stream("GET", url, headers=headers) as response:
            result.status = response.status_code
            result.final_url = str(response.url)
            result.content_type = response.headers.get("content-type")
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                return response.headers["location"]
            if response.status_code == 304:
                result.outcome, result.reason = "not_modified", "304 Not Modified"
                return None
            if response.status_code >= 400:
                result.outcome = "http_error"
                result.reason = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                wait = _retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None and response.status_code in (429, 503):
                    gate.defer_until(time.monotonic() + wait)
                    result.reason += f" (Retry-After {wait:.0f} s)"
                return None
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > cap:
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
            encoding = response.headers.get("content-encoding", "").strip().lower()
            try:
                result.body = _inflate(bytes(raw), encoding, cap)
            except _TooLarge as exc:
                result.outcome, result.reason = "too_large", str(exc)
            except (zlib.error, ValueError) as exc:
                result.outcome, result.reason = "decode_error", f"{encoding}: {exc}"
            result.etag = response.headers.get("etag")
            result.last_modified = response.headers.get("last-modified")
            if result.outcome == "ok":
                self._check_type(result)
        return None

    @staticmethod
    def _check_type(result: FetchResult) -> None:
        media = (result.content_type or "").split(";")[0].strip().lower()
        allowed = HTML_TYPES if result.kind == "page" else XML_TYPES + HTML_TYPES
        if media and media not in allowed and not media.endswith("+xml"):
            result.outcome = "bad_content_type"
            result.reason = f"{media} is not {'HTML' if result.kind == 'page' else 'XML'}"
            result.body = None
        else:
            result.reason = f"HTTP {result.status}"


def decoded_text(result: FetchResult) -> str:
    """The body of a fetched page as text (header charset, BOM, meta tag, detection)."""
    from ingest.encoding import decode_body

    return decode_body(result.body or b"", result.content_type)[0]
