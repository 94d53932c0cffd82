"""Dates mentioned in the texts: staged, loaded into ``date_mentions``, counted by the
``date_calendar`` view — on a small warehouse built through stage → load → publish."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from tests.warehouse_fixtures import D1, D2, R1, R2, article, article_id, publish, rows, run_tables
from transform.pipeline import DATE_SCHEMA
from warehouse.export import export_parquet
from warehouse.publish import connect
from warehouse.stage import stage_batch

RU = "https://ru.example.test/2025/05/08/vizit"
ZH = "https://zh.example.test/2025/05/08/fangwen"
EN = "https://en.example.test/2025/05/09/weather"  # not relevant
ID = "https://id.example.test/2025/05/09/kunjungan"
UNDATED = "https://ru.example.test/undated-visit"
COPY = "https://mirror.example.test/vizit"  # the Russian text again: an exact duplicate
OLD = "https://en.example.test/2025/05/09/june-summit"  # staged before resolved_from existed

RU_TEXT = "Си Цзиньпин прибудет в Москву 9 мая; в мае пройдут переговоры."


def _dates(url: str, *found: tuple[str, str, str, str]) -> list[dict[str, Any]]:
    return [{"article_id": article_id(url), "surface": s, "value": v, "granularity": g,
             "resolved_from": r} for s, v, g, r in found]


def _batch(run_id: str, started: Any, articles: list[dict[str, Any]],
           dates: list[dict[str, Any]], schema: dict[str, Any] = DATE_SCHEMA
           ) -> dict[str, pl.DataFrame]:
    tables = run_tables(run_id, started, articles, [],
                        [(a["source"], a["url"], "ok") for a in articles])
    return {**tables, "dates": pl.DataFrame(dates, schema=schema)}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dates")
    db = root / "w.duckdb"
    fetched = R1 + timedelta(minutes=5)
    run1 = [
        article(RU, source="ria", language="ru", title="Визит", text=RU_TEXT, published=D1,
                fetched=fetched, run_id="r1"),
        article(ZH, source="xinhua", language="zh", title="访问", text="5月9日访问。2022年2月。",
                published=D1, fetched=fetched, run_id="r1"),
        article(EN, source="gt", language="en", title="Weather", text="Rain on May 9 and May 3 as in 2024.",
                published=D2, fetched=fetched, run_id="r1", relevant=False),
        article(ID, source="kompas", language="id", title="Kunjungan",
                text="Kunjungan pada hari Selasa.", published=D2, fetched=fetched, run_id="r1"),
        article(UNDATED, source="ria", language="ru", title="Без даты",
                text="Встреча 8 мая 2025 года.", published=None, fetched=fetched, run_id="r1"),
    ]
    dates1 = (_dates(RU, ("9 мая", "2025-05-09", "day", "relative"),
                     ("в мае", "2025-05", "month", "relative"),
                     ("на прошлой неделе", "2025-W18", "week", "relative"))
              + _dates(ZH, ("5月9日", "2025-05-09", "day", "relative"),
                       ("2022年2月", "2022-02", "month", "absolute"))
              + _dates(EN, ("May 9", "2025-05-09", "day", "relative"),
                       ("May 3", "2025-05-03", "day", "relative"),
                       ("2024", "2024", "year", "absolute"))
              + _dates(ID, ("pada hari Selasa", "2025-05-06", "day", "relative"))
              + _dates(UNDATED, ("8 мая 2025 года", "2025-05-08", "day", "absolute")))
    stage_batch(root, "r1", _batch("r1", R1, run1, dates1))
    publish(db, root)

    fetched = R2 + timedelta(minutes=5)
    # The Chinese article was edited: its dates are replaced as a whole (2022-02 goes).
    run2 = [
        article(COPY, source="mirror", language="ru", title="Визит", text=RU_TEXT,
                published=D2, fetched=fetched, run_id="r2"),
        article(ZH, source="xinhua", language="zh", title="访问", text="5月10日访问。",
                published=D1, fetched=fetched, run_id="r2"),
    ]
    dates2 = (_dates(COPY, ("9 мая", "2025-05-09", "day", "relative"),
                     ("в мае", "2025-05", "month", "relative"))
              + _dates(ZH, ("5月10日", "2025-05-10", "day", "relative")))
    stage_batch(root, "r2", _batch("r2", R2, run2, dates2))
    old_schema = {k: v for k, v in DATE_SCHEMA.items() if k != "resolved_from"}
    old = [{k: v for k, v in d.items() if k != "resolved_from"}
           for d in _dates(OLD, ("June 2025", "2025-06", "month", ""))]
    stage_batch(root, "r3", _batch("r3", R2 + timedelta(hours=1), [
        article(OLD, source="gt", language="en", title="Summit", text="A summit in June 2025.",
                published=D2, fetched=fetched, run_id="r3")], old, old_schema))
    publish(db, root)
    return db


def test_the_load_keeps_each_date_with_how_it_was_resolved(db: Path) -> None:
    got = rows(db, """SELECT article_id, surface, value, granularity, resolved_from
                      FROM date_mentions ORDER BY ALL""")
    assert [r for r in got if r[0] == article_id(RU)] == [
        (article_id(RU), "9 мая", "2025-05-09", "day", "relative"),
        (article_id(RU), "в мае", "2025-05", "month", "relative"),
        (article_id(RU), "на прошлой неделе", "2025-W18", "week", "relative")]
    assert (article_id(UNDATED), "8 мая 2025 года", "2025-05-08", "day", "absolute") in got
    # Reloaded: only the dates of the current text.
    assert [r[1:] for r in got if r[0] == article_id(ZH)] == [
        ("5月10日", "2025-05-10", "day", "relative")]
    # A batch staged by an older sinorus loads, without resolved_from.
    assert [r[1:] for r in got if r[0] == article_id(OLD)] == [
        ("June 2025", "2025-06", "month", None)]
    assert len(got) == 3 + 1 + 3 + 1 + 1 + 2 + 1


def test_the_calendar_counts_articles_per_day_and_month(db: Path) -> None:
    got = {(g, v): rest for g, v, *rest in rows(db, """
        SELECT granularity, value, period_start::VARCHAR, articles, relevant_articles,
               [(x.language, x.relevant_articles) FOR x IN languages],
               first_published_at = ?, last_published_at = ?
        FROM date_calendar""", [D1, D2])}
    # 9 May: the Russian (relevant) and English (not relevant) articles; the Russian copy
    # is counted under the original only. Said on 8 May (D1) and 9 May (D2).
    assert got[("day", "2025-05-09")] == ["2025-05-09", 2, 1, [("ru", 1)], True, True]
    assert got[("day", "2025-05-10")] == ["2025-05-10", 1, 1, [("zh", 1)], True, False]
    # May: named by the Russian article, and a day of it by every other but the June one;
    # the Russian article (month and day) counts once.
    assert got[("month", "2025-05")] == [
        "2025-05-01", 5, 4, [("ru", 2), ("id", 1), ("zh", 1)], True, True]
    assert got[("month", "2025-06")] == ["2025-06-01", 1, 1, [("en", 1)], False, True]
    # Named by a non-relevant article only: counted, with no languages.
    assert got[("day", "2025-05-03")] == ["2025-05-03", 1, 0, [], False, True]
    # Days and months only; the replaced 2022-02 is gone.
    assert set(got) == {("day", "2025-05-03"), ("day", "2025-05-06"), ("day", "2025-05-08"),
                        ("day", "2025-05-09"), ("day", "2025-05-10"), ("month", "2025-05"),
                        ("month", "2025-06")}
    undated = rows(db, """SELECT first_published_at, last_published_at FROM date_calendar
                          WHERE value = '2025-05-08'""")
    assert undated == [(None, None)]



def test_the_export_carries_date_mentions(db: Path, tmp_path: Path) -> None:
    conn = connect(db, read_only=True)
    try:
        counts = export_parquet(conn, tmp_path / "out")
    finally:
        conn.close()
    exported = duckdb.connect().execute(f"""
        SELECT surface, resolved_from FROM '{tmp_path / "out" / "date_mentions.parquet"}'
        WHERE article_id = ?""", [article_id(UNDATED)]).fetchall()
    assert exported == [("8 мая 2025 года", "absolute")]
    assert counts["date_mentions"] == rows(db, "SELECT count(*) FROM date_mentions")[0][0]
