"""Ctrl-C on the command line: stop the extraction workers at once, let the run unwind, and
never hang on the way out.

The terminal sends Ctrl-C to the whole process group, so Prefect's temporary server stops
too; Prefect's client would then retry reporting the interrupted run for minutes. After a
grace period the process therefore exits on its own. Nothing is lost by that: the batches
already staged are complete files that the next run adopts, and the warehouse is only ever
replaced by an atomic rename.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from flows.pool import stop_all_pools

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C
GRACE_S = 15.0
REDELIVER_AFTER_S = 0.05


@contextlib.contextmanager
def stop_on_ctrl_c(cleanup: Callable[[], None], grace_s: float = GRACE_S) -> Iterator[None]:
    """Within the block, the first Ctrl-C stops the workers and raises KeyboardInterrupt; the
    process exits with 130 after ``grace_s`` (after ``cleanup``) or at a second Ctrl-C."""
    pressed = threading.Event()
    redeliveries = 0  # KeyboardInterrupts raised again after Python ignored them

    def give_up() -> None:
        with contextlib.suppress(Exception):
            cleanup()
        os._exit(EXIT_INTERRUPTED)

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        nonlocal redeliveries
        if redeliveries:
            redeliveries -= 1
            signal.default_int_handler(signum, frame)
        if pressed.is_set():
            give_up()
        pressed.set()
        print("interrupted: stopping; batches already staged are kept for the next run",
              file=sys.stderr, flush=True)
        stop_all_pools()
        timer = threading.Timer(grace_s, give_up)
        timer.daemon = True
        timer.start()
        signal.default_int_handler(signum, frame)

    previous_hook = sys.unraisablehook

    def on_unraisable(unraisable: Any) -> None:
        nonlocal redeliveries
        # A signal handler runs wherever the main thread happens to be; raised inside a
        # weakref callback or a __del__, the KeyboardInterrupt is printed and dropped, and
        # the run would go on until the grace period ends. Raise it again, a moment later
        # from another thread, so that it lands once this callback is over.
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and pressed.is_set():
            redeliveries += 1
            again = threading.Timer(REDELIVER_AFTER_S, _thread.interrupt_main, (signal.SIGINT,))
            again.daemon = True
            again.start()
            return
        previous_hook(unraisable)

    previous = signal.signal(signal.SIGINT, on_sigint)
    sys.unraisablehook = on_unraisable
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook
