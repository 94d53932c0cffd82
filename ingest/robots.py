"""robots.txt (RFC 9309) with Protego, Scrapy's parser: one fetch per host per run.

What the answer to ``/robots.txt`` means:

- 2xx: parse it (the first 512 KiB, as RFC 9309 allows); ``Crawl-delay`` (or
  ``Request-rate``) up to ``max_crawl_delay_s`` slows the host down, more than that and
  the host is skipped.
- 4xx other than 429 ("unavailable"): everything is allowed.
- 429, 5xx, a timeout or a connection failure ("unreachable"): nothing is fetched from
  that host this run; the next run asks again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from protego import Protego

from ingest.politeness import host_key

if TYPE_CHECKING:
    from ingest.fetch import FetchResult

MAX_ROBOTS_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a URL is not fetched, as the fetch log will record it."""

    outcome: str
    reason: str
    retry_later: bool = False  # the refusal is tonight's, not the URL's fate


@dataclass(frozen=True, slots=True)
class RobotsPolicy:
    """What one host's robots.txt allows us this run."""

    parser: Protego | None = None  # None: everything allowed
    refusal: Refusal | None = None  # set: nothing allowed on this host
    crawl_delay_s: float | None = None

    def check(self, url: str, user_agent: str) -> Refusal | None:
        if self.refusal is not None:
            return self.refusal
        if self.parser is not None and not self.parser.can_fetch(url, user_agent):
            return Refusal("robots_denied", "disallowed by robots.txt")
        return None


def robots_url(url: str) -> str:
    return f"{host_key(url)}/robots.txt"


def policy_from_result(result: FetchResult, user_agent: str,
                       max_crawl_delay_s: float) -> RobotsPolicy:
    """Turn the fetch of a robots.txt into a policy (pure: no I/O)."""
    status = result.status
    if result.outcome == "ok" and result.body is not None:
        text = result.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        try:
            parser = Protego.parse(text)
        except Exception:  # an unparseable file is "unavailable": everything allowed
            return RobotsPolicy()
        delay = parser.crawl_delay(user_agent)
        rate = parser.request_rate(user_agent)
        if rate is not None and rate.requests:
            delay = max(delay or 0.0, float(rate.seconds) / rate.requests)
        if delay is not None and delay > max_crawl_delay_s:
            return RobotsPolicy(refusal=Refusal(
                "robots_denied",
                f"robots.txt asks for a Crawl-delay of {delay:g} s, more than "
                f"max_crawl_delay_s ({max_crawl_delay_s:g} s): host skipped"))
        return RobotsPolicy(parser=parser, crawl_delay_s=delay)
    if result.outcome == "http_error" and status is not None:
        if status == 429 or status >= 500:
            return RobotsPolicy(refusal=Refusal(
                "robots_denied",
                f"robots.txt unreachable (HTTP {status}): no fetch from this host this run "
                "(RFC 9309)", retry_later=True))
        return RobotsPolicy()  # 4xx: no robots.txt, everything allowed
    if result.outcome in ("timeout", "connect_error", "blocked_address", "deferred",
                          "host_disabled"):
        # The host could not be asked: its pages share the robots.txt fetch's fate.
        return RobotsPolicy(refusal=Refusal(
            result.outcome, f"robots.txt: {result.reason}; no fetch from this host this run",
            retry_later=result.outcome != "blocked_address"))
    # Too large, a redirect loop, undecodable: RFC 9309 "unavailable", so allowed.
    return RobotsPolicy()


class RobotsCache:
    """robots.txt policies for the run, fetched once per host even under concurrency."""

    def __init__(self, fetch: Callable[[str, str], Awaitable[FetchResult]], user_agent: str,
                 max_crawl_delay_s: float) -> None:
        self._fetch = fetch
        self._user_agent = user_agent
        self._max_crawl_delay_s = max_crawl_delay_s
        self._policies: dict[str, RobotsPolicy] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def policy(self, url: str, source: str = "") -> RobotsPolicy:
        key = host_key(url)
        cached = self._policies.get(key)
        if cached is not None:
            return cached
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._policies.get(key)
            if cached is None:
                result = await self._fetch(robots_url(url), source)
                cached = policy_from_result(result, self._user_agent, self._max_crawl_delay_s)
                self._policies[key] = cached
        return cached

    async def check(self, url: str, source: str = "") -> tuple[RobotsPolicy, Refusal | None]:
        policy = await self.policy(url, source)
        return policy, policy.check(url, self._user_agent)
