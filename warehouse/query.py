"""Read-only access for analysts' commands: one snapshot, extensions loaded, clear errors."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.backend import Warehouse, as_warehouse
from warehouse.fts import SearchUnavailableError, load_fts
from warehouse.publish import WarehouseError


def open_read_only(db: Warehouse | Path, with_search: bool = False
                   ) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse (never blocks the writer).

    A DuckDB file is replaced by rename, so this connection keeps the snapshot it opened
    until it is closed; reconnect to see a newer run. On DuckLake each statement (or
    explicit transaction) reads the latest committed snapshot.
    """
    warehouse = as_warehouse(db)
    if not warehouse.exists():
        raise WarehouseError(f"no warehouse at {warehouse.describe()} "
                             "(run `sinorus run` or `sinorus demo` first)")
    conn = warehouse.connect_read_only()
    if with_search:
        try:
            load_fts(conn)
        except duckdb.Error as exc:
            conn.close()
            raise SearchUnavailableError(f"cannot load the fts extension: {exc}") from None
    return conn
