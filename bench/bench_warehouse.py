"""Warehouse benchmark (not a test): a synthetic warehouse, then the analysts' five queries.

    python bench/bench_warehouse.py [--articles 1000000] [--words 40] [--db PATH] [--reuse]
                                    [--nightly]

Build: the schema comes from the real migrations (``open_for_writing``), the rows from
direct bulk SQL (``INSERT … SELECT`` over ``range()``): generating a million articles through
polars + Parquet staging would measure the generator, not the warehouse. Then the real
full-text rebuild (``update_search_index``) and CHECKPOINT, as a publish does them.

Data shape: 200 outlets, 12 languages (en, ru, zh, id, …, skewed), publication times over
two years (2024-06 → 2026-05), ~30 % relevant, 1–3 topics, 1–6 entities per article out of
400 with a heavy head (Putin, Xi, China, Russia…), text of ``--words`` words drawn from a
skewed 5,000-word vocabulary (1 % of English articles contain the phrase "energy deal").

Queries: the five of docs/schema.md "Analyst queries", read from that file; query 3 is
timed as ``warehouse.fts.search('"energy deal"')`` (what ``sinorus search`` runs). Each is
run 5 times on a read-only connection; the first (cold) and the median are reported.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from pathlib import Path

from warehouse.derived import refresh_derived
from warehouse.fts import search, update_search_index
from warehouse.load import load_batch
from warehouse.publish import open_for_writing, writer_lock
from warehouse.query import open_read_only
from warehouse.stage import discard_batch, pending_batches, stage_batch

ROOT = Path(__file__).resolve().parent.parent
# The two heads carry their real Wikidata ids, so the docs' query 1 (Putin with Xi) hits.
_ENTITY_ID = ("CASE {r} WHEN 0 THEN 'Q7747' WHEN 1 THEN 'Q15031' "
              "ELSE 'Q' || (1000 + {r})::VARCHAR END")
LANGS = "['en','en','en','ru','ru','zh','zh','id','vi','fr','de','es','ja','ar','kk','en']"


def build(db: Path, articles: int, words: int) -> dict[str, float]:
    timings: dict[str, float] = {}
    for p in (db, db.with_name(db.name + ".next")):
        p.unlink(missing_ok=True)
    start = time.perf_counter()
    with writer_lock(db), open_for_writing(db, reindex=False) as conn:
        conn.execute("""
            CREATE TEMP TABLE vocab AS SELECT list('w' || i::VARCHAR) AS w FROM range(5000) t(i)""")
        conn.execute(f"""
            INSERT INTO entities
            SELECT {_ENTITY_ID.format(r="i")}, CASE i WHEN 0 THEN 'Vladimir Putin'
                   WHEN 1 THEN 'Xi Jinping' WHEN 2 THEN 'China' WHEN 3 THEN 'Russia'
                   ELSE 'Entity ' || i::VARCHAR END,
                   {_ENTITY_ID.format(r="i")}, ['person','country','org','place'][1 + i % 4],
                   ['china','russia','other'][1 + i % 3]
            FROM range(400) t(i)""")
        conn.execute(f"""
            INSERT INTO articles (article_id, url, canonical_url, source, domain, title,
                authors, published_at, published_at_source, published_at_precision,
                language, text, word_count, content_hash, duplicate_of, relevance,
                is_relevant, topics, first_seen_at, last_seen_at, run_id)
            SELECT md5(i::VARCHAR)[:16] AS article_id,
                   'https://outlet' || (i % 200)::VARCHAR || '.example/' || i::VARCHAR AS url,
                   url AS canonical_url, 'outlet' || (i % 200)::VARCHAR AS source,
                   'outlet' || (i % 200)::VARCHAR || '.example' AS domain,
                   'Headline ' || i::VARCHAR || ' ' || w[1 + (hash(i) % 5000)::INT] AS title,
                   ['Staff'] AS authors,
                   TIMESTAMPTZ '2024-06-01 00:00:00+00'
                     + to_seconds((hash(i, 'p') % (730 * 86400))::BIGINT) AS published_at,
                   'meta', 'instant', {LANGS}[1 + (hash(i, 'l') % 16)::INT] AS language,
                   array_to_string(list_transform(range({words}),
                       j -> w[1 + floor(5000 * pow(random(), 2))::INT])
                     || CASE WHEN language = 'en' AND i % 100 = 0
                             THEN ['energy', 'deal'] ELSE [] END, ' ') AS text,
                   {words}, md5(i::VARCHAR), NULL,
                   (hash(i, 'r') % 1000) / 1000.0 AS relevance, relevance > 0.7,
                   list_slice(['energy','trade','diplomacy','military','finance','culture'],
                              1 + (hash(i, 't') % 4)::INT, 2 + (hash(i, 't') % 4)::INT + 1),
                   published_at + INTERVAL 6 HOUR, published_at + INTERVAL 6 HOUR,
                   'bench'
            FROM range({articles}) t(i), vocab""")
        timings["insert articles s"] = time.perf_counter() - start
        t = time.perf_counter()
        # 1–6 entities per article; entity rank ~ 400·u³: a heavy head, a long tail.
        conn.execute(f"""
            INSERT INTO mentions
            SELECT DISTINCT ON (article_id, entity_id) article_id, entity_id,
                   'surface' AS surface, 1 + (hash(article_id, k) % 4)::INT AS count,
                   k = 0 AS in_title
            FROM (SELECT md5(i::VARCHAR)[:16] AS article_id, k,
                         {_ENTITY_ID.format(r="floor(400 * pow(random(), 3))::INT")} AS entity_id
                  FROM range({articles}) t(i),
                       LATERAL (SELECT unnest(range(1 + (hash(i, 'k') % 6)::INT)) AS k))""")
        timings["insert mentions s"] = time.perf_counter() - t
        t = time.perf_counter()
        refresh_derived(conn)
        timings["derived tables s"] = time.perf_counter() - t
        t = time.perf_counter()
        update_search_index(conn, force=True)
        timings["fts rebuild s"] = time.perf_counter() - t
        t = time.perf_counter()
    # open_for_writing refreshes the derived tables once more, then CHECKPOINT + rename.
    timings["derived again+checkpoint+rename s"] = time.perf_counter() - t
    timings["build total s"] = time.perf_counter() - start
    return timings


def nightly_publish(db: Path, new_articles: int = 500) -> dict[str, float]:
    """One night's publish on the big warehouse, through the real stage → load → publish."""
    import duckdb

    data = db.with_name(db.stem + "_data")
    gen = duckdb.connect()
    frame = gen.execute(f"""
        SELECT 'night' || i::VARCHAR AS article_id,
               'https://night.example/' || i::VARCHAR AS url, url AS canonical_url,
               'night' AS source, 'night.example' AS domain, 'Night ' || i::VARCHAR AS title,
               ['Staff'] AS authors, now() - INTERVAL 3 HOUR AS published_at,
               'meta' AS published_at_source, 'instant' AS published_at_precision,
               'en' AS language, 'energy deal signed tonight ' || i::VARCHAR AS text,
               5 AS word_count, md5('night' || i::VARCHAR) AS content_hash, 0.9 AS relevance,
               true AS is_relevant, ['energy'] AS topics, now() AS fetched_at,
               'night' AS run_id
        FROM range({new_articles}) t(i)""").pl()
    stage_batch(data, "night", {"articles": frame})
    start = time.perf_counter()
    with writer_lock(db):
        batches = pending_batches(data)
        with open_for_writing(db) as conn:
            for batch in batches:
                load_batch(conn, batch)
        for batch in batches:
            discard_batch(batch)
    return {f"nightly publish of {new_articles} new articles s": time.perf_counter() - start}


def analyst_queries() -> list[str]:
    text = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    section = text.split("## Analyst queries", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.S)


def run_queries(db: Path, repeat: int = 5) -> list[tuple[str, float, float, int]]:
    sql = analyst_queries()
    assert len(sql) == 5, "docs/schema.md should hold the five analyst queries"
    names = ["1 entity pair, daily, one year", "2 top co-occurring pairs, one month",
             "3 FTS phrase \"energy deal\"", "4 relevant per outlet per week",
             "5 30-day trend per topic"]
    conn = open_read_only(db, with_search=True)
    results = []
    for i, name in enumerate(names):
        times, n = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            if i == 2:
                n = len(search(conn, '"energy deal"', limit=20))
            else:
                n = len(conn.execute(sql[i]).fetchall())
            times.append(time.perf_counter() - t)
        results.append((name, times[0], statistics.median(times), n))
    conn.close()
    return results


def sizes(db: Path) -> dict[str, float]:
    conn = open_read_only(db)
    n, text_bytes, mentions = conn.execute("""
        SELECT (SELECT count(*) FROM articles), (SELECT sum(strlen(text)) FROM articles),
               (SELECT count(*) FROM mentions)""").fetchone()
    conn.close()
    size = os.path.getsize(db)
    return {"articles": n, "mentions": mentions, "file MB": size / 1e6,
            "text MB": text_bytes / 1e6,
            "bytes per article beyond its text": (size - text_bytes) / n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--words", type=int, default=40)
    ap.add_argument("--db", type=Path, default=Path("bench/bench_warehouse.duckdb"))
    ap.add_argument("--reuse", action="store_true", help="skip the build")
    ap.add_argument("--nightly", action="store_true",
                    help="also time one night's publish (copy, load, derived, FTS, rename)")
    args = ap.parse_args()
    print(f"cpus={os.cpu_count()} load={os.getloadavg()}")
    if not args.reuse:
        for k, v in build(args.db, args.articles, args.words).items():
            print(f"{k:>36}: {v:8.1f}")
    for k, v in sizes(args.db).items():
        print(f"{k:>34}: {v:,.1f}")
    print(f"{'query':<40} {'cold s':>8} {'median s':>9} {'rows':>6}")
    for name, cold, med, n in run_queries(args.db):
        print(f"{name:<40} {cold:8.3f} {med:9.3f} {n:6d}")
    if args.nightly:
        for k, v in nightly_publish(args.db).items():
            print(f"{k:>36}: {v:8.1f}")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
