"""Connections per origin: each host gets its own pool, and idle pools are closed once
there are many, so a run over thousands of hosts does not hold a socket to each."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from ingest import connections
from ingest.fetch import Fetcher
from ingest.netguard import GuardedTransport
from tests.faultsite import FaultSite, settings


@pytest.fixture()
def sites() -> Iterator[list[FaultSite]]:
    sites = [FaultSite() for _ in range(4)]
    for site in sites:
        for n in range(3):
            site.page(f"/news/{n}")
    yield sites
    for site in sites:
        site.close()


def test_a_pool_per_host_and_idle_pools_closed(sites: list[FaultSite],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections, "MAX_IDLE_POOLS", 2)
    fetch_settings = settings()
    transport = GuardedTransport(fetch_settings.allowed_networks())

    async def run() -> list[int]:
        pools = []
        async with Fetcher(fetch_settings, transport=transport) as fetcher:
            for site in sites:
                for n in range(3):
                    result = await fetcher.fetch(site.url(f"/news/{n}"), source="s")
                    assert result.ok, result.reason
                pools.append(transport._pool.pools)  # type: ignore[attr-defined]
        return pools

    pools = asyncio.run(run())
    # Hosts 1 and 2 each open a pool; host 3 finds two idle pools and closes them first.
    assert pools == [1, 2, 1, 2]
