"""The run's fetch log and capture index, staged in parts while the run fetches.

A long run must not keep a row per page in memory until its end: every ``ROWS_PER_PART``
page fetches, their rows and the WARC captures recorded meanwhile are written to the run's
staged batch as ``fetches.part-NNNNN.parquet`` and ``captures.part-NNNNN.parquet`` (the
loader reads whole tables and parts alike). Feeds, sitemaps and robots.txt stay in memory
to the end: they are few, and harvesting may still turn a feed's ``ok`` into
``invalid_document`` after it has been logged. A page whose extraction fails after its row
was logged is amended (:meth:`StagedFetchLog.amend`): in memory if its row is still there,
else by rewriting its part at the end (failures are rare; a part is 5,000 rows).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl

from ingest.archive import WarcArchive
from ingest.fetch import FetchResult
from warehouse.load import CAPTURE_SCHEMA
from warehouse.stage import RunStaging, write_tables

ROWS_PER_PART = 5_000

FETCH_SCHEMA = {
    "fetch_id": pl.String, "run_id": pl.String, "source": pl.String, "kind": pl.String,
    "url": pl.String, "final_url": pl.String, "status": pl.Int32, "outcome": pl.String,
    "reason": pl.String, "bytes": pl.Int64, "elapsed_ms": pl.Int32,
    "fetched_at": pl.Datetime("us", "UTC"), "attempts": pl.Int32,
}


class StagedFetchLog:
    """Receives every fetch result (``Fetcher(on_result=...)``) and stages them as rows.

    Also counts the outcomes, for the run's log; per-source counts are the harvests' own.
    """

    def __init__(self, staging: RunStaging, archive: WarcArchive,
                 rows_per_part: int | None = None) -> None:
        self.staging, self.archive = staging, archive
        self.rows_per_part = rows_per_part or ROWS_PER_PART
        self.outcomes: Counter[str] = Counter()
        self._fetches = 0  # numbers the rows: fetch ids follow the order fetches ended
        self._parts = 0
        self._page_rows: list[dict[str, Any]] = []
        self._unwritten: dict[int, dict[str, Any]] = {}  # fetch number -> its row in _page_rows
        self._written: list[tuple[int, str]] = []  # (last fetch number, suffix) of each part
        self._late: dict[int, tuple[str, str]] = {}  # amendments of rows already written
        self._documents: list[tuple[int, FetchResult]] = []

    def record(self, result: FetchResult) -> None:
        number = self._fetches
        self._fetches += 1
        result.fetch_number = number
        self.outcomes[result.outcome] += 1
        if result.kind != "page":
            self._documents.append((number, result))
            return
        row = self._row(number, result)
        self._page_rows.append(row)
        self._unwritten[number] = row
        if len(self._page_rows) >= self.rows_per_part:
            self._write_part()

    def amend(self, result: FetchResult) -> None:
        """A logged page's outcome changed (its extraction failed): its row says so too."""
        if result.fetch_number < 0:
            return  # never logged: no row to amend, nothing counted
        row = self._unwritten.get(result.fetch_number)
        if row is not None:
            self.outcomes[row["outcome"]] -= 1
            row["outcome"], row["reason"] = result.outcome, result.reason
        else:  # in a staged part, rewritten at the end; only pages fetched ok get here
            old, _ = self._late.get(result.fetch_number, ("ok", ""))
            self.outcomes[old] -= 1
            self._late[result.fetch_number] = (result.outcome, result.reason)
        self.outcomes[result.outcome] += 1

    def finish(self) -> dict[str, pl.DataFrame]:
        """The rows not yet staged, as whole tables for the batch's last write.

        Call once fetching and extraction have ended and the archive is closed.
        """
        self._amend_written_parts()
        rows = self._page_rows + [self._row(n, r) for n, r in self._documents]
        self._page_rows, self._documents, self._unwritten = [], [], {}
        return {"fetches": pl.DataFrame(rows, schema=FETCH_SCHEMA),
                "captures": self._captures()}

    def _write_part(self) -> None:
        self._parts += 1
        suffix = self.staging.part_suffix(self._parts)
        tables = {"fetches": pl.DataFrame(self._page_rows, schema=FETCH_SCHEMA),
                  "captures": self._captures()}
        self._written.append((self._fetches - 1, suffix))
        self._page_rows, self._unwritten = [], {}
        write_tables(self.staging.directory, tables, suffix)

    def _amend_written_parts(self) -> None:
        """Rewrite the staged parts holding rows amended after they were written."""
        by_part: dict[str, list[tuple[int, str, str]]] = {}
        for number, (outcome, reason) in sorted(self._late.items()):
            suffix = next(s for last, s in self._written if number <= last)
            by_part.setdefault(suffix, []).append((number, outcome, reason))
        for suffix, amended in by_part.items():
            path = self.staging.directory / f"fetches{suffix}.parquet"
            changes = pl.DataFrame(
                {"fetch_id": [self._fetch_id(n) for n, _, _ in amended],
                 "outcome": [o for _, o, _ in amended], "reason": [r for _, _, r in amended]})
            fetches = pl.read_parquet(path).update(changes, on="fetch_id")
            write_tables(self.staging.directory, {"fetches": fetches}, suffix)
        self._late = {}

    def _captures(self) -> pl.DataFrame:
        return pl.DataFrame([c.row() for c in self.archive.take_captures()],
                            schema=CAPTURE_SCHEMA)

    def _fetch_id(self, number: int) -> str:
        return f"{self.staging.run_id}:{number:06d}"

    def _row(self, number: int, r: FetchResult) -> dict[str, Any]:
        return {"fetch_id": self._fetch_id(number),
                "run_id": self.staging.run_id, "source": r.source, "kind": r.kind,
                "url": r.url, "final_url": r.final_url, "status": r.status,
                "outcome": r.outcome, "reason": r.reason, "bytes": r.bytes,
                "elapsed_ms": r.elapsed_ms, "fetched_at": r.fetched_at,
                "attempts": r.attempts}
