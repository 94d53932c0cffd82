"""Retention: old WARC files and their captures rows are pruned, never the articles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from flows.nightly import publish_pending
from ingest.archive import Capture, archive_dir
from tests.dedup_helpers import articles, rows
from warehouse.load import CAPTURE_SCHEMA
from warehouse.stage import stage_batch

OLD, NEW = "20200101T020000Z-aaaaaa", "29990101T020000Z-bbbbbb"


def _capture(run_id: str, url: str) -> dict[str, object]:
    return Capture(warc_file=f"{run_id}.warc.gz", offset=0, length=10, url=url,
                   final_url=url, status=200, content_type="text/html", digest="sha1:X",
                   fetched_at=datetime(2020, 1, 1, 2, tzinfo=UTC), run_id=run_id,
                   source="src", kind="page").row()


def test_pruning_removes_old_files_and_their_captures_only(tmp_path: Path) -> None:
    db, data = tmp_path / "w.duckdb", tmp_path
    directory = archive_dir(data)
    directory.mkdir()
    for run_id in (OLD, NEW):
        (directory / f"{run_id}.warc.gz").write_bytes(b"")
    stage_batch(data, OLD, {
        "articles": articles(dict(url="https://a.test/old", text="An old article.")),
        "captures": pl.DataFrame([_capture(OLD, "https://a.test/old"),
                                  _capture(NEW, "https://a.test/new")], schema=CAPTURE_SCHEMA)})
    publish_pending(db, data, retention_days=0)
    assert rows(db, "SELECT count(*) FROM captures") == [(2,)]
    publish_pending(db, data, retention_days=365)
    assert rows(db, "SELECT warc_file FROM captures") == [(f"{NEW}.warc.gz",)]
    assert sorted(p.name for p in directory.iterdir()) == [f"{NEW}.warc.gz"]
    assert rows(db, "SELECT url FROM articles") == [("https://a.test/old",)]
