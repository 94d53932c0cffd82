"""Worker processes for extraction: each page under its own time limit, a crash costs one page.

Built on pebble's process pool, which kills a worker whose task overruns its timeout and
replaces a worker that died, failing only the task it was running; the standard library's
pool would break as a whole on the first crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from transform.pipeline import Page, extract_record

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A page the extractor could not handle: it timed out, crashed or raised."""

    url: str
    reason: str

    @classmethod
    def raised(cls, url: str, exc: BaseException) -> PageFailure:
        """The extractor raised on this page: that page's problem only."""
        return cls(url, f"extractor error: {type(exc).__name__}: {exc}"[:300])


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


_WARM_UP_PAGE = (b"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                 b"<title>Moscow and Beijing sign a trade accord</title></head><body><article>"
                 b"<h1>Moscow and Beijing sign a trade accord</h1><p>"
                 + b"Vladimir Putin and Xi Jinping met in Beijing on Tuesday, 4 March 2025, "
                 b"and signed an accord on energy, trade and payments in roubles and yuan. " * 4
                 + b"</p></article></body></html>")


def _warm_up() -> None:
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # One small page through the whole path: the imports, the language model, the
    # gazetteer's patterns and datasketch (≈ 3 CPU-s per worker) load now, while the flow
    # is still discovering, instead of when the first batch is waiting.
    from transform.pipeline import Page, extract_record, tables_from_records

    page = Page(url="http://127.0.0.1/warm-up", final_url="http://127.0.0.1/warm-up",
                source="warm-up", fetched_at=datetime.now(UTC), html=_WARM_UP_PAGE,
                content_type="text/html; charset=utf-8")
    # Should it fail, the real pages fail the same way and are reported one by one.
    with contextlib.suppress(Exception):
        tables_from_records([extract_record(page)])


_live: weakref.WeakSet[ExtractionPool] = weakref.WeakSet()


def stop_all_pools() -> None:
    """Terminate the workers of every pool in this process (for a Ctrl-C handler)."""
    for pool in list(_live):
        pool.terminate()


class ExtractionPool:
    """A pool of extraction processes sized to the machine, used from asyncio code."""

    def __init__(self, workers: int | None = None, page_timeout_s: float = 60.0,
                 page_fn: Callable[[Page], dict[str, Any]] = extract_record) -> None:
        self.workers = workers or default_workers()
        self.page_timeout_s = page_timeout_s
        self._page_fn = page_fn
        self._pool: ProcessPool | None = None
        _live.add(self)

    def start(self) -> ProcessPool:
        """Start the workers, which warm up at once; a run with nothing new never does."""
        if self._pool is None:
            # forkserver: forking a process that runs Prefect's threads is unsafe.
            self._pool = ProcessPool(max_workers=self.workers, initializer=_warm_up,
                                     context=multiprocessing.get_context("forkserver"))
            # pebble starts its workers at the first task, not before: give it one.
            self._pool.schedule(os.getpid)
        return self._pool

    async def extract(self, pages: Sequence[Page]) -> list[dict[str, Any] | PageFailure]:
        """One record per page, in order; a page that fails becomes a PageFailure."""
        futures = [self.start().schedule(self._page_fn, (page,), timeout=self.page_timeout_s)
                   for page in pages]
        out: list[dict[str, Any] | PageFailure] = []
        try:
            for page, future in zip(pages, futures, strict=True):
                out.append(await self._settle(page, future))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return out

    async def _settle(self, page: Page, future: Any) -> dict[str, Any] | PageFailure:
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            return PageFailure(page.url, f"extractor exceeded {self.page_timeout_s:g} s")
        except ProcessExpired as exc:
            return PageFailure(page.url, f"extractor crashed (exit code {exc.exitcode})")
        except Exception as exc:
            return PageFailure.raised(page.url, exc)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a batch-level step (normalise, annotate, stage) in a worker."""
        return await asyncio.wrap_future(self.start().schedule(fn, args))

    def close(self) -> None:
        """Let running work finish, then stop the workers."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()

    def stop(self) -> None:
        """Stop now: on Ctrl-C or a failed run, running work is abandoned."""
        self.terminate()
        if self._pool is not None:
            self._pool.join()

    def terminate(self) -> None:
        """Kill the workers without waiting (safe from a signal handler)."""
        if self._pool is not None:
            self._pool.stop()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.stop()
