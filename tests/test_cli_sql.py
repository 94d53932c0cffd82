"""`sinorus sql` on the demo warehouse: read-only, three output formats, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _sql(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flows.cli", "sql", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_csv_and_json_output(demo_warehouse: Path) -> None:
    query = "SELECT language, count(*) AS n FROM articles GROUP BY 1 ORDER BY 1"
    as_csv = _sql(demo_warehouse, query, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    as_json = _sql(demo_warehouse, query, "--format", "json")
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [r["language"] for r in rows] == [r["language"] for r in records]
    assert {"en", "ru", "zh", "id"} <= {r["language"] for r in records}
    assert sum(int(r["n"]) for r in rows) == sum(r["n"] for r in records)


def test_writes_are_refused_and_errors_are_one_line(demo_warehouse: Path) -> None:
    before = _sql(demo_warehouse, "SELECT count(*) AS n FROM articles", "--format", "json")
    for bad in ("DELETE FROM articles", "SELECT * FROM no_such_table"):
        proc = _sql(demo_warehouse, bad)
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    after = _sql(demo_warehouse, "SELECT count(*) AS n FROM articles", "--format", "json")
    assert before.stdout == after.stdout


def test_full_text_functions_are_available(demo_warehouse: Path) -> None:
    proc = _sql(demo_warehouse, "SELECT count(*) AS n FROM duckdb_extensions() "
                                "WHERE extension_name = 'fts' AND loaded", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"n": 1}
