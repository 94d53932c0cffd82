"""The raw archive: WARC records written as responses arrive, read back, indexed, pruned."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from ingest.archive import WarcArchive, expired_warc_files, index_warc, read_payload
from ingest.fetch import FetchResult

WHEN = datetime(2026, 11, 29, 2, 0, 1, 123456, tzinfo=UTC)
RUN = "20261129T020000Z-abc123"


def _result(url: str, body: bytes | None, status: int | None = 200,
            kind: str = "page") -> FetchResult:
    return FetchResult(url=url, source="src", kind=kind, final_url=url + "?final",
                       status=status, body=body, content_type="text/html; charset=utf-8",
                       fetched_at=WHEN, reason_phrase="OK",
                       headers=[("Content-Type", "text/html; charset=utf-8"),
                                ("Content-Encoding", "gzip"), ("Content-Length", "3"),
                                ("ETag", '"x"')])


def test_responses_and_requests_are_archived_one_gzip_member_each(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, RUN, "ua/1")
    first = archive.record(_result("http://a.test/1", "Привет <b>мир</b>".encode()),
                           {"feed_published_at": "2026-11-28", "source_language": "ru"})
    second = archive.record(_result("http://a.test/2", b"<p>two</p>"))
    assert archive.record(_result("http://a.test/3", None, status=None)) is None
    archive.close()
    assert first is not None and second is not None
    assert archive.path == tmp_path / f"{RUN}.warc.gz"
    # Each record is its own gzip member: the offset of a capture starts one.
    raw = archive.path.read_bytes()
    assert raw[first.offset:first.offset + 2] == raw[second.offset:second.offset + 2] == \
        b"\x1f\x8b"
    assert gzip.decompress(raw[first.offset:first.offset + first.length]).startswith(b"WARC/1.1")
    with open(archive.path, "rb") as fh:
        # check_digests: reading each record to its end checks its block and payload digests.
        types = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                  r.content_stream().read() is not None)
                 for r in ArchiveIterator(fh, check_digests="raise")]
    assert types == [("response", "http://a.test/1?final", True),
                     ("request", "http://a.test/1?final", True),
                     ("response", "http://a.test/2?final", True),
                     ("request", "http://a.test/2?final", True)]
    assert read_payload(tmp_path, first.warc_file, first.offset) == "Привет <b>мир</b>".encode()
    assert first.digest and first.digest.startswith("sha1:")
    assert (first.url, first.status, first.fetched_at, first.run_id, first.kind) == \
        ("http://a.test/1", 200, WHEN, RUN, "page")


def test_a_warc_file_indexes_itself_exactly_as_written(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, RUN)
    written = [archive.record(_result(f"http://a.test/{i}", f"<p>{i}</p>".encode()),
                              {"feed_published_at": f"2026-11-2{i}", "source_language": None})
               for i in range(3)]
    archive.close()
    assert list(index_warc(archive.path)) == written


def test_a_file_cut_short_by_a_killed_run_keeps_its_complete_records(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, RUN)
    kept = archive.record(_result("http://a.test/1", b"<p>kept</p>"))
    cut = archive.record(_result("http://a.test/2", b"<p>cut</p>" * 100))
    archive.close()
    assert kept is not None and cut is not None
    with open(archive.path, "r+b") as fh:
        fh.truncate(cut.offset + cut.length // 2)
    assert list(index_warc(archive.path)) == [kept]


def test_records_written_from_many_fetches_at_once_are_whole_and_indexed(
        tmp_path: Path) -> None:
    # The fetcher archives from its writer thread while other fetches go on.
    archive = WarcArchive(tmp_path, RUN)
    bodies = {f"http://a.test/{i}": (f"<p>{i}</p>" * (1 + 500 * (i % 3))).encode()
              for i in range(40)}

    async def archive_all() -> list[object]:
        return await asyncio.gather(*(archive.record_async(_result(url, body))
                                      for url, body in bodies.items()))

    returned = asyncio.run(archive_all())
    archive.close()
    assert sorted(returned, key=lambda c: c.offset) == archive.captures  # type: ignore[attr-defined]
    assert list(index_warc(archive.path)) == archive.captures
    assert {c.url: read_payload(tmp_path, c.warc_file, c.offset)
            for c in archive.captures} == bodies


def test_the_stored_http_headers_describe_the_stored_body(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, RUN)
    archive.record(_result("http://a.test/1", b"<p>hello</p>"))
    archive.close()
    with open(archive.path, "rb") as fh:
        record = next(iter(ArchiveIterator(fh)))
        headers = dict(record.http_headers.headers)
    assert headers["Content-Length"] == str(len(b"<p>hello</p>"))
    assert "Content-Encoding" not in headers
    assert headers["X-Sinorus-Original-Content-Encoding"] == "gzip"
    assert headers["ETag"] == '"x"'


def test_retention_picks_files_by_their_run_time(tmp_path: Path) -> None:
    for name in ("20260101T020000Z-aaaaaa", "20261101T020000Z-bbbbbb",
                 "20261128T020000Z-cccccc"):
        (tmp_path / f"{name}.warc.gz").write_bytes(b"")
    now = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    assert [p.name[:8] for p in expired_warc_files(tmp_path, 30, now)] == ["20260101"]
    assert [p.name[:8] for p in expired_warc_files(tmp_path, 0.5, now)] == \
        ["20260101", "20261101", "20261128"]
    assert expired_warc_files(tmp_path, 0, now) == []
