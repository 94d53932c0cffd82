"""Versions: an edited article keeps every text it had; an unchanged refetch adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.dedup_helpers import articles, publish, rows
from tests.dedup_texts import EDITED, WIRE, WIRE_TITLE
from transform.fingerprint import signature
from warehouse.known import known_urls

URL = "https://wire.test/gas"
DAY1 = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)
DAY3 = DAY1 + timedelta(days=2)
VERSIONS = """SELECT content_hash, title, text, first_seen_at, last_seen_at, run_id
              FROM article_versions ORDER BY first_seen_at"""


def test_an_edited_article_keeps_both_versions(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, articles(dict(url=URL, title=WIRE_TITLE, text=WIRE, fetched_at=DAY1)), "r1")
    publish(db, articles(dict(url=URL, title=WIRE_TITLE + " (updated)", text=EDITED,
                              fetched_at=DAY2), run_id="r2"), "r2")
    assert rows(db, "SELECT title, text, first_seen_at, last_seen_at, run_id FROM articles") == \
        [(WIRE_TITLE + " (updated)", EDITED, DAY1, DAY2, "r2")]
    versions = rows(db, VERSIONS)
    assert [(v[1], v[2], v[3], v[5]) for v in versions] == [
        (WIRE_TITLE, WIRE, DAY1, "r1"), (WIRE_TITLE + " (updated)", EDITED, DAY2, "r2")]
    assert versions[0][0] != versions[1][0]


def test_an_unchanged_refetch_writes_nothing_new(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, articles(dict(url=URL, title=WIRE_TITLE, text=WIRE, fetched_at=DAY1)), "r1")
    before = rows(db, "SELECT * EXCLUDE (last_seen_at) FROM articles")
    publish(db, articles(dict(url=URL, title=WIRE_TITLE, text=WIRE, fetched_at=DAY2),
                         run_id="r2"), "r2")
    assert rows(db, "SELECT * EXCLUDE (last_seen_at) FROM articles") == before
    assert rows(db, "SELECT last_seen_at, run_id FROM articles") == [(DAY2, "r1")]
    assert rows(db, "SELECT count(*), max(last_seen_at) FROM article_versions") == [(1, DAY2)]


def test_an_older_capture_loaded_later_adds_its_version_but_not_its_text(
        tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, articles(dict(url=URL, title=WIRE_TITLE, text=EDITED, fetched_at=DAY2),
                         run_id="r2"), "r2")
    publish(db, articles(dict(url=URL, title=WIRE_TITLE, text=WIRE, fetched_at=DAY1)), "r1")
    assert rows(db, "SELECT text, first_seen_at, last_seen_at, run_id FROM articles") == \
        [(EDITED, DAY1, DAY2, "r2")]
    assert [v[2] for v in rows(db, VERSIONS)] == [WIRE, EDITED]
    # The signature stays that of the article's (newer) text.
    assert rows(db, "SELECT minhash FROM article_signatures") == [(signature(EDITED),)]


def test_fresh_articles_are_refetched_within_refetch_days(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, articles(dict(url="https://a.test/old", text="old one", fetched_at=DAY1),
                         dict(url="https://a.test/new", text="new one", fetched_at=DAY3)), "r1")
    now = DAY3 + timedelta(hours=12)
    assert known_urls(db, tmp_path, refetch_days=2, now=now) == {"https://a.test/old"}
    assert known_urls(db, tmp_path, refetch_days=0, now=now) == {
        "https://a.test/old", "https://a.test/new"}
