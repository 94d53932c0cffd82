"""The fetcher's transport (httpx over aiohttp): connections kept alive per host and closed
when idle, the address guard on names and on written addresses, long header lines, and
aiohttp's failures reported as the fetch log's outcomes."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest

from ingest.fetch import Fetcher, FetchResult
from ingest.transport import AiohttpTransport
from tests.faultsite import FaultSite, html_page, settings

pytest_plugins = ("tests.conftest_fetch",)


class KeepAliveSite:
    """An HTTP/1.1 server on 127.0.0.1 that keeps connections open and counts them.

    ``script`` maps a request path to the raw bytes sent back (status line included),
    after which the server closes the connection; any other path gets a page with a
    Content-Length on a connection that stays open.
    """

    def __init__(self, script: dict[str, bytes] | None = None) -> None:
        self.script = script or {}
        self.opened = 0
        self.closed = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.opened += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        with self._lock:
                            self.closed += 1
                        return
                    buffer += data
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                path = head.split(b" ")[1].decode()
                if path in self.script:
                    conn.sendall(self.script[path])
                    with self._lock:
                        self.closed += 1
                    return
                body = html_page(path)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def close(self) -> None:
        self._listener.close()


@pytest.fixture()
def keepalive_sites() -> Iterator[list[KeepAliveSite]]:
    sites = [KeepAliveSite() for _ in range(3)]
    yield sites
    for site in sites:
        site.close()


def test_connections_are_reused_per_host_and_closed_when_idle(
        keepalive_sites: list[KeepAliveSite]) -> None:
    fetch_settings = settings()
    transport = AiohttpTransport(fetch_settings.allowed_networks(), keepalive_expiry=0.3)

    async def run() -> tuple[list[int], list[int]]:
        async with Fetcher(fetch_settings, transport=transport) as fetcher:
            for site in keepalive_sites:
                for n in range(4):
                    result = await fetcher.fetch(site.url(f"/news/{n}"), source="s")
                    assert result.ok, result.reason
            open_after_fetching = [site.opened - site.closed for site in keepalive_sites]
            for _ in range(50):  # aiohttp closes idle connections from the event loop
                await asyncio.sleep(0.1)
                if all(site.closed == site.opened for site in keepalive_sites):
                    break
            return open_after_fetching, [site.opened - site.closed for site in keepalive_sites]

    open_after_fetching, open_later = asyncio.run(run())
    # One connection per host for its four pages (the robots.txt request included) ...
    assert [site.opened for site in keepalive_sites] == [1, 1, 1]
    assert open_after_fetching[-1] == 1
    # ... and none left open once they have been idle longer than keepalive_expiry.
    assert open_later == [0, 0, 0]


def _fetch(url: str, **overrides: object) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(settings(**overrides)) as fetcher:
            return await fetcher.fetch(url, source="s")
    return asyncio.run(run())


def test_a_host_name_is_resolved_through_the_guard(site: FaultSite) -> None:
    site.page("/a.html")
    url = f"http://localhost:{site.port}/a.html"
    allowed = _fetch(url, max_retries=0)
    assert allowed.outcome == "ok", allowed.reason
    refused = _fetch(url, allowed_private_networks=(), max_retries=0)
    assert refused.outcome == "blocked_address"
    assert "localhost resolves to" in refused.reason and "loopback" in refused.reason
    assert len(site.hits("/a.html")) == 1  # the refused fetch never connected


def test_an_address_written_in_the_url_is_checked_before_connecting(site: FaultSite) -> None:
    site.page("/a.html")
    refused = _fetch(site.url("/a.html"), allowed_private_networks=("127.0.0.2/32",),
                     max_retries=0)
    assert refused.outcome == "blocked_address"
    assert "127.0.0.1" in refused.reason
    assert not site.hits("/a.html")


def test_long_header_lines_of_real_sites_are_accepted(site: FaultSite) -> None:
    policy = "default-src 'self'; " + "script-src https://cdn.example.org/x; " * 600
    assert len(policy) > 20_000
    site.serve("/csp.html", html_page("csp"), headers={"Content-Security-Policy": policy})
    result = _fetch(site.url("/csp.html"))
    assert result.outcome == "ok", result.reason
    assert dict(result.headers)["content-security-policy"] == policy.strip()


def test_a_connection_dropped_mid_body_is_a_connect_error_not_a_timeout() -> None:
    truncated = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n"
                 b"Connection: close\r\n\r\n<html><body>cut")
    garbage = b"this is not HTTP at all\r\n\r\n"
    site = KeepAliveSite({"/cut.html": truncated, "/garbage.html": garbage})
    try:
        for path in ("/cut.html", "/garbage.html"):
            result = _fetch(site.url(path), max_retries=0)
            assert result.outcome == "connect_error", (path, result.outcome, result.reason)
            assert result.body is None
            assert result.retry_later
    finally:
        site.close()
