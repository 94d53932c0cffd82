"""Every ```sql block of docs/schema.md runs against a real warehouse; every table and view
of the warehouse is documented there.

The sample warehouse is built here through stage → load → publish. To also run the blocks
against a `sinorus demo` warehouse: SINORUS_DEMO_DB=data/demo.duckdb pytest -k warehouse_docs
"""

from __future__ import annotations

import os
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


@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[f"block{i}" for i in range(len(SQL_BLOCKS))])
def test_every_sql_block_runs(warehouse: Path, sql: str) -> None:
    conn = connect(warehouse, read_only=True)
    try:
        load_fts(conn)
        rows = conn.execute(sql).fetchall()
    finally:
        conn.close()
    assert rows, "each example should return something on the sample warehouse"


@pytest.mark.skipif(not os.environ.get("SINORUS_DEMO_DB"),
                    reason="set SINORUS_DEMO_DB to a `sinorus demo` warehouse to run")
@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[f"block{i}" for i in range(len(SQL_BLOCKS))])
def test_every_sql_block_runs_on_the_demo_warehouse(sql: str) -> None:
    conn = connect(Path(os.environ["SINORUS_DEMO_DB"]), read_only=True)
    try:
        load_fts(conn)
        conn.execute(sql).fetchall()  # the demo's content varies: it must run, not match
    finally:
        conn.close()


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
