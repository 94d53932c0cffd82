"""The whole flow, in Prefect's test harness, against the sample site on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flows.demo import demo_config_text
from flows.nightly import nightly_ingest, summary_of
from flows.sample_site import SampleSite, expected_articles
from tests.warehouse_fixtures import rows as _rows

pytestmark = pytest.mark.slow


class _Broken(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def broken_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None,
              sample_site: SampleSite, broken_server: str) -> dict[str, Any]:
    """Two runs of the flow over the same site; the warehouse and a snapshot after each."""
    root = tmp_path_factory.mktemp("e2e")
    db = root / "data" / "w.duckdb"
    config = root / "sources.toml"
    config.write_text(
        demo_config_text(sample_site.base_url, db)
        + f'\n[[sources]]\nname = "broken"\nkind = "rss"\nurl = "{broken_server}/rss.xml"\n'
        + f'\n[[sources]]\nname = "unreachable"\nkind = "rss"\n'
          f'url = "http://127.0.0.1:{_closed_port()}/rss.xml"\n',
        encoding="utf-8")
    first = summary_of(asyncio.run(nightly_ingest(str(config), return_state=True)))
    snapshot = _rows(db, "SELECT * FROM articles ORDER BY article_id")
    second = summary_of(asyncio.run(nightly_ingest(str(config), return_state=True)))
    return {"db": db, "first": first, "second": second, "snapshot": snapshot,
            "base": sample_site.base_url}


def _by_path(wh: dict[str, Any], columns: str) -> dict[str, tuple[Any, ...]]:
    rows = _rows(wh["db"], f"SELECT url, {columns} FROM articles")
    return {r[0].removeprefix(wh["base"]): r[1:] for r in rows}


def test_every_article_is_loaded_exactly_once(warehouse: dict[str, Any]) -> None:
    expected = {a.path for a in expected_articles()}
    loaded = _rows(warehouse["db"], "SELECT url FROM articles")
    paths = [u.removeprefix(warehouse["base"]) for (u,) in loaded]
    assert sorted(paths) == sorted(expected)


def test_a_second_run_adds_and_changes_nothing(warehouse: dict[str, Any]) -> None:
    assert _rows(warehouse["db"], "SELECT * FROM articles ORDER BY article_id") == \
        warehouse["snapshot"]
    assert sum(s.new for s in warehouse["second"].sources) == 0
    assert _rows(warehouse["db"], "SELECT count(*) FROM runs") == [(2,)]


def test_published_times_are_the_right_utc_instants(warehouse: dict[str, Any]) -> None:
    got = _by_path(warehouse, "published_at, published_at_source, published_at_precision")
    for art in expected_articles():
        when, source, precision = got[art.path]
        if art.published_utc is None:
            assert when is None, art.path
            assert source is None
        elif len(art.published_utc) == 10:
            assert (when.date().isoformat(), precision) == (art.published_utc, "day"), art.path
        else:
            exp = datetime.fromisoformat(art.published_utc.replace("Z", "+00:00"))
            assert when == exp.astimezone(UTC), (art.path, when, exp)
            assert precision == "instant"
        if art.date_in == "feed":
            assert source == "feed", art.path
        elif art.date_in == "url":
            # The URL's date also appears in the page's own links, where htmldate finds it.
            assert source in ("url", "htmldate"), art.path


def test_legacy_charsets_come_out_as_correct_text(warehouse: dict[str, Any]) -> None:
    got = _by_path(warehouse, "title, text")
    legacy = [a for a in expected_articles() if a.charset != "utf-8"]
    assert {a.charset for a in legacy} >= {"windows-1251", "gbk"}
    for art in legacy:
        title, text = got[art.path]
        assert title == art.title
        assert art.first_sentence in text


def test_failing_sources_are_logged_while_the_others_load(warehouse: dict[str, Any]) -> None:
    first = warehouse["first"]
    failed = {s.name: s.error for s in first.failed_sources}
    assert set(failed) == {"broken", "unreachable"}
    assert "HTTP 500" in failed["broken"]
    assert "connect_error" in failed["unreachable"]
    rows = set(_rows(warehouse["db"], """
        SELECT source, kind, outcome FROM fetches
        WHERE run_id = (SELECT min(run_id) FROM runs) AND source IN ('broken', 'unreachable')"""))
    # A host whose robots.txt answers 500 is not fetched from this run (RFC 9309); an
    # unreachable host fails at its robots.txt and its feed alike.
    assert rows == {("broken", "robots", "http_error"), ("broken", "feed", "robots_denied"),
                    ("unreachable", "robots", "connect_error"),
                    ("unreachable", "feed", "connect_error")}, rows
    reasons = _rows(warehouse["db"],
                    "SELECT reason FROM fetches WHERE source = 'broken' AND kind = 'robots'")
    assert "500" in reasons[0][0]


def test_a_warehouse_that_cannot_be_written_fails_the_run_and_loses_nothing(
        tmp_path: Path, prefect_harness: None, sample_site: SampleSite) -> None:
    from warehouse.publish import writer_lock
    from warehouse.stage import pending_batches

    db = tmp_path / "data" / "w.duckdb"
    config = tmp_path / "sources.toml"
    config.write_text(demo_config_text(sample_site.base_url, db), encoding="utf-8")
    with writer_lock(db):  # another writer holds the warehouse for the whole run
        state = asyncio.run(nightly_ingest(str(config), return_state=True))
    assert state.is_failed()
    assert "another sinorus run is writing" in state.message
    assert len(pending_batches(db.parent)) == 1 and not db.exists()
    # The next run publishes what the failed one fetched, and fetches nothing twice.
    summary = summary_of(asyncio.run(nightly_ingest(str(config), return_state=True)))
    assert sum(s.fetched for s in summary.sources) == 0
    assert _rows(db, "SELECT count(*) FROM articles") == [(len(expected_articles()),)]
    assert pending_batches(db.parent) == []


def test_the_syndicated_pair_is_one_cluster_and_every_other_article_its_own(
        warehouse: dict[str, Any]) -> None:
    got = _by_path(warehouse, "article_id, cluster_id, duplicate_of, duplicate_kind")
    syndicated = {a.path: a.syndicated_from for a in expected_articles() if a.syndicated_from}
    assert len(syndicated) == 1, "the sample site syndicates one article"
    ((copy, original),) = syndicated.items()
    clusters: dict[str, set[str]] = {}
    for path, (_, cluster, _, _) in got.items():
        clusters.setdefault(cluster, set()).add(path)
    assert [c for c in clusters.values() if len(c) > 1] == [{copy, original}]
    assert len(clusters) == len(got) - 1
    # The copy (published hours later, same body) points at the original, never the reverse.
    # A near copy, not an exact one: the original's standfirst is part of its text and the
    # copy does not show it.
    original_id = got[original][0]
    assert got[copy][1:] == (original_id, original_id, "near")
    assert got[original][1:] == (original_id, None, None)


def test_dates_in_the_text_are_resolved_and_loaded(warehouse: dict[str, Any]) -> None:
    seed = "/kabar-nusantara/internasional/china-dan-rusia-teman-selamanya-tidak-pernah-musuh/"
    dates = {(v, g): (s, r) for v, g, s, r in _rows(warehouse["db"], f"""
        SELECT d.value, d.granularity, d.surface, d.resolved_from FROM date_mentions d
        JOIN articles a USING (article_id) WHERE a.url = '{warehouse["base"]}{seed}'""")}
    # Published on Tuesday 1 April 2025 (+07:00): "pada hari Selasa" is that day.
    surface, resolved_from = dates[("2025-04-01", "day")]
    assert "Selasa" in surface and resolved_from == "relative"
    surface, resolved_from = dates[("2022-02", "month")]
    assert "Februari 2022" in surface and resolved_from == "absolute"
