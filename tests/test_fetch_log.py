"""The run's fetch log staged in parts: a page whose extraction fails after its row was
logged (or even staged) ends with the outcome ``extract_failed`` all the same."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl

from flows.fetch_log import StagedFetchLog
from ingest.archive import WarcArchive
from ingest.fetch import FetchResult
from warehouse.stage import RunStaging, table_files


def test_a_page_failed_after_its_row_was_logged_is_amended_staged_or_not(
        tmp_path: Path) -> None:
    staging = RunStaging(tmp_path, "20260101T000000Z-000003")
    log = StagedFetchLog(staging, WarcArchive(tmp_path / "archive", staging.run_id),
                         rows_per_part=2)
    pages = [FetchResult(f"http://127.0.0.1:9/news/{n}", "wire", "page", status=200,
                         body=b"<html></html>") for n in range(5)]
    for page in pages:
        log.record(page)  # two parts of two rows are staged; the fifth row is in memory
    assert len(table_files(staging.directory, "fetches")) == 2
    for page in (pages[1], pages[4]):  # one row in a staged part, one still in memory
        page.outcome, page.reason = "extract_failed", "extractor exceeded 60 s"
        log.amend(page)
    last = log.finish()["fetches"]
    fetches = pl.concat([*(pl.read_parquet(f) for f in table_files(staging.directory,
                                                                   "fetches")), last])
    assert fetches.height == 5
    outcomes = dict(zip(fetches["url"], zip(fetches["outcome"], fetches["reason"],
                                            strict=True), strict=True))
    failed = ("extract_failed", "extractor exceeded 60 s")
    assert [outcomes[p.url] for p in pages] == [
        ("ok", ""), failed, ("ok", ""), ("ok", ""), failed]
    assert log.outcomes == Counter({"ok": 3, "extract_failed": 2})
