"""Every ```sql block of docs/schema.md runs against a real warehouse; every table and view
of the warehouse is documented there.

Two warehouses: a synthetic one built through stage → load → publish (where every example
must return rows), and the demo warehouse built by a real run of the flow on the sample site
(where every example must run).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.warehouse_fixtures import build_sample_warehouse
from warehouse.fts import load_fts
from warehouse.publish import connect

SCHEMA_MD = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", SCHEMA_MD.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs")
    build_sample_warehouse(root / "w.duckdb", root)
    return root / "w.duckdb"


def test_the_page_has_examples() -> None:
    assert len(SQL_BLOCKS) >= 10


def _run(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = connect(db, read_only=True)
    try:
        load_fts(conn)
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[f"block{i}" for i in range(len(SQL_BLOCKS))])
def test_every_sql_block_runs_on_both_warehouses(warehouse: Path, demo_warehouse: Path,
                                                 sql: str) -> None:
    synthetic = _run(warehouse, sql)
    demo = _run(demo_warehouse, sql)
    # The synthetic warehouse has no fetch state; the demo has no 2025-05 pairs, etc.
    assert synthetic or demo, "each example should return something on one of them"


def test_every_table_and_view_is_documented(warehouse: Path) -> None:
    conn = connect(warehouse, read_only=True)
    try:
        names = {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
    finally:
        conn.close()
    text = SCHEMA_MD.read_text(encoding="utf-8")
    missing = sorted(n for n in names if f"### `{n}`" not in text)
    assert not missing, f"undocumented in docs/schema.md: {missing}"
