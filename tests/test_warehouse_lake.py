"""The DuckLake backend with real engines: a SQLite catalog, Parquet files, real processes.

Writers are separate processes (tests/lake_worker.py), each with its own run directory,
as two machines sharing one lake would be.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.config import ConfigError, load_config, parse_config
from warehouse.backend import DuckDBFile, DuckLake
from warehouse.fts import search
from warehouse.lake import without_keys
from warehouse.query import open_read_only

WORKER = Path(__file__).with_name("lake_worker.py")
PER_BATCH = 50
ROOT = Path(__file__).resolve().parent.parent


def lake_config(root: Path) -> Path:
    config = root / "lake.toml"
    config.write_text('[warehouse]\nbackend = "ducklake"\ncatalog = "catalog.sqlite"\n'
                      'data_path = "lake-data"\n', encoding="utf-8")
    return config


def start_worker(config: Path, run_dir: Path, first: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(config), str(run_dir), str(first), str(count),
         str(PER_BATCH)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen[str], timeout: float = 300) -> list[str]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out.splitlines()


def stamp(lines: list[str], word: str) -> float:
    return next(float(line.split()[1]) for line in lines if line.startswith(word))


def test_config_names_each_backend(tmp_path: Path) -> None:
    cfg = load_config(lake_config(tmp_path))
    assert isinstance(cfg.warehouse, DuckLake)
    assert cfg.warehouse.location.catalog == str(tmp_path / "catalog.sqlite")
    assert cfg.warehouse.location.data_path == str(tmp_path / "lake-data") + "/"
    assert cfg.data_dir == tmp_path
    assert isinstance(cfg.with_db(tmp_path / "x.duckdb").warehouse, DuckDBFile)
    pg = parse_config('[warehouse]\nbackend = "ducklake"\n'
                      'catalog = "postgres:dbname=sinorus host=db password=secret"\n'
                      'data_path = "s3://bucket/sinorus"\nrun_dir = "/srv/run"\n')
    assert pg.lake is not None and pg.lake.catalog_kind == "postgres"
    assert "secret" not in pg.warehouse.describe()
    assert pg.data_dir == Path("/srv/run")
    assert isinstance(parse_config("").warehouse, DuckDBFile)


@pytest.mark.parametrize(("table", "message"), [
    ('backend = "lakehouse"', "backend must be one of duckdb, ducklake"),
    ('backend = "ducklake"\ndata_path = "d"', "needs warehouse.catalog"),
    ('backend = "ducklake"\ncatalog = "c.sqlite"', "needs warehouse.data_path"),
    ('backend = "ducklake"\ncatalog = "c.txt"\ndata_path = "d"', "use a SQLite file"),
    ('backend = "ducklake"\ncatalog = "postgres:"\ndata_path = "d"', "needs a connection"),
    ('backend = "ducklake"\npath = "w.duckdb"\ncatalog = "c.sqlite"\ndata_path = "d"',
     "warehouse.path is for backend"),
    ('catalog = "c.sqlite"', "is for backend = \"ducklake\" only"),
    ('colour = "blue"', "unknown key"),
    ("path = 3", "must be a non-empty string"),
])
def test_bad_warehouse_tables_are_one_line_errors(table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(f"[warehouse]\n{table}\n")


def test_keys_are_dropped_from_table_definitions_only() -> None:
    ddl = """CREATE TABLE m (
        article_id VARCHAR NOT NULL, v VARCHAR PRIMARY KEY, n INTEGER UNIQUE,
        PRIMARY KEY (article_id, v))"""
    assert without_keys(ddl) == """CREATE TABLE m (
        article_id VARCHAR NOT NULL, v VARCHAR, n INTEGER)"""
    assert without_keys("SELECT 'PRIMARY KEY'") == "SELECT 'PRIMARY KEY'"


@pytest.mark.slow
def test_two_writers_commit_concurrently_and_each_article_is_there_once(
        tmp_path: Path) -> None:
    config = lake_config(tmp_path)
    # Batches 2-3 are loaded by both writers: the same articles, fetch log and runs rows.
    first = start_worker(config, tmp_path / "run-a", 0, 4)
    second = start_worker(config, tmp_path / "run-b", 2, 4)
    a, b = finish(first), finish(second)
    # The two loads overlapped in time: neither waited for the other to finish.
    assert stamp(a, "START") < stamp(b, "DONE") and stamp(b, "START") < stamp(a, "DONE")
    new = sum(int(line.split()[2]) for line in a + b if line.startswith("LOADED"))
    assert new == 6 * PER_BATCH  # each article counted new by exactly one writer

    conn = open_read_only(load_config(config).warehouse)
    try:
        assert conn.execute("SELECT count(*), count(DISTINCT article_id) FROM articles"
                            ).fetchone() == (6 * PER_BATCH, 6 * PER_BATCH)
        assert conn.execute("""SELECT count(*), count(DISTINCT (article_id, entity_id, surface))
                               FROM mentions""").fetchone() == (12 * PER_BATCH, 12 * PER_BATCH)
        assert conn.execute("SELECT count(*), count(DISTINCT run_id) FROM runs"
                            ).fetchone() == (6, 6)
        assert conn.execute("SELECT count(*), count(DISTINCT fetch_id) FROM fetches"
                            ).fetchone() == (6 * PER_BATCH, 6 * PER_BATCH)
        assert conn.execute("""SELECT count(*), count(DISTINCT (article_id, version_id))
                               FROM article_versions""").fetchone() == (
            6 * PER_BATCH, 6 * PER_BATCH)
        assert conn.execute("""SELECT count(*), count(DISTINCT (article_id, value, granularity))
                               FROM date_mentions""").fetchone() == (
            6 * PER_BATCH, 6 * PER_BATCH)
        assert conn.execute("""SELECT sum(articles) FROM date_calendar
                               WHERE granularity = 'day'""").fetchone() == (6 * PER_BATCH,)
        entities = conn.execute("SELECT count(*), count(DISTINCT entity_id) FROM entities"
                                ).fetchone()
        assert entities is not None and entities[0] == entities[1] > 0
        # Every migration applied once, although both writers found an empty lake.
        versions = [r[0] for r in conn.execute(
            "SELECT version FROM schema_migrations ORDER BY version").fetchall()]
        assert versions == sorted(set(versions)) and versions
        # The daily views read the derived tables the last writer refreshed.
        assert conn.execute("SELECT sum(articles) FROM daily_outlet_counts").fetchone() == (
            6 * PER_BATCH,)
    finally:
        conn.close()


@pytest.mark.slow
def test_a_read_during_loads_sees_whole_commits_only(tmp_path: Path) -> None:
    config = lake_config(tmp_path)
    finish(start_worker(config, tmp_path / "run-0", 0, 1))  # the lake exists for readers
    writer = start_worker(config, tmp_path / "run-1", 1, 5)
    warehouse = load_config(config).warehouse
    seen: set[int] = set()
    reads = 0
    deadline = time.monotonic() + 300
    while writer.poll() is None and time.monotonic() < deadline:
        conn = open_read_only(warehouse)
        try:
            # One statement: one snapshot across the tables a load writes together.
            articles, distinct, mention_rows, runs = conn.execute("""
                SELECT (SELECT count(*) FROM articles),
                       (SELECT count(DISTINCT article_id) FROM articles),
                       (SELECT count(*) FROM mentions), (SELECT count(*) FROM runs)"""
                                                                  ).fetchone()  # type: ignore[misc]
            assert articles == distinct == PER_BATCH * runs
            assert mention_rows == 2 * articles
            # An explicit transaction keeps its snapshot while the writer commits.
            conn.execute("BEGIN TRANSACTION")
            before = conn.execute("SELECT count(*) FROM articles").fetchone()
            time.sleep(0.3)
            assert conn.execute("SELECT count(*) FROM articles").fetchone() == before
            assert conn.execute("SELECT count(*) FROM runs").fetchone() == (
                before[0] // PER_BATCH,)  # type: ignore[index]
            conn.execute("COMMIT")
        finally:
            conn.close()
        seen.add(runs)
        reads += 1
    finish(writer)
    assert reads >= 3
    assert len(seen - {1, 6}) >= 1, f"no read landed between two commits: {sorted(seen)}"


@pytest.mark.slow
def test_commands_read_a_lake(tmp_path: Path) -> None:
    config = lake_config(tmp_path)
    finish(start_worker(config, tmp_path / "run", 0, 2))
    warehouse = load_config(config).warehouse
    conn = open_read_only(warehouse, with_search=True)
    try:
        assert len(search(conn, "Китай 中俄", limit=500)) == 2 * PER_BATCH
        # Stemmed by the article's language, as the index would: "Китае" finds "Китай"
        # in the Russian articles only.
        hits = search(conn, "Китае", limit=500)
        assert {h.language for h in hits} == {"ru"}
        assert len(hits) == conn.execute(
            "SELECT count(*) FROM articles WHERE language = 'ru'").fetchone()[0]  # type: ignore[index]
        assert search(conn, '"talks number https://lake.example.test/a/7 "') [0].url == (
            "https://lake.example.test/a/7")
        assert search(conn, "talks", language="zh", limit=500) and all(
            h.language == "zh" for h in search(conn, "talks", language="zh", limit=500))
        assert search(conn, "absent-word") == []
    finally:
        conn.close()
    cli = [sys.executable, "-m", "flows.cli"]
    out = subprocess.run([*cli, "sql", "--config", str(config), "--format", "csv",
                          "SELECT count(*) AS n FROM articles"],
                         capture_output=True, text=True, timeout=120, check=True, cwd=ROOT).stdout
    assert out.splitlines() == ["n", str(2 * PER_BATCH)]
    out = subprocess.run([*cli, "search", "--config", str(config), "--format", "csv",
                          "--limit", "3", "Россия"],
                         capture_output=True, text=True, timeout=120, check=True, cwd=ROOT).stdout
    assert len(out.splitlines()) == 4
    export = subprocess.run([*cli, "export", "--config", str(config), str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120, check=True, cwd=ROOT)
    assert f"{2 * PER_BATCH} articles" in export.stderr
    # Read-only means read-only: an analyst's session cannot write the lake.
    write = subprocess.run([*cli, "sql", "--config", str(config), "DELETE FROM articles"],
                           capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert write.returncode == 2 and "read-only" in write.stderr.lower()
