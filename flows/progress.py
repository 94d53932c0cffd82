"""Progress per stage: a rich display in a terminal, plain log lines anywhere else."""

from __future__ import annotations

import logging
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

STAGES = ("discover", "fetch", "extract", "load")
log = logging.getLogger("sinorus")


class Reporter(Protocol):
    def start(self, stage: str, total: int | None = None) -> None: ...
    def advance(self, stage: str, amount: int = 1) -> None: ...
    def finish(self, stage: str, message: str = "") -> None: ...
    def close(self) -> None: ...


class LogReporter:
    """Plain log lines: one when a stage starts and one when it ends."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def start(self, stage: str, total: int | None = None) -> None:
        self._counts[stage] = 0
        log.info("%s: started%s", stage, f" ({total} to do)" if total else "")

    def advance(self, stage: str, amount: int = 1) -> None:
        self._counts[stage] = self._counts.get(stage, 0) + amount

    def finish(self, stage: str, message: str = "") -> None:
        log.info("%s: done %s", stage, message or f"({self._counts.get(stage, 0)})")

    def close(self) -> None:
        pass


class RichReporter:
    """One progress bar per stage, on the terminal's standard error."""

    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"), TimeElapsedColumn(),
            console=console or Console(stderr=True), transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._progress.start()

    def start(self, stage: str, total: int | None = None) -> None:
        if stage in self._tasks:
            self._progress.update(self._tasks[stage], total=total)
        else:
            self._tasks[stage] = self._progress.add_task(stage, total=total, note="")

    def advance(self, stage: str, amount: int = 1) -> None:
        if stage not in self._tasks:
            self.start(stage)
        self._progress.advance(self._tasks[stage], amount)

    def finish(self, stage: str, message: str = "") -> None:
        if stage not in self._tasks:
            self.start(stage, 0)
        task = self._tasks[stage]
        # A finished stage shows a full bar, even when it had nothing to do.
        done = max(self._progress.tasks[task].completed, 1)
        self._progress.update(task, total=done, completed=done, note=message)

    def close(self) -> None:
        self._progress.stop()


_current: Reporter = LogReporter()


def set_reporter(reporter: Reporter) -> None:
    global _current
    _current = reporter


def reporter() -> Reporter:
    return _current
