"""Staged batches: one immutable directory of Parquet files per run.

A run writes its results here before it touches the warehouse, into a temporary
directory renamed into place when complete, so a batch is either whole or absent. A
batch stays until it has been published; the next run publishes whatever is left.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl

from warehouse.durable import fsync_path


def staging_dir(data_dir: Path) -> Path:
    return data_dir / "staging"



def stage_batch(data_dir: Path, run_id: str, tables: dict[str, pl.DataFrame]) -> Path:
    """Write one run's tables as Parquet, atomically; returns the batch directory."""
    root = staging_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = root / run_id
    tmp = root / f".{run_id}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    for name, frame in tables.items():
        path = tmp / f"{name}.parquet"
        frame.write_parquet(path)
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
    fsync_path(tmp)
    os.replace(tmp, final)
    fsync_path(root)
    return final


def pending_batches(data_dir: Path) -> list[Path]:
    """Complete batches not yet published, oldest first (run ids sort by time)."""
    root = staging_dir(data_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def discard_batch(batch: Path) -> None:
    """Remove a batch once the warehouse that holds it has been published."""
    shutil.rmtree(batch, ignore_errors=True)
