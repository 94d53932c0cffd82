"""A fault-injection web site on 127.0.0.1 (ephemeral port) for the fetching tests.

Each route is a function of the request that returns a :class:`Reply`; the site records
every request (path, time, headers) so tests can check what the crawler actually did.
The ``site`` and ``other_site`` fixtures are in ``tests/conftest_fetch.py``; a test module
uses them with ``pytest_plugins = ("tests.conftest_fetch",)``.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ingest.config import FetchSettings, Source
from ingest.fetch import Fetcher, FetchResult
from ingest.harvest import Harvest, harvest

USER_AGENT = "sinorus/0.1 (+http://127.0.0.1/contact)"


@dataclass(slots=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Writes the body itself (drip, lying Content-Length); gets the socket file.
    writer: Callable[[Any], None] | None = None


@dataclass(frozen=True, slots=True)
class Request:
    path: str
    at: float  # time.monotonic()
    headers: dict[str, str]


Route = Callable[[Request], Reply]


def html_page(title: str, text: str = "") -> bytes:
    para = text or f"{title}. " + "Moscow and Beijing signed a new agreement on trade. " * 20
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1><p>{para}</p></article></body></html>"
            ).encode()


def rss(links: list[str], title: str = "feed") -> bytes:
    items = "".join(f"<item><title>item {i}</title><link>{link}</link></item>"
                    for i, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
            ).encode()


@cache
def gzip_bomb(inflated_bytes: int = 1 << 30) -> bytes:
    """A valid gzip file of zeros: about 1 MB that inflates to ``inflated_bytes`` (1 GB).

    Built without compressing a gigabyte: after a full flush deflate restarts from scratch,
    so every 1 MiB block of zeros compresses to the same bytes, which are repeated.
    """
    block = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert first == repeat
    blocks = inflated_bytes // len(block)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    tail = compressor.flush(zlib.Z_FINISH)
    trailer = crc.to_bytes(4, "little") + (blocks * len(block) % 2**32).to_bytes(4, "little")
    return header + repeat * blocks + tail + trailer


@cache
def double_gzip_bomb() -> bytes:
    """About 10 KB, gzip of :func:`gzip_bomb`: two layers that inflate to 1 GB."""
    return gzip.compress(gzip_bomb(), 9)


class _Handler(BaseHTTPRequestHandler):
    site: FaultSite
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        path = self.path
        request = Request(path, time.monotonic(), {k.lower(): v for k, v in self.headers.items()})
        self.site.requests.append(request)
        route = self.site.routes.get(path.split("?")[0])
        reply = route(request) if route else Reply(404, b"not found")
        self.send_response(reply.status)
        headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
        if reply.writer is None and "Content-Length" not in headers:
            headers["Content-Length"] = str(len(reply.body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            if reply.writer is not None:
                reply.writer(self.wfile)
            else:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FaultSite:
    """One host (127.0.0.1:port) with scripted routes; robots.txt is 404 unless set."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        handler = type("Handler", (_Handler,), {"site": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def serve(self, path: str, body: bytes = b"", status: int = 200,
              headers: dict[str, str] | None = None) -> str:
        reply = Reply(status, body, dict(headers or {}))
        return self.add(path, lambda _request: reply)

    def page(self, path: str, title: str | None = None) -> str:
        return self.serve(path, html_page(title or path))

    def feed(self, path: str, paths: list[str], **headers: str) -> str:
        links = [p if p.startswith("http") else self.url(p) for p in paths]
        return self.serve(path, rss(links), headers={"Content-Type": "application/rss+xml",
                                                     **headers})

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def settings(**overrides: Any) -> FetchSettings:
    """Small limits so every fault test runs in about a second."""
    values: dict[str, Any] = {
        "user_agent": USER_AGENT, "max_bytes": 1 << 20, "timeout_s": 2.0,
        "per_host_delay_s": 0.0, "per_host_concurrency": 1, "max_crawl_delay_s": 2.0,
        "max_retries": 2, "retry_backoff_s": 0.05, "host_failure_limit": 5,
        "run_budget_s": 20.0, "allowed_private_networks": ("127.0.0.1/32",),
    }
    values.update(overrides)
    return FetchSettings(**values)


def feed_source(url: str, name: str = "test") -> Source:
    return Source(name=name, kind="rss", url=url)


def run_harvests(fetch_settings: FetchSettings, sources: list[Source],
                 http_cache: dict[str, Any] | None = None
                 ) -> tuple[list[Harvest], list[FetchResult]]:
    """One run: every source harvested in parallel by one Fetcher, as the flow does."""
    async def main() -> tuple[list[Harvest], list[FetchResult]]:
        async with Fetcher(fetch_settings, http_cache=http_cache) as fetcher:
            done = await asyncio.gather(*(harvest(s, fetcher, lambda _u: False, 100)
                                          for s in sources))
            return list(done), list(fetcher.log)
    return asyncio.run(main())


def row(log: list[FetchResult], url: str) -> FetchResult:
    """The fetch log's row for a URL (exactly one)."""
    rows = [r for r in log if r.url == url]
    assert len(rows) == 1, f"{len(rows)} rows for {url}: {rows}"
    return rows[0]
