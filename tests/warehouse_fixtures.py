"""A small multilingual warehouse built through the real stage → load → publish path.

Shared by the tests/test_warehouse_*.py modules (not a conftest: plain helpers).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from warehouse.load import load_batch
from warehouse.publish import connect, open_for_writing, writer_lock
from warehouse.stage import discard_batch, pending_batches, stage_batch

ARTICLE_SCHEMA: dict[str, pl.DataType] = {
    "article_id": pl.String(), "url": pl.String(), "canonical_url": pl.String(),
    "source": pl.String(), "domain": pl.String(), "title": pl.String(),
    "authors": pl.List(pl.String()), "published_at": pl.Datetime("us", "UTC"),
    "published_at_source": pl.String(), "published_at_precision": pl.String(),
    "language": pl.String(), "text": pl.String(), "word_count": pl.Int32(),
    "content_hash": pl.String(), "relevance": pl.Float64(), "is_relevant": pl.Boolean(),
    "topics": pl.List(pl.String()), "fetched_at": pl.Datetime("us", "UTC"),
    "run_id": pl.String(),
}
MENTION_SCHEMA: dict[str, pl.DataType] = {
    "article_id": pl.String(), "entity_id": pl.String(), "surface": pl.String(),
    "count": pl.Int32(), "in_title": pl.Boolean(),
}
ENTITY_SCHEMA: dict[str, pl.DataType] = {
    "entity_id": pl.String(), "name": pl.String(), "wikidata_id": pl.String(),
    "type": pl.String(), "side": pl.String(),
}
FETCH_SCHEMA: dict[str, pl.DataType] = {
    "fetch_id": pl.String(), "run_id": pl.String(), "source": pl.String(),
    "kind": pl.String(), "url": pl.String(), "final_url": pl.String(), "status": pl.Int32(),
    "outcome": pl.String(), "reason": pl.String(), "bytes": pl.Int64(),
    "elapsed_ms": pl.Int32(), "fetched_at": pl.Datetime("us", "UTC"),
}
RUN_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String(), "started_at": pl.Datetime("us", "UTC"),
    "finished_at": pl.Datetime("us", "UTC"), "status": pl.String(), "sources": pl.Int32(),
    "sources_failed": pl.Int32(), "discovered": pl.Int32(), "fetched": pl.Int32(),
    "fetch_failed": pl.Int32(), "articles_new": pl.Int32(), "articles_updated": pl.Int32(),
    "articles_unchanged": pl.Int32(), "relevant": pl.Int32(), "per_source": pl.String(),
}

ENTITIES = [
    ("Q7747", "Vladimir Putin", "person", "russia"),
    ("Q15031", "Xi Jinping", "person", "china"),
    ("Q148", "China", "country", "china"),
    ("Q159", "Russia", "country", "russia"),
    ("Q252", "Indonesia", "country", "other"),
    ("Q649", "Moscow", "place", "russia"),
]


def article_id(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def article(url: str, *, source: str, language: str, title: str, text: str,
            published: datetime | None, fetched: datetime, run_id: str,
            relevant: bool = True, topics: list[str] | None = None) -> dict[str, Any]:
    domain = url.split("/")[2]
    return {
        "article_id": article_id(url), "url": url, "canonical_url": url, "source": source,
        "domain": domain, "title": title, "authors": ["Staff"], "published_at": published,
        "published_at_source": "meta" if published else None,
        "published_at_precision": "instant" if published else None,
        "language": language, "text": text, "word_count": len(text.split()),
        "content_hash": hashlib.sha1(" ".join(text.split()).encode()).hexdigest(),
        "relevance": 0.9 if relevant else 0.05, "is_relevant": relevant,
        "topics": topics or [], "fetched_at": fetched, "run_id": run_id,
    }


def mentions(url: str, *entities: tuple[str, str, int, bool]) -> list[dict[str, Any]]:
    return [{"article_id": article_id(url), "entity_id": e, "surface": s, "count": n,
             "in_title": t} for e, s, n, t in entities]


def run_tables(run_id: str, started: datetime, articles: list[dict[str, Any]],
               mention_rows: list[dict[str, Any]],
               fetch_rows: list[tuple[str, str, str]]) -> dict[str, pl.DataFrame]:
    """The staged tables of one run; fetch_rows are (source, url, outcome)."""
    fetches = [{
        "fetch_id": f"{run_id}:{i:06d}", "run_id": run_id, "source": src, "kind": "page",
        "url": url, "final_url": url, "status": 200 if outcome == "ok" else None,
        "outcome": outcome, "reason": None if outcome == "ok" else "timed out",
        "bytes": 1000, "elapsed_ms": 50, "fetched_at": started + timedelta(minutes=1),
    } for i, (src, url, outcome) in enumerate(fetch_rows)]
    runs = [{
        "run_id": run_id, "started_at": started, "finished_at": started + timedelta(hours=1),
        "status": "completed", "sources": len({f[0] for f in fetch_rows}), "sources_failed": 0,
        "discovered": len(fetch_rows), "fetched": len(fetch_rows), "fetch_failed": 0,
        "articles_new": 0, "articles_updated": 0, "articles_unchanged": 0, "relevant": 0,
        "per_source": "{}",
    }]
    return {
        "articles": pl.DataFrame(articles, schema=ARTICLE_SCHEMA),
        "mentions": pl.DataFrame(mention_rows, schema=MENTION_SCHEMA),
        "entities": pl.DataFrame([dict(zip(ENTITY_SCHEMA, (e[0], e[1], e[0], e[2], e[3]),
                                           strict=True)) for e in ENTITIES],
                                 schema=ENTITY_SCHEMA),
        "fetches": pl.DataFrame(fetches, schema=FETCH_SCHEMA),
        "runs": pl.DataFrame(runs, schema=RUN_SCHEMA),
    }


def publish(db: Path, data_dir: Path) -> int:
    """Load every pending batch into a copy and publish it, as the nightly flow does."""
    with writer_lock(db):
        batches = pending_batches(data_dir)
        with open_for_writing(db) as conn:
            for batch in batches:
                load_batch(conn, batch)
        for batch in batches:
            discard_batch(batch)
    return len(batches)


R1 = datetime(2025, 5, 9, 2, 0, tzinfo=UTC)
R2 = datetime(2025, 5, 10, 2, 0, tzinfo=UTC)
D1 = datetime(2025, 5, 8, 9, 30, tzinfo=UTC)
D2 = datetime(2025, 5, 9, 16, 0, tzinfo=UTC)

URL_EN = "https://en.example.test/2025/05/08/putin-xi-energy"
URL_RU = "https://ru.example.test/2025/05/08/peregovory"
URL_ID = "https://id.example.test/2025/05/08/kerja-sama"
URL_ZH = "https://zh.example.test/2025/05/08/zhong-e"
URL_SPORT = "https://en.example.test/2025/05/09/football"
URL_COPY = "https://mirror.example.test/putin-xi-energy"
URL_UNDATED = "https://ru.example.test/undated"
URL_RU2 = "https://ru.example.test/2025/05/09/sila-sibiri"

TEXT_EN = ("Vladimir Putin and Xi Jinping signed an energy deal in Moscow on Thursday, "
           "expanding gas supplies through the Power of Siberia pipeline.")


def build_sample_warehouse(db: Path, data_dir: Path) -> None:
    """Two nightly runs into ``db``; the second run's 'kompas' source fails entirely."""
    r1_fetch = R1 + timedelta(minutes=5)
    run1 = [
        article(URL_EN, source="globaltimes", language="en",
                title="Putin and Xi sign energy deal", text=TEXT_EN, published=D1,
                fetched=r1_fetch, run_id="r1", topics=["energy", "diplomacy"]),
        article(URL_RU, source="ria", language="ru",
                title="Переговоры Путина и Си Цзиньпина в Москве",
                text="Президенты России и Китая провели переговоры в Москве и обсудили "
                     "поставки газа по газопроводу «Сила Сибири».",
                published=D1, fetched=r1_fetch, run_id="r1", topics=["diplomacy", "energy"]),
        article(URL_ID, source="kompas", language="id",
                title="Indonesia memperkuat kerja sama dengan Tiongkok dan Rusia",
                text="Pemerintah Indonesia memperkuat kerja sama perdagangan dengan Tiongkok "
                     "dan Rusia, kata menteri luar negeri di Jakarta.",
                published=D1, fetched=r1_fetch, run_id="r1", topics=["trade"]),
        article(URL_ZH, source="xinhua", language="zh", title="中俄关系进入新时代",
                text="习近平与普京举行会谈，双方同意深化中俄全面战略协作伙伴关系。",
                published=D1, fetched=r1_fetch, run_id="r1", topics=["diplomacy"]),
        article(URL_SPORT, source="globaltimes", language="en", title="Local football results",
                text="The home team won two to one in the league on Friday.",
                published=D2, fetched=r1_fetch, run_id="r1", relevant=False),
    ]
    m1 = (mentions(URL_EN, ("Q7747", "Vladimir Putin", 1, True), ("Q15031", "Xi Jinping", 1, True),
                   ("Q649", "Moscow", 1, False))
          + mentions(URL_RU, ("Q7747", "Путина", 1, True), ("Q15031", "Си Цзиньпина", 1, True),
                     ("Q159", "России", 1, False), ("Q148", "Китая", 1, False),
                     ("Q649", "Москве", 2, True))
          + mentions(URL_ID, ("Q252", "Indonesia", 2, True), ("Q148", "Tiongkok", 2, True),
                     ("Q159", "Rusia", 2, True))
          + mentions(URL_ZH, ("Q15031", "习近平", 1, False), ("Q7747", "普京", 1, False),
                     ("Q148", "中", 1, True), ("Q159", "俄", 1, True)))
    f1 = [("globaltimes", URL_EN, "ok"), ("globaltimes", URL_SPORT, "ok"), ("ria", URL_RU, "ok"),
          ("kompas", URL_ID, "ok"), ("xinhua", URL_ZH, "ok")]
    stage_batch(data_dir, "r1", run_tables("r1", R1, run1, m1, f1))
    publish(db, data_dir)

    r2_fetch = R2 + timedelta(minutes=5)
    run2 = [
        article(URL_COPY, source="mirror", language="en", title="Putin and Xi sign energy deal",
                text=TEXT_EN, published=D2, fetched=r2_fetch, run_id="r2",
                topics=["energy", "diplomacy"]),
        article(URL_UNDATED, source="ria", language="ru", title="Пекин и Москва",
                text="Пекин и Москва договорились о торговле.", published=None,
                fetched=r2_fetch, run_id="r2", topics=["trade"]),
        article(URL_RU2, source="ria", language="ru", title="Сила Сибири",
                text="Газопровод «Сила Сибири» увеличил поставки газа в Китай.",
                published=D2, fetched=r2_fetch, run_id="r2", topics=["energy"]),
    ]
    m2 = (mentions(URL_COPY, ("Q7747", "Vladimir Putin", 1, True),
                   ("Q15031", "Xi Jinping", 1, True))
          + mentions(URL_UNDATED, ("Q148", "Пекин", 1, True), ("Q649", "Москва", 1, True))
          + mentions(URL_RU2, ("Q148", "Китай", 1, False)))
    f2 = [("mirror", URL_COPY, "ok"), ("ria", URL_UNDATED, "ok"), ("ria", URL_RU2, "ok"),
          ("kompas", "https://id.example.test/a", "timeout"),
          ("kompas", "https://id.example.test/b", "timeout")]
    stage_batch(data_dir, "r2", run_tables("r2", R2, run2, m2, f2))
    publish(db, data_dir)


def rows(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    conn = connect(db, read_only=True)
    try:
        return conn.execute(sql, params or []).fetchall()
    finally:
        conn.close()
