"""``sinorus annotate``: JSON lines in, annotations out, dates with how they were resolved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_annotate_reports_dates_with_how_they_were_resolved() -> None:
    record = {"id": "a1", "title": "Путин и Си Цзиньпин",
              "text": "Путин встретился с Си Цзиньпином в среду. Договор подписан "
                      "12 марта 2024 года.",
              "language": "ru", "published_at": "2025-05-08T09:30:00+03:00"}
    done = subprocess.run([sys.executable, "-m", "flows.cli", "annotate"],
                          input=json.dumps(record, ensure_ascii=False) + "\n", cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    (out,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert out["id"] == "a1" and out["is_relevant"]
    # Thursday 8 May: "в среду" is the day before; the treaty's date gives its year.
    assert [(d["value"], d["granularity"], d["resolved_from"]) for d in out["dates"]] == [
        ("2025-05-07", "day", "relative"), ("2024-03-12", "day", "absolute")]
    assert all(d["surface"] for d in out["dates"])
