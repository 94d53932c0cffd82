"""Normalisation: canonical URLs, UTC instants from stated offsets, never the fetch time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl

from transform.normalize import RECORD_SCHEMA, content_hash, normalize

FETCHED = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def _row(**over: Any) -> dict[str, Any]:
    row = dict(url="http://News.test/a.html", final_url=None, source="s", fetched_at=FETCHED,
               title="T", authors=[], page_published_at=None, page_published_source=None,
               page_language=None, page_canonical_url=None, text="one two three",
               feed_published_at=None, source_language=None)
    row.update(over)
    return row


def _norm(*rows: dict[str, Any]) -> list[dict[str, Any]]:
    return normalize(pl.DataFrame(list(rows), schema=RECORD_SCHEMA)).to_dicts()


def test_offsets_become_utc_instants() -> None:
    cases = {
        "2025-03-12T10:30:00+03:00": datetime(2025, 3, 12, 7, 30, tzinfo=UTC),
        "2025-03-12T10:30:00.250+08:00": datetime(2025, 3, 12, 2, 30, 0, 250000, tzinfo=UTC),
        "2025-03-12T10:30:00-05:00": datetime(2025, 3, 12, 15, 30, tzinfo=UTC),
        "2025-03-12T23:30:00+07:00": datetime(2025, 3, 12, 16, 30, tzinfo=UTC),
        "2025-03-12T10:30:00Z": datetime(2025, 3, 12, 10, 30, tzinfo=UTC),
    }
    rows = [_row(url=f"http://n.test/{i}", page_published_at=v, page_published_source="meta")
            for i, v in enumerate(cases)]
    out = _norm(*rows)
    assert [r["published_at"] for r in out] == list(cases.values())
    assert {r["published_at_precision"] for r in out} == {"instant"}


def test_page_time_beats_feed_time_and_feed_time_beats_a_bare_day() -> None:
    page, feed_only, url_day, nothing = _norm(
        _row(url="http://n.test/1", page_published_at="2025-01-01T00:00:00+03:00",
             page_published_source="jsonld", feed_published_at="2025-01-05T00:00:00+00:00"),
        _row(url="http://n.test/2025/01/02/x", page_published_at="2025-01-02",
             page_published_source="url", feed_published_at="2025-01-02T09:00:00-05:00"),
        _row(url="http://n.test/2025/01/03/y", page_published_at="2025-01-03",
             page_published_source="url"),
        _row(url="http://n.test/none"),
    )
    assert (page["published_at"], page["published_at_source"]) == (
        datetime(2024, 12, 31, 21, 0, tzinfo=UTC), "jsonld")
    assert (feed_only["published_at"], feed_only["published_at_source"]) == (
        datetime(2025, 1, 2, 14, 0, tzinfo=UTC), "feed")
    assert (url_day["published_at"], url_day["published_at_source"],
            url_day["published_at_precision"]) == (
        datetime(2025, 1, 3, tzinfo=UTC), "url", "day")
    assert nothing["published_at"] is None
    assert nothing["published_at_source"] is None


def test_canonical_url_drops_tracking_and_fragment_and_trusts_same_site_canonical() -> None:
    a, b, c = _norm(
        _row(url="HTTP://News.test:80/a.html?utm_source=x&id=3#top"),
        _row(url="http://news.test/amp/b.html", page_canonical_url="http://news.test/b.html"),
        _row(url="http://news.test/c.html", page_canonical_url="http://evil.test/c.html"),
    )
    assert a["canonical_url"] == "http://news.test/a.html?id=3"
    assert b["canonical_url"] == "http://news.test/b.html"
    assert c["canonical_url"] == "http://news.test/c.html"
    assert a["domain"] == "news.test"
    assert len({a["article_id"], b["article_id"], c["article_id"]}) == 3


def test_url_variants_collapse_to_one_row() -> None:
    out = _norm(_row(url="http://news.test/a.html?utm_medium=x"),
                _row(url="http://news.test/a.html#comments"))
    assert len(out) == 1


def test_word_count_counts_cjk_characters_and_words() -> None:
    (row,) = _norm(_row(text="Putin met Xi. 中俄关系"))
    assert row["word_count"] == 3 + 4


def test_content_hash_ignores_whitespace_only_differences() -> None:
    assert content_hash("a  b\n c") == content_hash("a b c")
    assert content_hash("a b c") != content_hash("a b d")
