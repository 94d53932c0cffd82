"""Read-only access for analysts' commands: one snapshot, extensions loaded, clear errors."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.fts import SearchUnavailableError, load_fts
from warehouse.publish import WarehouseError, connect


def open_read_only(db_path: Path, with_search: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse (never blocks the writer).

    The writer replaces the file by rename, so this connection keeps the snapshot it
    opened until it is closed; reconnect to see a newer run.
    """
    if not db_path.exists():
        raise WarehouseError(
            f"no warehouse at {db_path} (run `sinorus run` or `sinorus demo` first)")
    try:
        conn = connect(db_path, read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open {db_path}: {str(exc).splitlines()[0]}") from None
    if with_search:
        try:
            load_fts(conn)
        except duckdb.Error as exc:
            conn.close()
            raise SearchUnavailableError(f"cannot load the fts extension: {exc}") from None
    return conn
