"""`sinorus demo` as a user runs it: a real process, a slow Prefect start, a clean exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.sample_site import expected_articles
from warehouse.publish import connect

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

# Loaded by every Python process of the demo; delays only Prefect's ephemeral API server,
# past Prefect's own 20 s start-up limit, as a loaded machine does.
SLOW_SERVER = """
import sys, time
if "prefect.server.api.server:create_app" in " ".join(getattr(sys, "orig_argv", [])):
    time.sleep(25)
"""


def _processes_with(marker: str) -> list[int]:
    """Process ids whose environment holds the marker (this test's own PREFECT_HOME)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _demo(tmp_path: Path, **extra_env: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SLOW_SERVER)
    home = tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PYTHONPATH=f"{hooks}:{ROOT}", PREFECT_HOME=str(home),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra_env)
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "demo", "--db",
                           str(tmp_path / "demo.duckdb")],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    return proc, home


def test_demo_survives_a_slow_prefect_start_and_leaves_nothing_behind(tmp_path: Path) -> None:
    proc, home = _demo(tmp_path)
    db = tmp_path / "demo.duckdb"
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Traceback" not in output
    assert not [line for line in output.splitlines() if "ERROR" in line or "error:" in line]
    assert "meridian-post" in proc.stdout and "Try these" in proc.stdout
    assert _processes_with(str(home)) == []
    conn = connect(db, read_only=True)
    try:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (
            len(expected_articles()),)
    finally:
        conn.close()


def test_a_server_that_never_comes_up_in_time_is_a_clear_error_and_no_orphan(
        tmp_path: Path) -> None:
    proc, home = _demo(tmp_path, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="5")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "did not start in time" in proc.stderr
    assert _processes_with(str(home)) == []
