"""``sinorus export DIR``: Parquet, articles partitioned by publication month."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_fixtures import build_sample_warehouse

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export")
    build_sample_warehouse(root / "w.duckdb", root)
    return root / "w.duckdb"


def _export(db: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flows.cli", "export", str(out), "--db", str(db),
                           *extra], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_export_partitions_articles_by_month(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exp"
    done = _export(db, out)
    assert done.returncode == 0, done.stderr
    months = sorted(p.name for p in (out / "articles").iterdir())
    assert months == ["published_month=2025-05", "published_month=unknown"]
    conn = duckdb.connect()
    got = conn.execute(f"""
        SELECT published_month, count(*) FROM read_parquet('{out}/articles/*/*.parquet',
                                                           hive_partitioning = true)
        GROUP BY ALL ORDER BY 1""").fetchall()
    assert got == [("2025-05", 7), ("unknown", 1)]
    for table, n in (("mentions", 20), ("entities", 6), ("runs", 2), ("fetches", 10)):
        assert conn.execute(f"SELECT count(*) FROM '{out}/{table}.parquet'").fetchone() == (n,)


def test_export_refuses_to_clobber_without_overwrite(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exp"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    done = _export(db, out)
    assert done.returncode == 2 and "--overwrite" in done.stderr
    assert _export(db, out, "--overwrite").returncode == 0
    assert not (out / "keep.txt").exists() and (out / "runs.parquet").exists()
