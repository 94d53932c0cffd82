"""Writing the warehouse without ever blocking or breaking its readers.

DuckDB allows one writing process or many reading ones, never both. The writer therefore
never opens the published file: it copies it to ``<name>.next``, writes there, checkpoints,
and renames the copy over the original in one atomic step. A reader that has the old file
open keeps its snapshot until it reconnects; a crash at any point leaves the published file
as it was. A lock file keeps two writers apart. Trade-offs are in docs/warehouse.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from warehouse.derived import refresh_derived
from warehouse.durable import fsync_path
from warehouse.fts import update_search_index
from warehouse.migrations import migrate

# DuckDB's own default is 80 % of the machine's memory, and a load keeps what it is given:
# at N = 50,000 the writer's copy grew to ~4 GB without this (docs/throughput.md). Past the
# budget, joins, sorts and aggregates spill to ``<copy>.tmp``; a batch is loaded a few parts
# per transaction (warehouse/load.py), since a transaction's new rows must fit to commit.
# A 50,000-article batch and a full-text rebuild of 50,000 articles fit in 256 MB (128 MB
# does not). A publish that cannot fit at all is redone without the budget
# (flows/nightly.py), so the budget never fails a run.
WRITER_MEMORY_LIMIT = "256MB"


def is_out_of_memory(exc: BaseException) -> bool:
    """DuckDB ran out of its memory budget (raised as such, or at a failed commit)."""
    return isinstance(exc, duckdb.OutOfMemoryException) or (
        isinstance(exc, duckdb.Error) and "failed to allocate" in str(exc))


class WarehouseBusyError(RuntimeError):
    """Another process is writing this warehouse right now."""


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or written; the message says why in one line."""



def next_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".next")


@contextlib.contextmanager
def writer_lock(db_path: Path) -> Iterator[None]:
    """Hold the exclusive writer lock of a warehouse, or raise WarehouseBusyError at once."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = db_path.with_name(db_path.name + ".lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusyError(f"another sinorus run is writing {db_path}") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the session time zone set to UTC, no progress bar."""
    conn = duckdb.connect(str(path), read_only=read_only)
    conn.execute("SET TimeZone = 'UTC'")
    # A progress bar on stdout would corrupt CSV/JSON output of the commands.
    conn.execute("SET enable_progress_bar = false")
    return conn


@contextlib.contextmanager
def open_for_writing(db_path: Path, reindex: bool = True, memory_limit: str | None = None
                     ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated, writable copy of the warehouse, published on clean exit.

    The caller must hold :func:`writer_lock`. On an exception the copy is thrown away and
    the published warehouse is untouched. Before publishing, the derived tables behind the
    daily views are refreshed and the full-text index takes in the articles added or
    changed (``reindex=False`` skips that, e.g. for a bulk build that indexes once at
    the end). ``memory_limit`` caps DuckDB's memory on the copy.
    """
    staging = next_path(db_path)
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    if db_path.exists():
        shutil.copyfile(db_path, staging)
    try:
        conn = connect(staging)
    except duckdb.Error as exc:
        staging.unlink(missing_ok=True)
        raise WarehouseError(f"cannot open a copy of {db_path}: {exc}") from None
    try:
        if memory_limit:
            conn.execute("SET memory_limit = ?", [memory_limit])
        migrate(conn)
        yield conn
        refresh_derived(conn)
        if reindex:
            update_search_index(conn)
        conn.execute("CHECKPOINT")
    except BaseException:
        conn.close()
        staging.unlink(missing_ok=True)
        staging.with_name(staging.name + ".wal").unlink(missing_ok=True)
        raise
    conn.close()
    fsync_path(staging)
    os.replace(staging, db_path)
    fsync_path(db_path.parent)
