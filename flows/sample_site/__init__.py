"""The bundled sample news site that ``sinorus demo`` and the tests crawl on 127.0.0.1.

Four fictional outlets share one host: every URL path starts with the outlet slug. The
files under ``www/`` are the bytes as served (already in their declared charset), except
that the placeholder ``{{BASE}}`` is replaced by the server's base URL so feeds and
canonical links are absolute. ``site.toml`` is the manifest: outlets, their discovery
documents and, for every article, the ground truth a test can check the pipeline against.

Standard library only, so the demo works on a fresh machine without extra packages.
``www/`` and ``site.toml`` are generated from ``content/*.toml`` by ``build.py``.
"""

from __future__ import annotations

import gzip
import threading
import tomllib
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["ExpectedArticle", "SampleSite", "expected_articles", "manifest", "sources"]

HERE = Path(__file__).resolve().parent
WWW = HERE / "www"
MANIFEST = HERE / "site.toml"
PLACEHOLDER = b"{{BASE}}"

_TYPES = {
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".gz": "application/gzip",
}
_HTML_SUFFIXES = (".html", ".htm")
_INDEX_FILES = ("index.html", "index.xml")


@dataclass(frozen=True)
class ExpectedArticle:
    """Ground truth for one article page of the sample site."""

    path: str  # URL path
    outlet: str  # outlet slug
    language: str  # ISO 639-1
    title: str  # the headline as a reader sees it (no site name)
    published_utc: str | None  # 'YYYY-MM-DDTHH:MM:SSZ', 'YYYY-MM-DD' (URL only) or None
    date_in: str  # "meta" | "jsonld" | "url" | "feed" | "none"
    charset: str  # "utf-8" | "windows-1251" | "gbk"
    charset_declared_in: str  # "header" | "meta"
    relevant: bool  # about Russia–China relations?
    syndicated_from: str | None  # path of the original when this is a verbatim copy
    first_sentence: str  # first sentence of the body


@cache
def manifest() -> dict[str, Any]:
    """The parsed ``site.toml`` (outlets and articles, with extra ground truth such as authors)."""
    with MANIFEST.open("rb") as fh:
        return tomllib.load(fh)


def expected_articles() -> list[ExpectedArticle]:
    """Every article of the sample site with what the pipeline should find in it."""
    return [
        ExpectedArticle(
            path=a["path"],
            outlet=a["outlet"],
            language=a["language"],
            title=a["title"],
            published_utc=a.get("published_utc") or None,  # TOML has no null: absent = None
            date_in=a["date_in"],
            charset=a["charset"],
            charset_declared_in=a["charset_declared_in"],
            relevant=a["relevant"],
            syndicated_from=a.get("syndicated_from") or None,
            first_sentence=a["first_sentence"],
        )
        for a in manifest()["articles"]
    ]


def sources(base_url: str) -> list[dict[str, str]]:
    """The ``[[sources]]`` entries of a configuration that crawls the sample site.

    ``language`` is the outlet's main language; two outlets also publish in other
    languages, so it is a hint, not a fact about every page.
    """
    base = base_url.rstrip("/")
    return [
        {"name": o["slug"], "kind": o["kind"], "url": base + o["discovery"],
         "language": o["language"]}
        for o in manifest()["outlets"]
    ]


@cache
def _html_charsets() -> dict[str, str]:
    """Article path → charset, for pages whose charset is declared in the HTTP header only."""
    return {
        a["path"]: a["charset"]
        for a in manifest()["articles"]
        if a["charset_declared_in"] == "header"
    }


def _resolve(url_path: str) -> tuple[Path, bool] | None:
    """Map a URL path to (file, gzip_on_the_fly) under www/, or None when nothing matches.

    A directory maps to its index file. A ``.xml.gz`` URL may be served from a plain
    ``.xml`` template: the placeholder has to be substituted before compressing, so the
    gzip is made per request.
    """
    parts = [p for p in url_path.split("/") if p]
    if any(p in ("..", ".") or "\\" in p or "\x00" in p for p in parts):
        return None
    target = WWW.joinpath(*parts)
    if not target.resolve().is_relative_to(WWW):
        return None  # e.g. a symlink pointing outside
    if target.is_dir():
        for name in _INDEX_FILES:
            if (target / name).is_file():
                return target / name, False
        return None
    if target.is_file():
        return target, False
    if url_path.endswith(".xml.gz"):
        template = target.with_suffix("")  # drop ".gz"
        if template.is_file():
            return template, True
    return None


class _Handler(BaseHTTPRequestHandler):
    """Serves www/ for the :class:`SampleSite` attached to the server."""

    server_version = "SampleNews/1.0"
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; tests read ``request_log`` instead."""

    def _respond(self, with_body: bool) -> None:
        site = self.server.site
        raw_path = urlsplit(self.path).path
        path = unquote(raw_path)
        site._log(path)
        if ".." in path.split("/"):
            self._send(HTTPStatus.BAD_REQUEST, b"bad path\n", "text/plain; charset=utf-8",
                       with_body)
            return
        resolved = _resolve(path)
        if resolved is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8",
                       with_body)
            return
        file, gzip_it = resolved
        if file.name in _INDEX_FILES and not path.endswith(("/", "/" + file.name)):
            # A directory asked for without its slash: redirect like a real web server does.
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", site.base_url + raw_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = file.read_bytes().replace(PLACEHOLDER, site.base_url.encode("ascii"))
        if gzip_it:
            body, ctype = gzip.compress(body, mtime=0), "application/gzip"
        else:
            ctype = _content_type(file, path)
        self._send(HTTPStatus.OK, body, ctype, with_body)

    def _send(self, status: HTTPStatus, body: bytes, ctype: str, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)


def _content_type(file: Path, url_path: str) -> str:
    if file.suffix in _HTML_SUFFIXES:
        charset = _html_charsets().get(url_path)
        if charset is not None:
            return f"text/html; charset={charset}"
        # Charset declared in the page itself (or a plain utf-8 page such as an index).
        return "text/html"
    return _TYPES.get(file.suffix, "application/octet-stream")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: SampleSite


class SampleSite:
    """Serves the sample site on 127.0.0.1, ephemeral port, in a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.base_url = ""
        self.request_log: list[str] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SampleSite:
        """Bind, start serving in a daemon thread, and return self (``base_url`` is set)."""
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), _Handler)
        server.site = self
        host, port = server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1},
            name="sample-site", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _log(self, path: str) -> None:
        with self._lock:
            self.request_log.append(path)

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
