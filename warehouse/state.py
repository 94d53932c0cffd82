"""Fetching state kept between runs: feed validators (``http_cache``) and source health.

Read before a run through a read-only connection (like :mod:`warehouse.known`); written
by staging it with the run's batch, so it is loaded in the batch's transaction
(:func:`warehouse.load.load_fetch_state`). Health is staged as tonight's per-source
status, not as totals, so batches loaded late or twice still count right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from ingest.conditional import CacheEntry
from warehouse.backend import Warehouse, as_warehouse

SOURCE_STATUSES = ("ok", "failed", "deferred")

HTTP_CACHE_SCHEMA = {
    "url": pl.String, "source": pl.String, "etag": pl.String, "last_modified": pl.String,
    "body_sha1": pl.String, "checked_at": pl.Datetime("us", "UTC"),
}
SOURCE_STATUS_SCHEMA = {
    "source": pl.String, "run_id": pl.String, "status": pl.String, "error": pl.String,
    "checked_at": pl.Datetime("us", "UTC"),
}


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A ``source_state`` row: how a source's recent runs went."""

    source: str
    last_status: str | None
    last_success_at: datetime | None
    consecutive_failures: int
    last_error: str | None
    last_run_id: str | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class FetchState:
    http_cache: dict[str, CacheEntry]
    health: dict[str, SourceHealth]


def _tables(conn: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database()").fetchall()}


def read_fetch_state(db: Warehouse | Path, *, http_cache: bool = True) -> FetchState:
    """Validators and source health from the published warehouse (empty when absent).

    A warehouse from before migration 2 simply has no state yet.
    """
    cache: dict[str, CacheEntry] = {}
    health: dict[str, SourceHealth] = {}
    warehouse = as_warehouse(db)
    if not warehouse.exists():
        return FetchState(cache, health)
    conn = warehouse.connect_read_only()
    try:
        tables = _tables(conn)
        if http_cache and "http_cache" in tables:
            for url, source, etag, modified, sha1, checked in conn.execute(
                    "SELECT url, source, etag, last_modified, body_sha1, checked_at "
                    "FROM http_cache").fetchall():
                cache[url] = CacheEntry(url, etag, modified, sha1, checked, source)
        if "source_state" in tables:
            for values in conn.execute(
                    "SELECT source, last_status, last_success_at, consecutive_failures, "
                    "last_error, last_run_id, updated_at FROM source_state").fetchall():
                health[values[0]] = SourceHealth(*values)
    finally:
        conn.close()
    return FetchState(cache, health)


def http_cache_frame(entries: list[CacheEntry]) -> pl.DataFrame:
    """Validators to stage (``http_cache.parquet``)."""
    return pl.DataFrame([{"url": e.url, "source": e.source, "etag": e.etag,
                          "last_modified": e.last_modified, "body_sha1": e.body_sha1,
                          "checked_at": e.checked_at} for e in entries],
                        schema=HTTP_CACHE_SCHEMA)


def source_status_frame(run_id: str, checked_at: datetime,
                        statuses: list[tuple[str, str, str]]) -> pl.DataFrame:
    """Tonight's status per source, ``(source, ok|failed|deferred, error)``, to stage."""
    for _, status, _ in statuses:
        assert status in SOURCE_STATUSES, status
    return pl.DataFrame([{"source": name, "run_id": run_id, "status": status,
                          "error": error or None, "checked_at": checked_at}
                         for name, status, error in statuses], schema=SOURCE_STATUS_SCHEMA)
