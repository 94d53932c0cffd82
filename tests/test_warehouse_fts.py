"""Full-text search: per-language stemming (Indonesian, Russian), Chinese, phrases, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_fixtures import (
    URL_EN,
    URL_ID,
    URL_RU,
    URL_RU2,
    URL_ZH,
    article_id,
    build_sample_warehouse,
    publish,
    rows,
)
from warehouse.fts import rebuild_search_index, search
from warehouse.query import open_read_only

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fts")
    build_sample_warehouse(root / "w.duckdb", root)
    return root / "w.duckdb"


def _ids(db: Path, query: str, **kw: object) -> list[str]:
    conn = open_read_only(db, with_search=True)
    try:
        return [h.article_id for h in search(conn, query, **kw)]  # type: ignore[arg-type]
    finally:
        conn.close()


def test_indonesian_query_is_stemmed(db: Path) -> None:
    # "berdagang" (to trade) and "perdagangan" (trade) share the stem "dagang".
    assert _ids(db, "berdagang Tiongkok") == [article_id(URL_ID)]
    assert _ids(db, "memperkuat kerja sama", language="id") == [article_id(URL_ID)]


def test_russian_query_is_stemmed(db: Path) -> None:
    # "переговорах" (locative) finds "Переговоры" (nominative) in the title.
    assert _ids(db, "переговорах в Москве") == [article_id(URL_RU)]
    assert _ids(db, "газопроводу Сибири", language="ru") == [article_id(URL_RU2), article_id(URL_RU)]


def test_chinese_characters_must_occur_verbatim(db: Path) -> None:
    assert _ids(db, "中俄关系") == [article_id(URL_ZH)]
    assert _ids(db, "俄中关系") == []  # same characters, other order: not the phrase


def test_words_are_anded_and_phrases_checked(db: Path) -> None:
    assert _ids(db, '"energy deal"') == [article_id(URL_EN)]
    assert _ids(db, '"deal energy"') == []
    assert _ids(db, "energy football") == []


def test_language_and_date_filters(db: Path) -> None:
    assert _ids(db, "energy", language="ru") == []
    assert _ids(db, "Сибири", since=date(2025, 5, 9)) == [article_id(URL_RU2)]


def test_duplicates_are_not_indexed(db: Path) -> None:
    assert rows(db, "SELECT sum(documents) FROM search_indexes") == [(7,)]


def test_an_unchanged_warehouse_is_not_reindexed(tmp_path: Path, db: Path) -> None:
    copy = tmp_path / "w.duckdb"
    copy.write_bytes(db.read_bytes())
    conn = duckdb.connect(str(copy))
    try:
        assert rebuild_search_index(conn) is False
        assert rebuild_search_index(conn, force=True) is True
    finally:
        conn.close()
    publish(copy, tmp_path)  # nothing staged: publishes without rebuilding
    assert rows(copy, "SELECT count(*) FROM search_indexes") == [(4,)]


def test_search_command_prints_json(db: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "search", "переговорах", "--db", str(db),
         "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    hits = [json.loads(line) for line in done.stdout.splitlines()]
    assert [h["article_id"] for h in hits] == [article_id(URL_RU)]
    assert hits[0]["language"] == "ru"


def test_search_command_rejects_a_bad_date(db: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "search", "x", "--db", str(db), "--since", "May"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--since" in done.stderr and "Traceback" not in done.stderr


def test_only_the_changed_language_is_reindexed(tmp_path: Path, db: Path) -> None:
    from datetime import timedelta

    from tests.warehouse_fixtures import R2, article, run_tables
    from warehouse.stage import stage_batch

    copy = tmp_path / "w.duckdb"
    copy.write_bytes(db.read_bytes())
    before = dict(rows(copy, "SELECT index_group, built_at FROM search_indexes"))
    url = "https://ru.example.test/2025/05/11/novoe"
    fetched = R2 + timedelta(days=1)
    stage_batch(tmp_path, "r3", run_tables("r3", fetched, [article(
        url, source="ria", language="ru", title="Новые переговоры",
        text="Новые переговоры о поставках нефти.", published=fetched, fetched=fetched,
        run_id="r3")], [], [("ria", url, "ok")]))
    publish(copy, tmp_path)
    after = dict(rows(copy, "SELECT index_group, built_at FROM search_indexes"))
    assert [g for g in after if after[g] != before[g]] == ["ru"]
    assert _ids(copy, "нефти") == [article_id(url)]
