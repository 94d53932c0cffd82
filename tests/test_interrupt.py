"""Ctrl-C that lands where Python ignores exceptions still interrupts the run.

A signal handler runs wherever the main thread is; a KeyboardInterrupt raised inside a
weakref callback or ``__del__`` is printed as "Exception ignored" and dropped. Run in a
child process: ``stop_on_ctrl_c`` may end the process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import signal, weakref
from flows.interrupt import stop_on_ctrl_c

class Thing:
    pass

def callback(_ref):
    signal.raise_signal(signal.SIGINT)  # the handler runs at the next bytecode: in here
    sum(range(1000))

try:
    with stop_on_ctrl_c(cleanup=lambda: None, grace_s=60):
        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing
        for _ in range(10_000_000):
            pass
        print("not interrupted")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_ctrl_c_inside_a_weakref_callback_still_interrupts() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={"PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "interrupted", done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert "interrupted: stopping" in done.stderr
