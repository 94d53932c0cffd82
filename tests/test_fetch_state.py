"""Fetching state in the warehouse: feed validators and source health, staged and loaded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from ingest.conditional import CacheEntry, conditional_headers
from transform.normalize import RECORD_SCHEMA, normalize
from warehouse.load import load_batch
from warehouse.publish import connect, open_for_writing, writer_lock
from warehouse.stage import pending_batches, stage_batch
from warehouse.state import http_cache_frame, read_fetch_state, source_status_frame

T0 = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


def _no_articles() -> pl.DataFrame:
    return normalize(pl.DataFrame(schema=RECORD_SCHEMA)).with_columns(
        pl.lit(None, pl.String).alias("run_id"), pl.lit(None, pl.Float64).alias("relevance"),
        pl.lit(None, pl.Boolean).alias("is_relevant"),
        pl.lit(None, pl.List(pl.String)).alias("topics"))


def _night(db: Path, night: int, statuses: list[tuple[str, str, str]],
           entries: tuple[CacheEntry, ...] | list[CacheEntry] = ()) -> Path:
    """Stage and publish one run's state, as the flow does."""
    when = T0 + timedelta(days=night)
    run_id = f"{when:%Y%m%dT%H%M%S}Z-test"
    batch = stage_batch(db.parent, run_id, {
        "articles": _no_articles(), "http_cache": http_cache_frame(list(entries)),
        "source_status": source_status_frame(run_id, when, statuses)})
    with writer_lock(db), open_for_writing(db) as conn:
        for pending in pending_batches(db.parent):
            load_batch(conn, pending)
    return batch


def test_validators_round_trip_and_only_newer_ones_win(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    url = "https://example.org/rss.xml"
    old = CacheEntry(url, '"v1"', "Wed, 01 May 2024 12:00:00 GMT", "aa", T0, "ex")
    _night(db, 0, [("ex", "ok", "")], [old])
    assert read_fetch_state(db).http_cache[url] == CacheEntry(
        url, '"v1"', "Wed, 01 May 2024 12:00:00 GMT", "aa", T0, "ex")
    assert conditional_headers(read_fetch_state(db).http_cache[url]) == {
        "If-None-Match": '"v1"', "If-Modified-Since": "Wed, 01 May 2024 12:00:00 GMT"}
    new = CacheEntry(url, '"v2"', None, "bb", T0 + timedelta(days=1), "ex")
    _night(db, 1, [("ex", "ok", "")], [new])
    stale = CacheEntry(url, '"v0"', None, "00", T0 - timedelta(days=5), "ex")
    _night(db, 2, [("ex", "ok", "")], [stale])
    assert read_fetch_state(db).http_cache[url].etag == '"v2"'


def test_source_health_counts_consecutive_failures(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _night(db, 0, [("a", "ok", ""), ("b", "ok", "")])
    for night in (1, 2, 3):
        _night(db, night, [("a", "failed", f"timeout night {night}"), ("b", "ok", "")])
    health = read_fetch_state(db).health
    assert health["a"].consecutive_failures == 3
    assert health["a"].last_error == "timeout night 3"
    assert health["a"].last_success_at == T0
    assert health["b"].consecutive_failures == 0
    assert health["b"].last_success_at == T0 + timedelta(days=3)

    _night(db, 4, [("a", "deferred", "")])  # deferred: neither a failure nor a success
    assert read_fetch_state(db).health["a"].consecutive_failures == 3
    assert read_fetch_state(db).health["a"].last_status == "deferred"
    _night(db, 5, [("a", "ok", "")])
    health = read_fetch_state(db).health["a"]
    assert (health.consecutive_failures, health.last_error) == (0, None)
    assert health.last_success_at == T0 + timedelta(days=5)


def test_loading_a_batch_twice_counts_it_once(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    batch = _night(db, 0, [("a", "failed", "x")])
    # The batch was discarded by nobody here: load it again, as a crashed publish would.
    with writer_lock(db), open_for_writing(db) as conn:
        load_batch(conn, batch)
    assert read_fetch_state(db).health["a"].consecutive_failures == 1


def test_no_warehouse_means_no_state(tmp_path: Path) -> None:
    state = read_fetch_state(tmp_path / "absent.duckdb")
    assert state.http_cache == {} and state.health == {}


def test_fetches_log_has_attempts(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _night(db, 0, [])
    conn = connect(db, read_only=True)
    try:
        columns = {r[0] for r in conn.execute("DESCRIBE fetches").fetchall()}
    finally:
        conn.close()
    assert "attempts" in columns
