"""httpx's transport on aiohttp's connection pool and HTTP parser.

The fetcher keeps httpx's client (its request and response model, its exceptions); only
the wire below it is aiohttp's, whose parser and connection pool are compiled code. On the
benchmark corpus, httpcore's pure-Python HTTP/1.1 stack cost 1.13 ms of the flow's CPU per
page against 0.72 ms here (docs/throughput.md). aiohttp keeps one pool per origin by
itself and closes idle connections after ``keepalive_expiry``.

The address guard holds here too: host names are resolved by
:class:`ingest.netguard.GuardedResolver`, whose answer is the only thing aiohttp connects
to, and an address written in the URL is checked before any connection (aiohttp does not
ask a resolver for those). aiohttp's errors become httpx's, kept apart the way the fetch
log's outcomes need them: a timeout is a timeout, a dropped connection is not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import aiohttp
import httpx
from yarl import URL

from ingest.netguard import GuardedResolver, IPNetwork, check_address

# Real sites send long Content-Security-Policy and Set-Cookie lines; aiohttp's default of
# 8,190 bytes would make such a page a connection error. h11's limit on a whole header
# block, 100 kB, is kept as the bound instead.
MAX_HEADER_BYTES = 100 * 1024
MAX_HEADERS = 256


def _looks_like_address(host: str) -> bool:
    # aiohttp's own test for "do not resolve, connect to this"
    return ":" in host or host.replace(".", "").isdigit()


def _httpx_error(exc: BaseException) -> httpx.TransportError:
    """The httpx exception the fetcher expects for an aiohttp failure."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(exc, (aiohttp.SocketTimeoutError, TimeoutError)):
        return httpx.ReadTimeout(message)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return httpx.ReadError(message)
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(message)
    return httpx.RemoteProtocolError(message)


class _Body(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _httpx_error(exc) from exc

    async def aclose(self) -> None:
        # A body not read to its end closes the connection instead of pooling it.
        self._response.release()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncBaseTransport`` that connects only to allowed addresses.

    The aiohttp session is made on the first request, inside the running event loop, and
    made anew after :meth:`aclose` (a fetcher may be entered again in another loop).
    """

    def __init__(self, allowed: Iterable[IPNetwork] = (), *, max_connections: int = 100,
                 keepalive_expiry: float = 5.0) -> None:
        self._allowed = tuple(allowed)
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._session: aiohttp.ClientSession | None = None

    def _new_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(self._allowed), limit=self._max_connections,
            keepalive_timeout=self._keepalive_expiry, ssl=httpx.create_ssl_context())
        return aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # httpx's client keeps the cookies
            auto_decompress=False,  # the fetcher inflates with a bound of its own
            max_line_size=MAX_HEADER_BYTES, max_field_size=MAX_HEADER_BYTES,
            max_headers=MAX_HEADERS,
            timeout=aiohttp.ClientTimeout(total=None),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if _looks_like_address(host):
            try:
                check_address(host, host, self._allowed)
            except ValueError as exc:
                raise httpx.UnsupportedProtocol(f"{host} is not an IP address") from exc
        if self._session is None:
            self._session = self._new_session()
        timeout = request.extensions.get("timeout", {})
        body = await request.aread()
        try:
            response = await self._session.request(
                request.method, URL(str(request.url), encoded=True),
                headers=request.headers.multi_items(), data=body or None,
                allow_redirects=False, compress=None,
                timeout=aiohttp.ClientTimeout(total=None, connect=timeout.get("pool"),
                                              sock_connect=timeout.get("connect"),
                                              sock_read=timeout.get("read")))
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _httpx_error(exc) from exc
        extensions: dict[str, object] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("latin-1", "replace")
        return httpx.Response(response.status, headers=response.raw_headers,
                              stream=_Body(response), request=request,
                              extensions=extensions)

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
