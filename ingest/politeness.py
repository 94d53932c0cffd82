"""Per-host politeness and run-level host state: turns, deferral and switch-off.

One :class:`HostState` per ``scheme://host:port`` for the whole run. It spaces request
starts by the host's delay (``per_host_delay_s`` or a larger robots.txt ``Crawl-delay``),
bounds requests in flight, obeys ``Retry-After``, and ends the host's run early in two
ways that are recorded differently in the fetch log:

- *deferred*: the host asked us to wait longer than the run has left (or the run's
  budget is spent). Its URLs are not failures; the next run picks them up.
- *disabled*: the host failed ``host_failure_limit`` times in a row with transient
  errors; asking it again tonight would only add load to a struggling server.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit


class HostUnavailable(Exception):
    """This host takes no more requests this run; ``outcome`` is the fetch log's word for it."""

    def __init__(self, outcome: str, reason: str) -> None:
        super().__init__(reason)
        self.outcome, self.reason = outcome, reason


def host_key(url: str) -> str:
    """The unit of politeness (and of robots.txt, RFC 9309): scheme, host and port."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class HostState:
    """Politeness gate and health of one host for one run."""

    def __init__(self, key: str, concurrency: int, delay_s: float, deadline: float,
                 failure_limit: int) -> None:
        self.key = key
        self.delay_s = delay_s
        self.deadline = deadline  # time.monotonic() after which the run sends nothing
        self.failure_limit = failure_limit
        self.next_start = 0.0
        self.consecutive_failures = 0
        self.unavailable: HostUnavailable | None = None
        self._semaphore = asyncio.Semaphore(concurrency)
        self._admitted = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()

    def check(self) -> None:
        """Raise :class:`HostUnavailable` when the host has been deferred or switched off."""
        if self.unavailable is not None:
            raise HostUnavailable(self.unavailable.outcome, self.unavailable.reason)

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one of the host's request slots, starting no earlier than its next turn."""
        self.check()
        async with self._semaphore:
            async with self._lock:
                while True:
                    self.check()  # it may have been deferred or disabled while we queued
                    now = time.monotonic()
                    if now > self.deadline:
                        self.defer("the run's fetching budget is spent")
                        self.check()
                    if self.next_start <= now:
                        break
                    if self.next_start > self.deadline:
                        self.defer(f"next polite turn is {self.next_start - now:.0f} s away, "
                                   "past the run's budget")
                        self.check()
                    await asyncio.sleep(self.next_start - now)
                self.next_start = now + self.delay_s
            yield

    @contextlib.asynccontextmanager
    async def admission(self) -> AsyncIterator[None]:
        """One of the host's places among the pages being fetched and handed on.

        A page waits here for its host before it takes one of the run's page slots
        (ingest/harvest.py): otherwise the slots fill with pages of one host waiting for
        their polite turns, and the other hosts, free to answer, stay idle.
        """
        async with self._admitted:
            yield

    def slow_down(self, delay_s: float) -> None:
        """Raise the gap between requests (robots.txt Crawl-delay); never lowers it.

        The turn already booked after the robots.txt request is pushed back too.
        """
        if delay_s > self.delay_s:
            self.next_start += delay_s - self.delay_s
            self.delay_s = delay_s

    def retry_after(self, wait_s: float, why: str) -> bool:
        """Obey Retry-After: no request before then. False (and deferred) past the budget."""
        until = time.monotonic() + wait_s
        if until > self.deadline:
            self.defer(f"{why}: Retry-After {wait_s:.0f} s is past the run's budget")
            return False
        self.next_start = max(self.next_start, until)
        return True

    def defer(self, reason: str) -> None:
        if self.unavailable is None:
            self.unavailable = HostUnavailable(
                "deferred", f"host deferred to the next run ({reason})")

    def record(self, transient_failure: bool, reason: str = "") -> None:
        """Count consecutive transient failures; switch the host off at the limit."""
        if not transient_failure:
            self.consecutive_failures = 0
            return
        self.consecutive_failures += 1
        if self.consecutive_failures >= self.failure_limit and self.unavailable is None:
            self.unavailable = HostUnavailable(
                "host_disabled",
                f"host switched off for this run after {self.consecutive_failures} "
                f"consecutive transient failures (last: {reason})")


class Politeness:
    """The run's host states, created on first use."""

    def __init__(self, concurrency: int, delay_s: float, budget_s: float,
                 failure_limit: int) -> None:
        self.concurrency = concurrency
        self.delay_s = delay_s
        self.deadline = time.monotonic() + budget_s
        self.failure_limit = max(1, failure_limit)
        self.hosts: dict[str, HostState] = {}

    def host(self, url: str) -> HostState:
        key = host_key(url)
        state = self.hosts.get(key)
        if state is None:
            state = HostState(key, self.concurrency, self.delay_s, self.deadline,
                              self.failure_limit)
            self.hosts[key] = state
        return state
