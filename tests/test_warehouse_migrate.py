"""An older warehouse (schema version 1, as the first release wrote it; version 8 with text
dates) is migrated in place."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_fixtures import R1, URL_RU, article, mentions, publish, rows, run_tables
from warehouse.lake import LakeLocation, attach
from warehouse.migrations import (
    MIGRATIONS,
    applied_versions,
    latest_version,
    migrate,
    schema_version,
)
from warehouse.stage import stage_batch


def _version_one(db: Path, data: Path) -> None:
    """Build a v1 warehouse: migration 1 only, rows loaded by plain SQL from a batch."""
    batch = stage_batch(data, "old", run_tables("old", R1, [article(
        URL_RU, source="ria", language="ru", title="Переговоры в Москве",
        text="Переговоры России и Китая", published=R1, fetched=R1, run_id="old")],
        mentions(URL_RU, ("Q148", "Китая", 1, False)), [("ria", URL_RU, "ok")]))
    conn = duckdb.connect(str(db))
    conn.execute("""CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,
                    name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""")
    version, name, step = MIGRATIONS[0]
    step(conn)
    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    conn.execute(f"""INSERT INTO articles BY NAME SELECT * EXCLUDE (fetched_at),
                       fetched_at AS first_seen_at, fetched_at AS last_seen_at
                     FROM '{batch}/articles.parquet'""")
    for table in ("entities", "mentions", "fetches", "runs"):
        conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM '{batch}/{table}.parquet'")
    conn.close()
    shutil.rmtree(batch)  # published long ago: nothing pending


def test_an_old_warehouse_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    db, data = tmp_path / "w.duckdb", tmp_path / "data"
    _version_one(db, data)
    assert rows(db, "SELECT max(version) FROM schema_migrations") == [(1,)]
    publish(db, data)  # the next run opens it for writing: migrations run in the copy
    assert rows(db, "SELECT version FROM schema_migrations ORDER BY version") == [
        (v,) for v, _, _ in MIGRATIONS]
    assert rows(db, "SELECT max(version) FROM schema_migrations") == [(latest_version(),)]
    assert rows(db, "SELECT title, entities[1].name FROM relevant_articles") == [
        ("Переговоры в Москве", "China")]
    assert rows(db, "SELECT source, failures_in_a_row FROM source_health") == [("ria", 0)]
    assert rows(db, "SELECT index_group, documents FROM search_indexes") == [("ru", 1)]


def test_a_failing_migration_leaves_the_published_file_untouched(tmp_path: Path) -> None:
    db, data = tmp_path / "w.duckdb", tmp_path / "data"
    _version_one(db, data)
    conn = duckdb.connect(str(db))
    conn.execute("CREATE TABLE search_indexes (x INTEGER)")  # makes migration 4 fail
    conn.close()
    before = db.read_bytes()
    with pytest.raises(duckdb.Error):
        publish(db, data)
    assert db.read_bytes() == before
    assert rows(db, "SELECT max(version) FROM schema_migrations") == [(1,)]


def _open_backend(kind: str, root: Path) -> duckdb.DuckDBPyConnection:
    if kind == "duckdb":
        return duckdb.connect(str(root / "w.duckdb"))
    return attach(LakeLocation("sqlite", str(root / "catalog.sqlite"),
                               f"{root / 'lake-data'}/"), read_only=False)


@pytest.mark.parametrize("kind", ["duckdb", pytest.param("ducklake", marks=pytest.mark.slow)])
def test_article_dates_move_to_date_mentions(kind: str, tmp_path: Path) -> None:
    """Migration 9 on a version-8 warehouse holding text dates, on both backends."""
    conn = _open_backend(kind, tmp_path)
    try:
        assert migrate(conn, up_to=8) == list(range(1, 9))
        conn.execute("""
            INSERT INTO articles (article_id, url, canonical_url, source, language,
                                  is_relevant, published_at, first_seen_at, last_seen_at)
            VALUES ('a1', 'u', 'u', 's', 'ru', true, TIMESTAMPTZ '2025-05-08 09:30:00+00',
                    now(), now())""")
        conn.execute("""INSERT INTO article_dates VALUES
                        ('a1', '2025-05-09', 'day', '9 мая'),
                        ('a1', '2022-02', 'month', 'февраль 2022')""")
        assert migrate(conn) == [v for v, _, _ in MIGRATIONS if v > 8]
        assert 9 in applied_versions(conn) and schema_version(conn) == latest_version()
        assert sorted(conn.execute("SELECT * FROM date_mentions").fetchall()) == [
            ("a1", "9 мая", "2025-05-09", "day", None),
            ("a1", "февраль 2022", "2022-02", "month", None)]
        assert conn.execute("""SELECT count(*) FROM information_schema.tables
                               WHERE table_name = 'article_dates'
                                 AND table_catalog = current_database()""").fetchone() == (0,)
        assert conn.execute("""SELECT granularity, value, articles, languages
                               FROM date_calendar ORDER BY ALL""").fetchall() == [
            ("day", "2025-05-09", 1, [{"language": "ru", "relevant_articles": 1}]),
            ("month", "2022-02", 1, [{"language": "ru", "relevant_articles": 1}]),
            ("month", "2025-05", 1, [{"language": "ru", "relevant_articles": 1}])]
    finally:
        conn.close()
