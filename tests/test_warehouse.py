"""The warehouse: migrations, staged batches, idempotent loads, publish by rename."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from tests.warehouse_fixtures import rows as _rows
from transform.normalize import RECORD_SCHEMA, normalize
from warehouse.load import load_batch
from warehouse.migrations import MIGRATIONS, SchemaTooNewError, migrate
from warehouse.publish import WarehouseBusyError, open_for_writing, writer_lock
from warehouse.stage import pending_batches, stage_batch

T0 = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


def _articles(*rows: dict[str, Any], run_id: str = "r1") -> pl.DataFrame:
    base = dict(final_url=None, source="src", fetched_at=T0, title="T", authors=["A B"],
                page_published_at="2025-03-12T10:30:00+03:00", page_published_source="meta",
                page_language="en", page_canonical_url=None, feed_published_at=None,
                source_language=None)
    frame = normalize(pl.DataFrame([base | r for r in rows], schema=RECORD_SCHEMA))
    return frame.with_columns(pl.lit(run_id).alias("run_id"),
                              pl.lit(0.5).alias("relevance"), pl.lit(False).alias("is_relevant"),
                              pl.lit(["diplomacy"]).alias("topics"))


def _publish(db: Path, data: Path, frame: pl.DataFrame, run_id: str) -> None:
    stage_batch(data, run_id, {"articles": frame})
    with writer_lock(db), open_for_writing(db) as conn:
        for batch in pending_batches(data):
            load_batch(conn, batch)



def test_a_fresh_warehouse_gets_every_migration(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert migrate(conn) == [version for version, _, _ in MIGRATIONS]
    assert migrate(conn) == []
    tables = {r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"articles", "fetches", "runs", "entities", "mentions",
            "schema_migrations"} <= tables


def test_a_newer_warehouse_is_refused(tmp_path: Path) -> None:
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    migrate(conn)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'from the future', now())")
    with pytest.raises(SchemaTooNewError, match="newer than this sinorus"):
        migrate(conn)


def test_loading_the_same_batch_twice_changes_nothing(tmp_path: Path) -> None:
    db, data = tmp_path / "w.duckdb", tmp_path
    frame = _articles(dict(url="http://n.test/a", text="alpha beta"),
                      dict(url="http://n.test/b", text="gamma delta"))
    _publish(db, data, frame, "r1")
    before = _rows(db, "SELECT * FROM articles ORDER BY article_id")
    _publish(db, data, frame, "r2")
    assert _rows(db, "SELECT * FROM articles ORDER BY article_id") == before
    assert len(before) == 2


def test_duplicate_keys_inside_one_batch_are_resolved(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    frame = _articles(dict(url="http://n.test/a", text="one"))
    doubled = pl.concat([frame, frame.with_columns(pl.lit("two").alias("text"))])
    _publish(db, tmp_path, doubled, "r1")
    assert _rows(db, "SELECT count(*) FROM articles") == [(1,)]


def test_published_times_are_stored_in_utc(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _publish(db, tmp_path, _articles(dict(url="http://n.test/a", text="x y")), "r1")
    (when,) = _rows(db, "SELECT strftime(published_at, '%Y-%m-%dT%H:%M:%S%z') FROM articles")
    assert when == ("2025-03-12T07:30:00+00",)


def test_same_text_under_another_url_points_at_the_first(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _publish(db, tmp_path, _articles(dict(url="http://a.test/story", text="Same words here.")), "r1")
    later = _articles(dict(url="http://b.test/copy", text="Same  words here.",
                           fetched_at=datetime(2026, 1, 2, tzinfo=UTC)))
    _publish(db, tmp_path, later, "r2")
    rows = dict(_rows(db, "SELECT url, duplicate_of FROM articles"))
    first = _rows(db, "SELECT article_id FROM articles WHERE url = 'http://a.test/story'")[0][0]
    assert rows == {"http://a.test/story": None, "http://b.test/copy": first}


def test_a_failed_write_leaves_the_published_warehouse_untouched(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _publish(db, tmp_path, _articles(dict(url="http://n.test/a", text="x")), "r1")
    with pytest.raises(RuntimeError, match="boom"), writer_lock(db), open_for_writing(db) as conn:
        conn.execute("DELETE FROM articles")
        raise RuntimeError("boom")
    assert _rows(db, "SELECT count(*) FROM articles") == [(1,)]
    assert not (tmp_path / "w.duckdb.next").exists()


def test_two_writers_are_kept_apart(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with writer_lock(db), pytest.raises(WarehouseBusyError), writer_lock(db):
        pass
