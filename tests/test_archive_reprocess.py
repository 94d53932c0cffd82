"""The archive end to end: two runs over a site whose article is edited in between, then
``reprocess`` offline, in place and into a fresh warehouse, reproduces the warehouse."""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.nightly import nightly_ingest, summary_of
from flows.reprocess import reprocess
from ingest.config import load_config
from tests.dedup_helpers import rows
from tests.dedup_texts import (
    BYLINED,
    EDITED,
    OTHER,
    OTHER_TITLE,
    SYNDICATED_TITLE,
    WIRE,
    WIRE_TITLE,
)

pytestmark = pytest.mark.slow

# Every table reprocess must reproduce, each in a stable order.
TABLES = {
    "articles": "SELECT * FROM articles ORDER BY article_id",
    "article_versions": "SELECT * FROM article_versions ORDER BY article_id, version_id",
    "mentions": "SELECT * FROM mentions ORDER BY ALL",
    "date_mentions": "SELECT * FROM date_mentions ORDER BY ALL",
    "near_duplicates": "SELECT * FROM near_duplicates ORDER BY ALL",
    "article_signatures": "SELECT * FROM article_signatures ORDER BY article_id",
    "captures": "SELECT * FROM captures ORDER BY warc_file, \"offset\"",
}


def _html(title: str, text: str) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='article:published_time' content='2026-11-20T08:00:00Z'></head>"
            f"<body><article><h1>{title}</h1>{paras}</article></body></html>").encode()


class Site:
    """Pages in a dict, changeable between runs; robots.txt is absent (all allowed)."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                ctype, body = site.pages.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in site.pages else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def publish(self, articles: dict[str, tuple[str, str]], built: datetime) -> None:
        items = "".join(f"<item><title>{t}</title><link>{self.base}{p}</link></item>"
                        for p, (t, _) in articles.items())
        feed = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
                f"<lastBuildDate>{format_datetime(built)}</lastBuildDate>{items}"
                f"</channel></rss>").encode()
        self.pages = {p: ("text/html; charset=utf-8", _html(t, x))
                      for p, (t, x) in articles.items()}
        self.pages["/rss.xml"] = ("application/rss+xml", feed)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site()
    threading.Thread(target=s.server.serve_forever, daemon=True).start()
    yield s
    s.server.shutdown()


def _snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    return {name: rows(db, sql) for name, sql in TABLES.items()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None,
         site: Site) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("archive")
    db = root / "data" / "w.duckdb"
    config = root / "sources.toml"
    config.write_text(
        f'[warehouse]\npath = "{db}"\n\n[fetch]\nper_host_delay_s = 0.0\n'
        f'per_host_concurrency = 4\ntimeout_s = 10\nallowed_private_networks = ["127.0.0.1/32"]\n'
        f'\n[[sources]]\nname = "fixture"\nkind = "rss"\nurl = "{site.base}/rss.xml"\n',
        encoding="utf-8")
    site.publish({"/wire/gas.html": (WIRE_TITLE, WIRE),
                  "/partner/gas-copy.html": (SYNDICATED_TITLE, BYLINED),
                  "/analysis/pipeline.html": (OTHER_TITLE, OTHER)},
                 datetime(2026, 11, 20, 9, tzinfo=UTC))
    summary_of(asyncio.run(nightly_ingest(str(config), return_state=True)))
    # The wire story is edited; the feed changes with it, so the article is refetched.
    site.publish({"/wire/gas.html": (WIRE_TITLE + ", officials say", EDITED),
                  "/partner/gas-copy.html": (SYNDICATED_TITLE, BYLINED),
                  "/analysis/pipeline.html": (OTHER_TITLE, OTHER)},
                 datetime(2026, 11, 20, 15, tzinfo=UTC))
    summary_of(asyncio.run(nightly_ingest(str(config), return_state=True)))
    return {"root": root, "db": db, "config": config, "snapshot": _snapshot(db)}


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test (local sockets, which the
    extraction pool's process server uses, are not the network)."""
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("reprocess tried to use the network")

    connect = socket.socket.connect

    def connect_locally(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            refuse()
        connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect_locally)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_edited_article_keeps_both_versions(runs: dict[str, Any]) -> None:
    versions = rows(runs["db"], """
        SELECT v.title, v.text FROM article_versions v JOIN articles a USING (article_id)
        WHERE a.url LIKE '%/wire/gas.html' ORDER BY v.first_seen_at""")
    assert [t for t, _ in versions] == [WIRE_TITLE, WIRE_TITLE + ", officials say"]
    assert "this week" in versions[1][1] and "on Tuesday" in versions[0][1]
    assert rows(runs["db"], "SELECT count(*) FROM article_versions") == [(4,)]


def test_the_syndicated_copy_is_clustered_with_the_wire_story(runs: dict[str, Any]) -> None:
    got = dict(rows(runs["db"], """
        SELECT regexp_extract(a.url, '/[a-z]+/[a-z-]+\\.html$'), c.url FROM articles a
        JOIN articles c ON c.article_id = a.cluster_id"""))
    wire = next(u for u in got.values() if u.endswith("/wire/gas.html"))
    assert got["/partner/gas-copy.html"] == wire
    assert got["/analysis/pipeline.html"].endswith("/analysis/pipeline.html")


def test_every_response_is_captured(runs: dict[str, Any]) -> None:
    captured = rows(runs["db"], """
        SELECT kind, count(*) FROM captures GROUP BY kind ORDER BY kind""")
    # Run 1: robots.txt (404), the feed, three pages. Run 2: the same, all refetched.
    assert captured == [("feed", 2), ("page", 6), ("robots", 2)]
    files = sorted(p.name for p in (runs["db"].parent / "archive").iterdir())
    assert len(files) == 2 and all(f.endswith(".warc.gz") for f in files)


def test_reprocess_in_place_changes_nothing(runs: dict[str, Any], offline: None) -> None:
    summary = reprocess(load_config(runs["config"]))
    assert (summary.captures, summary.runs, summary.new) == (6, 2, 0)
    assert _snapshot(runs["db"]) == runs["snapshot"]
    reprocess(load_config(runs["config"]))
    assert _snapshot(runs["db"]) == runs["snapshot"]


def test_reprocess_fills_in_what_migration_9_could_not(runs: dict[str, Any],
                                                      offline: None) -> None:
    """Dates loaded before version 9 have no resolved_from; reprocess recomputes it."""
    assert rows(runs["db"], """SELECT count(*) FROM date_mentions
                               WHERE resolved_from = 'relative'""")[0][0] > 0
    conn = duckdb.connect(str(runs["db"]))
    conn.execute("UPDATE date_mentions SET resolved_from = NULL")
    conn.close()
    reprocess(load_config(runs["config"]))
    assert _snapshot(runs["db"]) == runs["snapshot"]


def test_reprocess_rebuilds_the_warehouse_from_the_archive_alone(
        runs: dict[str, Any], tmp_path: Path, offline: None) -> None:
    shutil.copytree(runs["db"].parent / "archive", tmp_path / "archive")
    fresh = tmp_path / "rebuilt.duckdb"
    summary = reprocess(load_config(runs["config"]).with_db(fresh))
    assert summary.reindexed_files == 2
    assert _snapshot(fresh) == runs["snapshot"]


def test_reprocess_since_replays_only_later_captures(
        runs: dict[str, Any], offline: None) -> None:
    last = rows(runs["db"], "SELECT max(fetched_at) FROM captures WHERE kind = 'page'")[0][0]
    summary = reprocess(load_config(runs["config"]), since=last)
    assert summary.captures == 1
    assert _snapshot(runs["db"]) == runs["snapshot"]


def test_the_cli_reprocesses_and_refuses_a_bad_date(runs: dict[str, Any]) -> None:
    import subprocess
    import sys

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "flows.cli", "reprocess", "--config", str(runs["config"]),
             *args], capture_output=True, text=True, timeout=300,
            env={"PYTHONPATH": str(Path(__file__).parents[1]), "PATH": "/usr/bin",
                 "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "HOME": str(runs["root"])})

    bad = cli("--since", "yesterday")
    assert bad.returncode == 2 and "--since" in bad.stderr and "Traceback" not in bad.stderr
    good = cli("--since", "2000-01-01")
    assert good.returncode == 0, good.stderr
    assert "reprocessed 6 archived page(s) from 2 run(s)" in good.stdout
    assert _snapshot(runs["db"]) == runs["snapshot"]
