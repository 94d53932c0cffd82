"""The warehouse a configuration names: one DuckDB file, or a DuckLake.

Flows and commands go through this one interface, whatever the backend:

- ``writer_lock(data_dir)``: held while a run publishes its staged batches: for a DuckDB
  file the warehouse's own lock (one writer), for DuckLake a lock on the run directory
  only (processes sharing it take turns; other machines write at the same time);
- ``open_for_writing()``: a migrated, writable connection (the caller holds the lock);
  what is loaded through it is visible to readers when it commits (DuckLake) or when the
  block ends (a DuckDB file, published by copy and rename, see warehouse/publish.py);
- ``connect_read_only()``: one reader's session;
- ``exists()``: whether there is anything to read yet.

What differs between the two is in docs/warehouse.md ("Backends").
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from warehouse.derived import refresh_derived
from warehouse.lake import LakeLocation, attach
from warehouse.migrations import migrate
from warehouse.publish import (
    WarehouseBusyError,
    WarehouseError,
    connect,
    writer_lock,
)
from warehouse.publish import open_for_writing as publish_by_copy
from warehouse.serial import SERIAL_TABLE, write_in_turn
from warehouse.stage import staging_dir

# What a read-only attach says about a catalog database that holds no lake yet.
_NOT_CREATED = "creating a new DuckLake is explicitly disabled"


class Warehouse(Protocol):
    kind: str

    def describe(self) -> str: ...

    def writer_lock(self, data_dir: Path) -> contextlib.AbstractContextManager[None]: ...

    def exists(self) -> bool: ...

    def connect_read_only(self) -> duckdb.DuckDBPyConnection: ...

    def open_for_writing(self, reindex: bool = True, memory_limit: str | None = None
                         ) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]: ...


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@dataclass(frozen=True, slots=True)
class DuckDBFile:
    """The default: one DuckDB file, one writer at a time, published by rename."""

    path: Path
    kind: str = "duckdb"

    def describe(self) -> str:
        return str(self.path)

    __str__ = describe

    def writer_lock(self, data_dir: Path) -> contextlib.AbstractContextManager[None]:
        return writer_lock(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def connect_read_only(self) -> duckdb.DuckDBPyConnection:
        try:
            return connect(self.path, read_only=True)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open {self.path}: {_first_line(exc)}") from None

    def open_for_writing(self, reindex: bool = True, memory_limit: str | None = None
                         ) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A copy that is published when the block ends cleanly."""
        return publish_by_copy(self.path, reindex, memory_limit)


@dataclass(frozen=True, slots=True)
class DuckLake:
    """A DuckLake: many writers, each load one commit, readers on snapshots."""

    location: LakeLocation
    kind: str = "ducklake"

    def describe(self) -> str:
        return self.location.describe()

    __str__ = describe

    def writer_lock(self, data_dir: Path) -> contextlib.AbstractContextManager[None]:
        return writer_lock(staging_dir(data_dir))

    def exists(self) -> bool:
        file = self.location.catalog_file
        if file is not None:
            return file.exists()
        # A PostgreSQL database: a read-only attach says whether a lake was created in it.
        try:
            attach(self.location, read_only=True).close()
        except duckdb.Error as exc:
            if _NOT_CREATED in str(exc):
                return False
            raise WarehouseError(f"cannot open {self.describe()}: {_first_line(exc)}") from None
        return True

    def connect_read_only(self) -> duckdb.DuckDBPyConnection:
        try:
            return attach(self.location, read_only=True)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open {self.describe()}: {_first_line(exc)}") from None

    @contextlib.contextmanager
    def open_for_writing(self, reindex: bool = True, memory_limit: str | None = None
                         ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A session on the lake; every load through it commits (and is seen) on its own.

        No lock and no copy: concurrent writers are serialised commit by commit
        (warehouse/serial.py). The derived tables are refreshed in a commit of their own
        at the end; there is no full-text index to rebuild (``reindex`` is ignored, search
        scans instead, see warehouse/scan_search.py).
        """
        try:
            conn = attach(self.location, read_only=False)
        except duckdb.Error as exc:
            message = _first_line(exc)
            if self.location.catalog_kind == "duckdb" and "lock" in message.lower():
                raise WarehouseBusyError(
                    f"another process has the DuckDB catalog {self.location.catalog} open "
                    "(a DuckDB-file catalog allows one process; use SQLite or PostgreSQL "
                    "for several)") from None
            raise WarehouseError(f"cannot open {self.describe()}: {message}") from None
        try:
            if memory_limit:
                conn.execute("SET memory_limit = ?", [memory_limit])
            migrate(conn)
            before = _serial(conn)
            yield conn
            if _serial(conn) != before:  # something was written: daily views follow
                write_in_turn(conn, "refresh derived", lambda: refresh_derived(conn))
        finally:
            conn.close()


def _serial(conn: duckdb.DuckDBPyConnection) -> int:
    row = conn.execute(f"SELECT max(serial) FROM {SERIAL_TABLE}").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def as_warehouse(target: Warehouse | Path | str) -> Warehouse:
    """A warehouse object for a backend, or for a DuckDB file given by its path."""
    if isinstance(target, Path | str):
        return DuckDBFile(Path(target))
    return target
