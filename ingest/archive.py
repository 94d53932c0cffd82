"""The raw archive: every HTTP response of a run in one WARC file, to re-extract from later.

One file per run, ``<data_dir>/archive/<run_id>.warc.gz``, written as responses arrive
(a response record and the request that asked for it, each gzipped on its own, WARC/1.1
for microsecond dates) and flushed after each pair, so a killed run keeps what it fetched.
Each response is also a :class:`Capture`, a row of the warehouse's ``captures`` index.

Gzipping a page costs as much CPU as a good part of fetching it, so the fetcher hands the
writing to one thread of the archive's own (:meth:`WarcArchive.record_async`; the
compressor and hashlib let the event loop run meanwhile), and records are gzipped with
ISA-L (python-isal) at level :data:`GZIP_LEVEL`: on the benchmark's 100 KB pages that is
0.3 ms a page against 1.7 ms for zlib at level 3, for the same size (30 % of the page).
The members are plain gzip: any WARC reader opens them.

Payloads are stored as the fetcher kept them: decompressed (the original
``Content-Encoding`` is kept as ``X-Sinorus-Original-Content-Encoding``, and
``Content-Length`` is the stored length). What discovery knew about a page (its source, the
feed's date, the language hint) travels in ``WARC-Sinorus-*`` headers, so that a WARC file
can be indexed again without the warehouse (:func:`index_warc`).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

if TYPE_CHECKING:
    from ingest.fetch import FetchResult

_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_META = "WARC-Sinorus-"
# Run ids start with their UTC time: 20261129T020000Z-1a2b3c.
_RUN_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
# ISA-L's levels are 0-3; on the benchmark's pages 3 costs twice the CPU of 2 for 1 % less
# size, and 2 is as small as zlib's 3 (docs/throughput.md).
GZIP_LEVEL = 2


def archive_dir(data_dir: Path) -> Path:
    return data_dir / "archive"


@dataclass(frozen=True, slots=True)
class Capture:
    """One archived response: a row of the ``captures`` table."""

    warc_file: str  # file name under the archive directory
    offset: int
    length: int
    url: str  # as requested
    final_url: str | None
    status: int | None
    content_type: str | None
    digest: str | None  # WARC-Payload-Digest (sha1, base32)
    fetched_at: datetime
    run_id: str
    source: str | None
    kind: str | None
    feed_published_at: str | None = None
    source_language: str | None = None

    def row(self) -> dict[str, Any]:
        return asdict(self)


class WarcArchive:
    """The WARC file of one run; ``record`` is called by the fetcher for every result."""

    def __init__(self, directory: Path, run_id: str, user_agent: str = "") -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.run_id = run_id
        self.path = directory / f"{run_id}.warc.gz"
        self.user_agent = user_agent
        self.captures: list[Capture] = []
        self._fh: BinaryIO | None = None
        # Builds records uncompressed; each is gzipped here as a member of its own.
        self._writer = WARCWriter(BytesIO(), gzip=False, warc_version="1.1")
        self._lock = threading.Lock()  # one record pair at a time, in the file and captures
        self._thread: ThreadPoolExecutor | None = None

    def _member(self, record: Any) -> bytes:
        """One WARC record as one gzip member."""
        buffer = BytesIO()
        self._writer.out = buffer
        self._writer.write_record(record)
        compressor = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED,
                                           16 + isal_zlib.MAX_WBITS)
        return compressor.compress(buffer.getbuffer()) + compressor.flush()

    async def record_async(self, result: FetchResult,
                           note: Mapping[str, str | None] | None = None) -> Capture | None:
        """:meth:`record` in the archive's writer thread; returns once the pair is flushed."""
        if result.status is None:
            return None
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="warc-writer")
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self.record, result, note)

    def record(self, result: FetchResult, note: Mapping[str, str | None] | None = None
               ) -> Capture | None:
        """Append the response behind ``result`` (if one arrived) and its request."""
        if result.status is None:
            return None  # no HTTP response: nothing to archive, the fetch log says why
        with self._lock:
            return self._record(result, note)

    def _record(self, result: FetchResult, note: Mapping[str, str | None] | None
                ) -> Capture:
        writer = self._writer
        if self._fh is None:
            self._fh = open(self.path, "ab")  # noqa: SIM115 - kept open for the whole run
        note = dict(note or {})
        target = result.final_url or result.url
        date = result.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        meta = {"Source": result.source, "Kind": result.kind, "Run-Id": self.run_id,
                "Requested-URL": result.url,
                "Feed-Published": note.get("feed_published_at"),
                "Source-Language": note.get("source_language")}
        warc_headers = {"WARC-Date": date} | {
            _META + k: v for k, v in meta.items() if v is not None}
        body = result.body or b""
        headers = [(k, v) for k, v in result.headers if k.lower() not in _DROPPED_HEADERS]
        original = next((v for k, v in result.headers if k.lower() == "content-encoding"), None)
        if original:
            headers.append(("X-Sinorus-Original-Content-Encoding", original))
        headers.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{result.status} {result.reason_phrase}".strip(), headers,
                                protocol="HTTP/1.1")
        response = writer.create_warc_record(target, "response", payload=BytesIO(body),
                                             length=len(body), http_headers=http,
                                             warc_headers_dict=warc_headers)
        parts = urlsplit(target)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = [("Host", parts.netloc), ("User-Agent", self.user_agent),
                           ("Accept-Encoding", "gzip, deflate")]
        request = writer.create_warc_record(
            target, "request", payload=BytesIO(b""), length=0,
            http_headers=StatusAndHeaders(f"GET {path} HTTP/1.1", request_headers,
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To":
                               response.rec_headers.get_header("WARC-Record-ID")})
        response_member = self._member(response)
        request_member = self._member(request)
        offset = self._fh.tell()
        self._fh.write(response_member)
        self._fh.write(request_member)
        self._fh.flush()
        length = len(response_member)
        capture = Capture(
            warc_file=self.path.name, offset=offset, length=length, url=result.url,
            final_url=result.final_url, status=result.status, content_type=result.content_type,
            digest=response.rec_headers.get_header("WARC-Payload-Digest"),
            fetched_at=result.fetched_at, run_id=self.run_id, source=result.source,
            kind=result.kind, feed_published_at=note.get("feed_published_at"),
            source_language=note.get("source_language"))
        self.captures.append(capture)
        return capture

    def take_captures(self) -> list[Capture]:
        """The captures recorded since the last call; the archive keeps no list of its own."""
        with self._lock:
            taken, self.captures = self.captures, []
        return taken

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        with self._lock:
            if self._fh is not None:
                self._fh.flush()
                os.fsync(self._fh.fileno())
                self._fh.close()
                self._fh = None


def read_payload(directory: Path, warc_file: str, offset: int) -> bytes:
    """The HTTP payload (the body as fetched and decompressed) of one archived response."""
    with open(directory / warc_file, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        return record.content_stream().read()


def index_warc(path: Path) -> Iterator[Capture]:
    """The captures of a WARC file written by :class:`WarcArchive`, read back from it alone.

    A file cut short by a killed run yields every complete record before the cut.
    """
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        try:
            for record in records:
                if record.rec_type != "response":
                    continue
                h = record.rec_headers.get_header
                http = record.http_headers
                status = int(http.get_statuscode()) if http and http.get_statuscode() else None
                fetched = datetime.strptime(h("WARC-Date"), "%Y-%m-%dT%H:%M:%S.%fZ")
                record.content_stream().read()  # the iterator needs the record consumed
                yield Capture(
                    warc_file=path.name, offset=records.get_record_offset(),
                    length=records.get_record_length(),
                    url=h(_META + "Requested-URL") or h("WARC-Target-URI"),
                    final_url=h("WARC-Target-URI"), status=status,
                    content_type=http.get_header("Content-Type") if http else None,
                    digest=h("WARC-Payload-Digest"), fetched_at=fetched.replace(tzinfo=UTC),
                    run_id=h(_META + "Run-Id") or path.name.removesuffix(".warc.gz"),
                    source=h(_META + "Source"), kind=h(_META + "Kind"),
                    feed_published_at=h(_META + "Feed-Published"),
                    source_language=h(_META + "Source-Language"))
        except Exception:
            # A record cut short by a killed run: warcio fails on it in several ways
            # (EOFError, zlib errors, ArchiveLoadFailed, a header-less stub). Stop there.
            return


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.warc.gz")) if directory.is_dir() else []


def expired_warc_files(directory: Path, retention_days: float, now: datetime | None = None
                       ) -> list[Path]:
    """WARC files older than the retention (by their run's start time); none when 0."""
    if retention_days <= 0:
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    expired = []
    for path in warc_files(directory):
        try:
            started = datetime.strptime(path.name[:16], _RUN_TIME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            started = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if started < cutoff:
            expired.append(path)
    return expired
