"""SIGKILL a writer process at every stage of a run, 20 times; nothing is lost or doubled.

After each kill the published warehouse must open and hold exactly the state before or
after that run's load; the next publish then finishes the job, and at the end every
article of every batch is there exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.warehouse_fixtures import publish, rows
from tests.warehouse_worker import batch_tables, batch_urls
from warehouse.stage import stage_batch

WORKER = Path(__file__).resolve().parent / "warehouse_worker.py"
POINTS = ("before_stage", "stage_rename", "load_in_txn", "between_loads", "fts_build",
          "before_checkpoint", "before_publish_rename", "after_publish_rename")
# 20 kills: every point at least twice, the publish-side points a third time.
SCHEDULE = [*POINTS, *POINTS, "load_in_txn", "before_publish_rename", "after_publish_rename",
            "fts_build"]


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    return int(rows(db, "SELECT count(*) FROM articles")[0][0])


def _kill_at(db: Path, data: Path, number: int, point: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), str(db), str(data), str(number)],
        env=os.environ | {"SINORUS_PAUSE_AT": point}, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == f"PAUSED {point}", f"worker never reached {point}: {line!r}"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)


@pytest.mark.slow
def test_twenty_kills_lose_nothing_and_double_nothing(tmp_path: Path) -> None:
    assert len(SCHEDULE) == 20
    db, data = tmp_path / "w.duckdb", tmp_path / "data"
    data.mkdir()
    expected: set[str] = set()
    for number, point in enumerate(SCHEDULE):
        before = _count(db)
        _kill_at(db, data, number, point)
        after_kill = _count(db)
        with_run = len(expected | set(batch_urls(number)))
        assert after_kill in (before, with_run), (point, before, after_kill, with_run)
        if not (data / "staging" / f"run{number:04d}").exists() and after_kill == before:
            # Killed before the batch was durably staged: its pages were never known, so
            # the next run fetches them again. Simulate that refetch.
            stage_batch(data, f"run{number:04d}", batch_tables(number))  # type: ignore[arg-type]
        publish(db, data)  # the next run publishes whatever is pending
        expected |= set(batch_urls(number))
        assert _count(db) == len(expected), point
    assert rows(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [
        (len(expected), len(expected))]
    assert rows(db, "SELECT count(*) FROM runs") == [(len(SCHEDULE),)]
    assert rows(db, "SELECT count(*) FROM mentions") == [(2 * len(expected),)]
    assert rows(db, "SELECT sum(documents) FROM search_indexes") == [(len(expected),)]
    assert not list((data / "staging").iterdir()) or all(
        p.name.startswith(".") for p in (data / "staging").iterdir())
