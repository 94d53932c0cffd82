"""Staged batches: one immutable directory of Parquet files per run.

A run writes its results here before it touches the warehouse. A batch is either whole or
absent: it is built in a hidden temporary directory and renamed into place when complete.
A batch stays until it has been published; the next run publishes whatever is left.

A streaming run (:class:`RunStaging`) writes each extraction batch as it is done, as
``<table>.part-NNNNN.parquet`` files, and its run-wide tables (fetch log, runs row, …) at
the end. A run that is killed leaves its finished parts behind; the next run adopts them
(:func:`adopt_orphans`), so nothing that was extracted is lost.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import IO

import polars as pl

from warehouse.durable import fsync_path

_LOCK = ".lock"  # held by the living run that owns a temporary batch directory


def staging_dir(data_dir: Path) -> Path:
    return data_dir / "staging"


def write_tables(directory: Path, tables: dict[str, pl.DataFrame], suffix: str = "") -> None:
    """Write each table as ``<name><suffix>.parquet`` in ``directory``, each file atomically."""
    for name, frame in tables.items():
        path = directory / f"{name}{suffix}.parquet"
        tmp = path.with_name(path.name + ".tmp")
        frame.write_parquet(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    fsync_path(directory)


def table_files(batch: Path, table: str) -> list[Path]:
    """The Parquet files of one table in a batch: a whole-table file and/or its parts."""
    whole = batch / f"{table}.parquet"
    parts = sorted(batch.glob(f"{table}.part-*.parquet"))
    return ([whole] if whole.exists() else []) + parts


def stage_batch(data_dir: Path, run_id: str, tables: dict[str, pl.DataFrame]) -> Path:
    """Write one run's tables as Parquet, atomically; returns the batch directory."""
    root = staging_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = root / run_id
    tmp = root / f".{run_id}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    write_tables(tmp, tables)
    os.replace(tmp, final)
    fsync_path(root)
    return final


class RunStaging:
    """The batch a streaming run fills while it runs: parts as they come, then the rest.

    The temporary directory holds a lock for as long as the run lives, so another run can
    tell a batch in progress from one whose run was killed.
    """

    def __init__(self, data_dir: Path, run_id: str) -> None:
        root = staging_dir(data_dir)
        root.mkdir(parents=True, exist_ok=True)
        self.root, self.run_id = root, run_id
        self.directory = root / f".{run_id}.tmp"
        self.directory.mkdir()
        self._lock: IO[str] | None = open(self.directory / _LOCK, "w")  # noqa: SIM115
        fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def part_suffix(self, number: int) -> str:
        return f".part-{number:05d}"

    def finish(self, tables: dict[str, pl.DataFrame]) -> Path:
        """Write the run-wide tables and make the batch visible to the loader."""
        write_tables(self.directory, tables)
        final = self.root / self.run_id
        os.replace(self.directory, final)
        fsync_path(self.root)
        self._release()
        (final / _LOCK).unlink(missing_ok=True)
        return final

    def abandon(self) -> None:
        """Leave the finished parts for the next run to adopt (the run failed before its end)."""
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file drops the flock
            self._lock = None


def adopt_orphans(data_dir: Path) -> list[Path]:
    """Turn the parts of runs that died into ordinary batches; returns those batches.

    Only directories made by :class:`RunStaging` whose lock nobody holds are adopted: a run
    still in progress keeps its lock, and a half-written one-shot batch has no lock file.
    """
    root = staging_dir(data_dir)
    adopted: list[Path] = []
    if not root.is_dir():
        return adopted
    for tmp in sorted(root.glob(".*.tmp")):
        lock = tmp / _LOCK
        if not lock.exists():
            continue
        with open(lock, "a") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its run is alive
            if not table_files(tmp, "articles"):
                shutil.rmtree(tmp)  # died before its first batch: nothing to keep
                continue
            final = root / tmp.name[1:-len(".tmp")]
            os.replace(tmp, final)
        (final / _LOCK).unlink(missing_ok=True)
        fsync_path(root)
        adopted.append(final)
    return adopted


def pending_batches(data_dir: Path) -> list[Path]:
    """Complete batches not yet published, oldest first (run ids sort by time)."""
    root = staging_dir(data_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def discard_batch(batch: Path) -> None:
    """Remove a batch once the warehouse that holds it has been published."""
    shutil.rmtree(batch, ignore_errors=True)
