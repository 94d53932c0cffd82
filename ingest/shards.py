"""Host shards: which of several concurrent runs fetches a given host.

Politeness (ingest/politeness.py) is kept per run, so two runs fetching the same host at
once would each send it its full allowance. Sharding gives every host to exactly one run:
a host's shard is a stable hash of the host, the same in every process and on every
machine (Python's ``hash()`` is salted per process, so it is not used).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ingest.config import ConfigError

MAX_SHARDS = 1024
_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class ShardSpecError(ConfigError):
    """A shard spec that is not ``i/n`` with 0 <= i < n; the message is one line."""


def shard_host(url: str) -> str:
    """The part of a URL that decides its shard: host, and port when not the default.

    Coarser than the politeness key (scheme://host:port), so that two URLs one host's
    politeness treats as one always land on the same shard; http:// and https:// of a
    site do too.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:  # a malformed port: the whole netloc is the host then
        return parts.netloc.lower()
    if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def shard_of(host: str, shards: int) -> int:
    """The shard (0 … shards-1) that owns ``host``; stable across processes and machines."""
    if shards < 1:
        raise ValueError(f"shards must be at least 1, not {shards}")
    digest = hashlib.blake2b(host.lower().encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


@dataclass(frozen=True, slots=True)
class ShardSpec:
    """Shard ``index`` of ``count``: this run fetches only the hosts hashed to it."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owner(self, url: str) -> int:
        return shard_of(shard_host(url), self.count)

    def owns(self, url: str) -> bool:
        return self.owner(url) == self.index


def parse_shard(text: str) -> ShardSpec:
    """``"i/n"`` → :class:`ShardSpec`; anything else is a :class:`ShardSpecError`."""
    match = _SPEC.fullmatch(text)
    if match is None:
        raise ShardSpecError(f"shard must look like i/n (e.g. 0/2), not {text!r}")
    index, count = int(match[1]), int(match[2])
    if not 1 <= count <= MAX_SHARDS:
        raise ShardSpecError(f"shard {text!r}: the number of shards must be 1 to {MAX_SHARDS}")
    if index >= count:
        raise ShardSpecError(f"shard {text!r}: the index must be 0 to {count - 1}")
    return ShardSpec(index, count)
