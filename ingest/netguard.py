"""Refusing non-public destinations, checked on the address that is actually connected to.

The check lives in httpcore's network backend, below httpx: every connection, on every
redirect hop, resolves the host itself and connects only to an address that passed the
check, so DNS rebinding between "check" and "connect" cannot slip through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from ingest.connections import PoolPerOrigin

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class BlockedAddressError(Exception):
    """A connection was refused because its destination is not a public address."""

    def __init__(self, host: str, address: str, why: str) -> None:
        super().__init__(f"{host} resolves to {address} ({why}), not a public address")
        self.host, self.address, self.why = host, address, why


def classify_address(address: str | IPAddress) -> str | None:
    """Why an address is not public ('loopback', 'private', …), or None when it is public.

    Pure function: no connection, no DNS.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        inner = classify_address(ip.ipv4_mapped)
        return f"ipv4-mapped {inner}" if inner else None
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour is not None:
        inner = classify_address(ip.sixtofour)
        return f"6to4 {inner}" if inner else None
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.version == 4 and ip in _CGNAT:
        return "shared address space (CGNAT)"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


def is_allowed(address: str | IPAddress, allowed: Iterable[IPNetwork] = ()) -> bool:
    """True when the address is public or inside one of the explicitly allowed networks."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if any(ip.version == net.version and ip in net for net in allowed):
        return True
    return classify_address(ip) is None


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Resolves each host itself and connects only to addresses that pass :func:`is_allowed`."""

    def __init__(self, allowed: Iterable[IPNetwork] = ()) -> None:
        self._allowed = tuple(allowed)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        refused: tuple[str, str] | None = None
        last_error: Exception | None = None
        for *_, sockaddr in infos:
            address = str(sockaddr[0])
            if not is_allowed(address, self._allowed):
                refused = refused or (address, classify_address(address) or "not allowed")
                continue
            try:
                return await self._inner.connect_tcp(address, port, timeout=timeout,
                                                     local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        if last_error is not None:
            raise last_error
        if refused is not None:
            raise BlockedAddressError(host, *refused)
        raise httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError(path, path, "unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with the guarded network backend (httpx does not expose that knob),
    keeping one connection pool per origin (ingest/connections.py)."""

    def __init__(self, allowed: Iterable[IPNetwork] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        pool: httpcore.AsyncConnectionPool = self._pool  # type: ignore[assignment]
        backend = GuardedNetworkBackend(allowed)
        self._pool = PoolPerOrigin(lambda: httpcore.AsyncConnectionPool(  # type: ignore[assignment]
            ssl_context=pool._ssl_context,
            max_connections=pool._max_connections,
            max_keepalive_connections=pool._max_keepalive_connections,
            keepalive_expiry=pool._keepalive_expiry,
            http1=pool._http1,
            http2=pool._http2,
            network_backend=backend,
        ))
