"""An analyst's open read-only session and the nightly writer share the file safely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.warehouse_fixtures import rows
from tests.warehouse_worker import batch_urls

HERE = Path(__file__).resolve().parent


def _ask(reader: subprocess.Popen[str], command: str) -> str:
    assert reader.stdin is not None and reader.stdout is not None
    reader.stdin.write(command + "\n")
    reader.stdin.flush()
    return reader.stdout.readline().strip()


def _publish_batch(db: Path, data: Path, number: int) -> None:
    done = subprocess.run([sys.executable, str(HERE / "warehouse_worker.py"), str(db),
                           str(data), str(number)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("PUBLISHED")


@pytest.mark.slow
def test_a_reader_keeps_its_snapshot_during_publishes(tmp_path: Path) -> None:
    db, data = tmp_path / "w.duckdb", tmp_path / "data"
    _publish_batch(db, data, 0)
    first = len(batch_urls(0))
    reader = subprocess.Popen([sys.executable, str(HERE / "warehouse_reader.py"), str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "READY"
        assert _ask(reader, "count") == f"{first} {2 * first}"
        # Two full publishes (separate writer processes) while the session stays open.
        _publish_batch(db, data, 1)
        assert _ask(reader, "count") == f"{first} {2 * first}"
        _publish_batch(db, data, 2)
        assert _ask(reader, "count") == f"{first} {2 * first}"
        total = len(set(batch_urls(0)) | set(batch_urls(1)) | set(batch_urls(2)))
        assert rows(db, "SELECT count(*) FROM articles") == [(total,)]
        # After reconnecting, the reader sees the new rows.
        assert _ask(reader, "reconnect") == "READY"
        assert _ask(reader, "count") == f"{total} {2 * total}"
        _ask(reader, "quit")
        assert reader.wait(timeout=60) == 0
    finally:
        reader.kill()
