"""Helpers for the dedup tests: normalised article frames, staging and publishing them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from tests.warehouse_fixtures import rows
from transform.normalize import RECORD_SCHEMA, normalize
from warehouse.load import load_batch
from warehouse.publish import open_for_writing, writer_lock
from warehouse.stage import discard_batch, pending_batches, stage_batch

__all__ = ["articles", "publish", "rows"]

T0 = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


def articles(*rows: dict[str, Any], run_id: str = "r1") -> pl.DataFrame:
    """Normalised article rows, as the pipeline stages them (annotation columns fixed)."""
    base = dict(final_url=None, source="src", fetched_at=T0, title="T", authors=[],
                page_published_at=None, page_published_source=None, page_language="en",
                page_canonical_url=None, feed_published_at=None, source_language=None)
    frame = normalize(pl.DataFrame([base | r for r in rows], schema=RECORD_SCHEMA))
    return frame.with_columns(pl.lit(run_id).alias("run_id"),
                              pl.lit(0.5).alias("relevance"), pl.lit(True).alias("is_relevant"),
                              pl.lit(["economy"]).alias("topics"))


def publish(db: Path, frame: pl.DataFrame, run_id: str) -> None:
    """Stage one batch beside the warehouse, load every pending batch, discard them."""
    data = db.parent
    stage_batch(data, run_id, {"articles": frame})
    batches = pending_batches(data)
    with writer_lock(db), open_for_writing(db) as conn:
        for batch in batches:
            load_batch(conn, batch)
    for batch in batches:
        discard_batch(batch)
