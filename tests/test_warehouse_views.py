"""The analyst views on a small two-run warehouse built through stage → load → publish."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.warehouse_fixtures import URL_EN, URL_UNDATED, article_id, build_sample_warehouse, rows


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("views")
    build_sample_warehouse(root / "w.duckdb", root)
    return root / "w.duckdb"


def test_relevant_articles_carry_their_entities_and_skip_duplicates(db: Path) -> None:
    got = dict(rows(db, "SELECT article_id, [e.name FOR e IN entities] FROM relevant_articles"))
    assert sorted(got[article_id(URL_EN)]) == ["Moscow", "Vladimir Putin", "Xi Jinping"]
    assert len(got) == 6  # 7 relevant, one of them an exact copy of another
    assert got[article_id(URL_UNDATED)] == ["China", "Moscow"]
    sport = rows(db, "SELECT count(*) FROM relevant_articles WHERE title LIKE '%football%'")
    assert sport == [(0,)]


def test_daily_entity_counts_count_articles_once_across_surfaces(db: Path) -> None:
    got = rows(db, """SELECT day, articles, mentions FROM daily_entity_counts
                      WHERE entity_id = 'Q148' ORDER BY day""")
    # 8 May: ru (Китая), id (Tiongkok ×2), zh (中); 9 May: ru (Китай). Undated: excluded.
    assert got == [(date(2025, 5, 8), 3, 4), (date(2025, 5, 9), 1, 1)]


def test_daily_counts_per_outlet_language_and_topic(db: Path) -> None:
    assert rows(db, """SELECT domain, articles, relevant_articles FROM daily_outlet_counts
                       WHERE day = DATE '2025-05-09' ORDER BY domain""") == [
        ("en.example.test", 1, 0), ("ru.example.test", 1, 1)]
    assert rows(db, """SELECT language, articles FROM daily_language_counts
                       WHERE day = DATE '2025-05-08' ORDER BY language""") == [
        ("en", 1), ("id", 1), ("ru", 1), ("zh", 1)]
    assert rows(db, """SELECT topic, articles FROM daily_topic_counts
                       WHERE day = DATE '2025-05-08' ORDER BY topic""") == [
        ("diplomacy", 3), ("energy", 2), ("trade", 1)]


def test_cooccurrence_lists_each_pair_once(db: Path) -> None:
    got = rows(db, """SELECT name_a, name_b, articles FROM entity_cooccurrence_daily
                      WHERE day = DATE '2025-05-08' AND entity_a = 'Q15031'
                      ORDER BY entity_b""")
    assert got == [("Xi Jinping", "Russia", 2), ("Xi Jinping", "Moscow", 2),
                   ("Xi Jinping", "Vladimir Putin", 3)]
    assert rows(db, "SELECT count(*) FROM entity_cooccurrence_daily WHERE entity_a >= entity_b"
                ) == [(0,)]


def test_source_health_from_fetches_and_runs(db: Path) -> None:
    got = {r[0]: r[1:] for r in rows(db, """
        SELECT source, failures_in_a_row, strftime(last_success_at, '%Y-%m-%d'),
               articles_last_night, runs FROM source_health""")}
    assert got["kompas"] == (1, "2025-05-09", 0, 2)
    assert got["ria"] == (0, "2025-05-10", 2, 2)
    assert got["globaltimes"] == (0, "2025-05-09", 2, 1)
