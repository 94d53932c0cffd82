"""Refusing non-public destinations, checked on the address that is actually connected to.

The check lives in the resolver of the transport below httpx (ingest/transport.py): every
connection, on every redirect hop, connects only to an address that passed the check, so
DNS rebinding between "check" and "connect" cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

import aiohttp
import aiohttp.abc
from aiohttp.abc import ResolveResult

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


def check_address(host: str, address: str | IPAddress,
                  allowed: Iterable[IPNetwork] = ()) -> None:
    """Raise :class:`BlockedAddressError` unless ``address`` (what ``host`` stands for)
    may be connected to; ValueError when it is not an IP address."""
    if not is_allowed(address, allowed):
        raise BlockedAddressError(host, str(address), classify_address(address) or "not allowed")


class GuardedResolver(aiohttp.abc.AbstractResolver):
    """aiohttp's resolver that answers only with addresses that pass :func:`is_allowed`.

    aiohttp connects to exactly the addresses a resolver returns, so a name that resolves
    to a public address at a check and to a private one at the connection (DNS
    rebinding) cannot slip through: there is one resolution, and it is the checked one.
    """

    def __init__(self, allowed: Iterable[IPNetwork] = ()) -> None:
        self._allowed = tuple(allowed)
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        kept = [info for info in found if is_allowed(info["host"], self._allowed)]
        if not kept and found:
            check_address(host, found[0]["host"], self._allowed)  # refused: raises
        return kept

    async def close(self) -> None:
        await self._inner.close()
