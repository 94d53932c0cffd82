"""Serve a generated corpus on 127.0.0.1: one port per outlet, latency per request, a request log.

Every outlet is its own host (``127.0.0.1:<port>``), so per-host politeness applies as it
would to real outlets. Each response waits ``latency_ms`` before its first byte, the way
a distant host does. HTTP/1.1 with keep-alive, ETag and Last-Modified (304 on a match),
no compression. Feeds, sitemaps and robots.txt hold the placeholder ``{{BASE}}`` on disk,
replaced by the outlet's base URL when served; article pages are served byte for byte.

The request log has one line per request: host, path, status, bytes, start and end (Unix
seconds), method; so requests in flight per host can be computed afterwards
(:func:`max_in_flight`).
"""

from __future__ import annotations

import email.utils
import json
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

PLACEHOLDER = b"{{BASE}}"
_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
          ".txt": "text/plain; charset=utf-8"}


class _RequestLog:
    """Lines appended by the handler threads under one lock (cheap next to the latency)."""

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()
        self._fh: IO[str] | None = path.open("a", encoding="utf-8") if path else None
        self.count = 0

    def write(self, host: str, path: str, status: int, size: int, start: float,
              end: float, method: str) -> None:
        with self._lock:
            self.count += 1
            if self._fh is not None:
                self._fh.write(f"{host}\t{path}\t{status}\t{size}\t{start:.6f}\t{end:.6f}"
                               f"\t{method}\n")

    def flush(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.flush()

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # crawlers open many connections at once

    def __init__(self, root: Path, latency_s: float, log: _RequestLog) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.latency_s = latency_s
        self.log = log
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        """A client closing a kept-alive connection is routine, not worth a traceback."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _OutletServer

    def log_message(self, format: str, *args: Any) -> None:  # the request log replaces it
        pass

    def _file(self, url_path: str) -> Path | None:
        parts = [p for p in unquote(url_path).split("/") if p]
        if any(p in (".", "..") or "\\" in p or "\x00" in p for p in parts):
            return None
        target = self.server.root.joinpath(*parts)
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        start = time.time()
        time.sleep(self.server.latency_s)
        path = urlsplit(self.path).path
        target = self._file(path)
        body = b""
        if target is None:
            status = 404
            body = b"not found"
            headers = {"Content-Type": "text/plain; charset=utf-8"}
        else:
            stat = target.stat()
            etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
            headers = {"Content-Type": _TYPES.get(target.suffix, "application/octet-stream"),
                       "ETag": etag,
                       "Last-Modified": email.utils.formatdate(stat.st_mtime, usegmt=True),
                       "Cache-Control": "max-age=60"}
            if self.headers.get("If-None-Match") == etag:
                status = 304
            else:
                status = 200
                body = target.read_bytes()
                if target.suffix in (".xml", ".txt"):
                    body = body.replace(PLACEHOLDER, self.server.base_url.encode())
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(body)
        self.server.log.write(self.server.base_url, path, status, len(body), start, time.time(),
                              self.command)


class CorpusServer:
    """All outlets of a corpus directory, each on its own loopback port, in daemon threads."""

    def __init__(self, corpus_dir: Path, latency_ms: float = 0.0,
                 log_path: Path | None = None) -> None:
        self.corpus_dir = Path(corpus_dir)
        manifest = json.loads((self.corpus_dir / "manifest.json").read_text(encoding="utf-8"))
        self.outlets = [o["slug"] for o in manifest["outlets"]]
        self.latency_s = latency_ms / 1000.0
        self.log = _RequestLog(log_path)
        self._servers: dict[str, _OutletServer] = {}
        self._threads: list[threading.Thread] = []

    @property
    def base_urls(self) -> dict[str, str]:
        """Outlet slug → ``http://127.0.0.1:<port>``."""
        return {slug: s.base_url for slug, s in self._servers.items()}

    def start(self) -> CorpusServer:
        for slug in self.outlets:
            server = _OutletServer(self.corpus_dir / "www" / slug, self.latency_s, self.log)
            # A short poll interval: shutdown() waits for it, nine times over.
            thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                                      name=f"corpus-{slug}", daemon=True)
            thread.start()
            self._servers[slug] = server
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self.log.close()

    def __enter__(self) -> CorpusServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def read_log(path: Path, method: str | None = None
             ) -> list[tuple[str, str, int, int, float, float]]:
    """The request log's rows: (host, path, status, bytes, start, end), of one method or all."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        host, url_path, status, size, start, end, verb = line.split("\t")
        if method is None or verb == method:
            rows.append((host, url_path, int(status), int(size), float(start), float(end)))
    return rows


def max_in_flight(rows: list[tuple[str, str, int, int, float, float]],
                  since: float = 0.0, until: float = float("inf")) -> dict[str, int]:
    """Host → the most requests it had in flight at once, among requests started in the window."""
    events: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for host, _, _, _, start, end in rows:
        if since <= start <= until:
            events[host] += [(start, 1), (end, -1)]
    peaks = {}
    for host, evs in events.items():
        evs.sort(key=lambda e: (e[0], e[1]))  # an end before a start at the same instant
        level = peak = 0
        for _, step in evs:
            level += step
            peak = max(peak, level)
        peaks[host] = peak
    return peaks
