"""Export the warehouse as Parquet for tools that read Parquet (Spark, pandas, R, …).

Articles are partitioned by publication month (hive layout ``published_month=YYYY-MM``;
undated articles under ``published_month=unknown``). The export is written to a temporary
sibling directory and renamed into place, so ``DIR`` is either the old export or the new.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

_FLAT_TABLES = ("entities", "mentions", "date_mentions", "fetches", "runs")


class ExportError(RuntimeError):
    """The export directory cannot be written; the message says why."""


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def export_parquet(conn: duckdb.DuckDBPyConnection, out_dir: Path,
                   overwrite: bool = False) -> dict[str, int]:
    """Write the warehouse to ``out_dir``; returns rows written per table."""
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise ExportError(f"{out_dir} is not empty (use --overwrite to replace it)")
    tmp = out_dir.with_name(f".{out_dir.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    counts: dict[str, int] = {}
    conn.execute(f"""
        COPY (SELECT *, coalesce(strftime(timezone('UTC', published_at), '%Y-%m'), 'unknown')
                        AS published_month
              FROM articles ORDER BY published_at, article_id)
        TO '{_sql_path(tmp / "articles")}'
        (FORMAT parquet, PARTITION_BY (published_month), COMPRESSION zstd)""")
    counts["articles"] = _count(conn, "articles")
    for table in _FLAT_TABLES:
        conn.execute(f"""COPY {table} TO '{_sql_path(tmp / f"{table}.parquet")}'
                         (FORMAT parquet, COMPRESSION zstd)""")
        counts[table] = _count(conn, table)
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out_dir)
    return counts


def _count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0
