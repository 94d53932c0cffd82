"""HTTP connections kept per origin: one httpcore pool for each scheme, host and port.

httpcore's pool picks a connection for every request, and hands it back after every
response, by looking at each connection it holds (an expiry check is a ``poll`` and a
``getpeername`` on the socket). One pool for a whole run holds the connections of every
host, so each request pays for all of them: on the benchmark corpus (9 hosts, 2
connections each) that was 13 % of the flow's event loop. With a pool per origin a request
only looks at its own host's few connections.

A run over thousands of hosts (GDELT discovery) must not keep a socket open to each: when a
new origin arrives and more than :data:`MAX_IDLE_POOLS` pools exist, the pools with no
request in flight are closed.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

import httpcore

MAX_IDLE_POOLS = 64


class PoolPerOrigin:
    """Stands where httpx's transport keeps its ``httpcore.AsyncConnectionPool``."""

    def __init__(self, new_pool: Callable[[], httpcore.AsyncConnectionPool]) -> None:
        self._new_pool = new_pool
        self._pools: dict[tuple[bytes, bytes, int | None], httpcore.AsyncConnectionPool] = {}

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        url = request.url  # httpcore's Origin is not hashable
        origin = (url.scheme, url.host, url.port)
        pool = self._pools.get(origin)
        if pool is None:
            if len(self._pools) >= MAX_IDLE_POOLS:
                await self._close_idle()
            pool = self._pools[origin] = self._new_pool()
        return await pool.handle_async_request(request)

    async def _close_idle(self) -> None:
        for origin, pool in list(self._pools.items()):
            if all(conn.is_idle() for conn in pool.connections):
                del self._pools[origin]
                await pool.aclose()

    @property
    def pools(self) -> int:
        return len(self._pools)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()

    async def __aenter__(self) -> PoolPerOrigin:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None = None,
                        exc_value: BaseException | None = None,
                        traceback: TracebackType | None = None) -> None:
        await self.aclose()
