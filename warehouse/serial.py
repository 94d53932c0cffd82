"""Write transactions that take turns, retried when another writer committed first.

DuckLake lets several processes write at once and checks conflicts only at commit, and
only for overlapping deletes and schema changes: two loads that insert the same new
article would both commit, and a load would miss the near duplicates in another load
committed meanwhile. Every write transaction of ours therefore first updates the single
row of ``write_serial``. Two overlapping write transactions then always conflict, the
later committer is refused, and it runs again on the new snapshot: loads are serializable
while everything before them (fetching, extraction, staging) runs in parallel.

On the single-file backend there is one writer (a file lock), so the turn is a cheap
bookkeeping update and a retry never happens.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from typing import TypeVar

import duckdb

T = TypeVar("T")
SERIAL_TABLE = "write_serial"
ATTEMPTS = 30
FIRST_WAIT_S = 0.05
MAX_WAIT_S = 5.0
# What a refused commit says: DuckLake's logical conflict, SQLite's lock on its catalog,
# PostgreSQL's serialization failure.
_RETRYABLE = ("transaction conflict", "database is locked", "could not serialize",
              "deadlock detected", "conflict on", "duplicate key value")


def is_retryable(exc: BaseException) -> bool:
    """Whether a failed write transaction should simply run again."""
    if not isinstance(exc, duckdb.Error):
        return False
    message = str(exc).lower()
    return any(marker in message for marker in _RETRYABLE)


def rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """Roll back whatever is open; a failed COMMIT has already ended the transaction."""
    with contextlib.suppress(duckdb.TransactionException):
        conn.execute("ROLLBACK")


def backoff(attempt: int) -> None:
    """Wait before retry ``attempt`` (0-based): exponential, jittered, capped."""
    time.sleep(min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** attempt) * random.uniform(0.5, 1.5))


def ensure_serial_table(conn: duckdb.DuckDBPyConnection) -> None:
    """Create ``write_serial`` with its one row, once, even when writers race to it."""
    for attempt in range(ATTEMPTS):
        if _table_exists(conn, SERIAL_TABLE):
            return
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(f"""CREATE TABLE {SERIAL_TABLE} (
                serial BIGINT NOT NULL, last_write VARCHAR, written_at TIMESTAMPTZ)""")
            conn.execute(f"INSERT INTO {SERIAL_TABLE} VALUES (0, NULL, NULL)")
            conn.execute("COMMIT")
            return
        except duckdb.Error as exc:
            rollback(conn)
            if _table_exists(conn, SERIAL_TABLE):
                return  # another writer committed it between our check and our CREATE
            if not is_retryable(exc) or attempt == ATTEMPTS - 1:
                raise
            backoff(attempt)


def _table_exists(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = conn.execute("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_catalog = current_database() AND table_name = ?",
                       [name]).fetchone()
    return bool(row and row[0])


def write_in_turn(conn: duckdb.DuckDBPyConnection, what: str, work: Callable[[], T]) -> T:
    """Run ``work`` in one write transaction that holds the turn; retried on a conflict.

    ``work`` must be safe to run again from scratch (every load and migration is), since
    a refused commit discards everything it did.
    """
    for attempt in range(ATTEMPTS):
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(f"UPDATE {SERIAL_TABLE} SET serial = serial + 1, last_write = ?, "
                         "written_at = now()", [what])
            result = work()
            conn.execute("COMMIT")
            return result
        except BaseException as exc:
            rollback(conn)
            if not is_retryable(exc) or attempt == ATTEMPTS - 1:
                raise
        backoff(attempt)
    raise AssertionError("unreachable")
