"""Loading staged batches into the warehouse: a few transactions per batch, idempotent.

Everything goes in bulk from the batch's Parquet files (DuckDB reads them directly): no
row-by-row inserts. Loading the same batch twice leaves the warehouse as loading it once.
A batch's articles (with their mentions and dates) go in transactions of whole staged
parts of about :data:`ARTICLES_PER_TRANSACTION` articles, as if each were a batch of its
own: DuckDB must hold a transaction's new rows until it commits, so one transaction per
batch would need memory in proportion to the run. The run-wide tables go with the last transaction.

Keys are kept unique by the statements themselves (``MERGE`` on the key, anti-joins),
not by constraints, so the same loader writes a DuckLake warehouse, which has none; its
transaction takes the writers' turn (warehouse/serial.py) and is run again when another
writer committed first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from warehouse.dedup import store_signatures, update_clusters
from warehouse.lake import is_lake
from warehouse.serial import write_in_turn
from warehouse.stage import table_files

# Columns a staged ``articles.parquet`` carries (``fetched_at`` becomes first/last seen).
STAGED_ARTICLE_COLUMNS = (
    "article_id", "url", "canonical_url", "source", "domain", "title", "authors",
    "published_at", "published_at_source", "published_at_precision", "language", "text",
    "word_count", "content_hash", "relevance", "is_relevant", "topics", "fetched_at", "run_id",
)
# A staged ``captures.parquet``: the index of the run's WARC file (ingest/archive.py).
CAPTURE_SCHEMA = {
    "warc_file": pl.String, "offset": pl.Int64, "length": pl.Int64, "url": pl.String,
    "final_url": pl.String, "status": pl.Int32, "content_type": pl.String,
    "digest": pl.String, "fetched_at": pl.Datetime("us", "UTC"), "run_id": pl.String,
    "source": pl.String, "kind": pl.String, "feed_published_at": pl.String,
    "source_language": pl.String,
}
_UPDATED_COLUMNS = [c for c in STAGED_ARTICLE_COLUMNS
                    if c not in ("article_id", "fetched_at")]
# Staged articles per transaction (whole parts, at least one): 5,000 commit within the
# writer's 256 MB DuckDB budget (docs/throughput.md).
ARTICLES_PER_TRANSACTION = 5_000


@dataclass(frozen=True, slots=True)
class LoadCounts:
    """What one batch did to the warehouse, in total and per source."""

    new: int
    updated: int
    unchanged: int
    relevant: int
    duplicates: int
    # source -> (new, updated, unchanged, relevant, duplicates)
    per_source: dict[str, tuple[int, int, int, int, int]]

    @classmethod
    def of(cls, per_source: dict[str, tuple[int, int, int, int, int]]) -> LoadCounts:
        totals = [sum(v[i] for v in per_source.values()) for i in range(5)]
        return cls(*totals, per_source=per_source)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _part(path: Path, table: str) -> str:
    """The part a staged file belongs to: ``.part-00001``, or ``""`` for a whole table."""
    return path.name[len(table):-len(".parquet")]


def _staged(batch: Path, table: str, parts: frozenset[str] | None = None) -> str | None:
    """SQL reading the Parquet files of one staged table (whole or in parts), or None.

    ``parts`` keeps only those parts (as :func:`_part` names them); None reads them all.
    """
    files = [p for p in table_files(batch, table)
             if parts is None or _part(p, table) in parts]
    if not files:
        return None
    listing = ", ".join(f"'{_sql_path(p)}'" for p in files)
    return f"read_parquet([{listing}], union_by_name = true)"


def load_batch(conn: duckdb.DuckDBPyConnection, batch: Path,
               parts_per_transaction: int | None = None) -> LoadCounts:
    """Load one staged batch, a few parts per transaction, its run-wide tables last.

    Each transaction is what loading a batch of just those parts would be; the copy being
    written is published only after all of them (warehouse/publish.py). A DuckLake
    warehouse, whose every commit is a snapshot readers see, loads a batch in one.
    """
    files = table_files(batch, "articles")
    if not files:
        raise ValueError(f"staged batch {batch} has no articles table")
    parts = [_part(p, "articles") for p in files]
    per = len(parts) if is_lake(conn) else parts_per_transaction
    if per:
        chunks = [frozenset(parts[i:i + per]) for i in range(0, len(parts), per)]
    else:
        chunks = _chunks_of_articles(conn, files, parts)
    counts: LoadCounts | None = None
    for n, chunk in enumerate(chunks, 1):
        label = f"load {batch.name}" + (f" ({n}/{len(chunks)})" if len(chunks) > 1 else "")
        counts = write_in_turn(conn, label, partial(_load, conn, batch, chunk, counts,
                                                    last=n == len(chunks)))
    assert counts is not None  # there was at least one chunk
    return counts


def _chunks_of_articles(conn: duckdb.DuckDBPyConnection, files: list[Path],
                        parts: list[str]) -> list[frozenset[str]]:
    """Consecutive parts of about ARTICLES_PER_TRANSACTION articles (their Parquet footers
    give the counts), whatever size the parts were staged in."""
    listing = ", ".join(f"'{_sql_path(p)}'" for p in files)
    rows = dict(conn.execute(
        f"SELECT file_name, num_rows FROM parquet_file_metadata([{listing}])").fetchall())
    chunks: list[frozenset[str]] = []
    chunk: list[str] = []
    held = 0
    for path, part in zip(files, parts, strict=True):
        count = rows.get(str(path), 0)
        if chunk and held + count > ARTICLES_PER_TRANSACTION:
            chunks.append(frozenset(chunk))
            chunk, held = [], 0
        chunk.append(part)
        held += count
    chunks.append(frozenset(chunk))
    return chunks


def _load(conn: duckdb.DuckDBPyConnection, batch: Path, parts: frozenset[str],
          earlier: LoadCounts | None, last: bool) -> LoadCounts:
    """One transaction: the articles of ``parts``; with ``last``, the batch's other tables.

    Returns the counts of the batch so far (``earlier`` plus these parts).
    """
    cols = ", ".join(STAGED_ARTICLE_COLUMNS)
    staged_sql = _staged(batch, "articles", parts)
    # Duplicate keys inside one batch are resolved (the latest fetch wins), not an error.
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE staged_articles AS
        SELECT {cols} FROM {staged_sql}
        QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY fetched_at DESC) = 1""")
    # A staged fetch older than the stored one (an old capture reprocessed) adds its version
    # but does not overwrite the article: the newest fetch is the article.
    rows = conn.execute("""
        SELECT s.source,
               count(*) FILTER (WHERE a.article_id IS NULL),
               count(*) FILTER (WHERE a.article_id IS NOT NULL AND s.fetched_at >= a.last_seen_at
                                AND (a.content_hash IS DISTINCT FROM s.content_hash
                                     OR a.title IS DISTINCT FROM s.title)),
               count(*) FILTER (WHERE a.article_id IS NOT NULL AND NOT (
                                s.fetched_at >= a.last_seen_at
                                AND (a.content_hash IS DISTINCT FROM s.content_hash
                                     OR a.title IS DISTINCT FROM s.title))),
               count(*) FILTER (WHERE s.is_relevant)
        FROM staged_articles s LEFT JOIN articles a USING (article_id)
        GROUP BY s.source ORDER BY s.source""").fetchall()
    per_source = {r[0]: [int(v) for v in r[1:]] for r in rows}
    _record_versions(conn)
    # Only a newer fetch that changes something rewrites the row (and its run_id); an
    # unchanged refetch moves last_seen_at only.
    changed = " OR ".join(f"articles.{c} IS DISTINCT FROM excluded.{c}"
                          for c in _UPDATED_COLUMNS if c != "run_id")
    rewrite = f"(excluded.last_seen_at >= articles.last_seen_at AND ({changed}))"
    updates = ", ".join(f"{c} = CASE WHEN {rewrite} THEN excluded.{c} ELSE articles.{c} END"
                        for c in _UPDATED_COLUMNS)
    target = ", ".join(_UPDATED_COLUMNS)
    values = ", ".join(f"excluded.{c}" for c in _UPDATED_COLUMNS)
    conn.execute(f"""
        MERGE INTO articles
        USING (SELECT *, fetched_at AS first_seen_at, fetched_at AS last_seen_at
               FROM staged_articles) AS excluded
        ON articles.article_id = excluded.article_id
        WHEN MATCHED THEN UPDATE SET {updates},
            first_seen_at = least(articles.first_seen_at, excluded.first_seen_at),
            last_seen_at = greatest(articles.last_seen_at, excluded.last_seen_at)
        WHEN NOT MATCHED THEN INSERT (article_id, {target}, first_seen_at, last_seen_at)
            VALUES (excluded.article_id, {values}, excluded.first_seen_at,
                    excluded.last_seen_at)""")
    # The staged rows that are now the article (not an older capture loaded late): only
    # those replace its signature and mentions.
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE applied_articles AS
        SELECT s.article_id FROM staged_articles s JOIN articles a USING (article_id)
        WHERE s.fetched_at >= a.last_seen_at""")
    if per_source:  # a source per staged article: empty when nothing was staged
        # A night with nothing new (a rerun) skips the clustering's queries over the
        # stored signatures: ≈ 0.5 s of a 5 s rerun at 10,000 articles.
        store_signatures(conn, str(staged_sql))
        update_clusters(conn)
    _load_annotations(conn, batch, parts, with_entities=earlier is None)
    for source, values in (earlier.per_source if earlier else {}).items():
        mine = per_source.setdefault(source, [0, 0, 0, 0])
        for i in range(4):
            mine[i] += values[i]
    if not last:
        return LoadCounts.of({k: (*v, 0) for k, v in per_source.items()})
    # Duplicates once, over the whole batch: a later part's article may be the first seen
    # of a cluster and turn an earlier part's into its duplicate.
    duplicates = dict(conn.execute(f"""
        SELECT s.source, count(DISTINCT s.article_id)
        FROM (SELECT source, article_id FROM {_staged(batch, "articles")}) s
        JOIN articles a USING (article_id)
        WHERE a.duplicate_of IS NOT NULL GROUP BY s.source""").fetchall())
    counts = LoadCounts.of({k: (*v, int(duplicates.get(k, 0)))
                            for k, v in per_source.items()})
    # Logs keyed by their own ids: appending a batch twice adds nothing.
    for table, key in (("fetches", "fetch_id"), ("captures", 'warc_file, "offset"')):
        path = _staged(batch, table)
        if path:
            conn.execute(f"""
                INSERT INTO {table} BY NAME
                SELECT * FROM {path}
                WHERE ({key}) NOT IN (SELECT ({key}) FROM {table})
                QUALIFY row_number() OVER (PARTITION BY {key}) = 1""")
    load_fetch_state(conn, batch)
    runs = _staged(batch, "runs")
    if runs:
        conn.execute(f"""
            DELETE FROM runs
            WHERE run_id IN (SELECT run_id FROM {runs})""")
        conn.execute(f"""
            INSERT INTO runs BY NAME
            SELECT * REPLACE (
                ? AS articles_new, ? AS articles_updated, ? AS articles_unchanged,
                ? AS relevant)
            FROM {runs}""",
            [counts.new, counts.updated, counts.unchanged, counts.relevant])
    return counts


# One id per distinct (text, title) of an article; the same expression as migration 6.
VERSION_ID = "sha1(coalesce(content_hash, '') || chr(0) || coalesce(title, ''))[:16]"


def _record_versions(conn: duckdb.DuckDBPyConnection) -> None:
    """Every distinct text an article has had; a refetch of an unchanged text adds no row."""
    conn.execute(f"""
        MERGE INTO article_versions
        USING (SELECT article_id, {VERSION_ID} AS version_id, content_hash, title, text,
                      word_count, fetched_at AS first_seen_at, fetched_at AS last_seen_at,
                      run_id
               FROM staged_articles) AS excluded
        ON article_versions.article_id = excluded.article_id
           AND article_versions.version_id = excluded.version_id
        WHEN MATCHED THEN UPDATE SET
            first_seen_at = least(article_versions.first_seen_at, excluded.first_seen_at),
            last_seen_at = greatest(article_versions.last_seen_at, excluded.last_seen_at)
        WHEN NOT MATCHED THEN INSERT BY NAME""")


def forget_captures(conn: duckdb.DuckDBPyConnection, warc_files: list[str]) -> None:
    """Drop the captures rows of pruned WARC files (articles and versions stay)."""
    if warc_files:
        conn.execute("DELETE FROM captures WHERE list_contains(?, warc_file)", [warc_files])


def _load_annotations(conn: duckdb.DuckDBPyConnection, batch: Path, parts: frozenset[str],
                      with_entities: bool) -> None:
    """The mentions and dates of ``parts``; the gazetteer's entities with the first parts."""
    entities = _staged(batch, "entities") if with_entities else None
    if entities:
        # The whole gazetteer comes with every batch: only changed entries are rewritten.
        conn.execute(f"""
            MERGE INTO entities
            USING (SELECT entity_id, name, wikidata_id, type, side
                   FROM {entities}
                   QUALIFY row_number() OVER (PARTITION BY entity_id) = 1) AS excluded
            ON entities.entity_id = excluded.entity_id
            WHEN MATCHED AND (entities.name, entities.wikidata_id, entities.type,
                              entities.side) IS DISTINCT FROM
                             (excluded.name, excluded.wikidata_id, excluded.type,
                              excluded.side)
                THEN UPDATE SET name = excluded.name, wikidata_id = excluded.wikidata_id,
                                type = excluded.type, side = excluded.side
            WHEN NOT MATCHED THEN INSERT BY NAME""")
    mentions = _staged(batch, "mentions", parts)
    if mentions:
        # An article's mentions are replaced as a whole when it is reloaded.
        conn.execute("""
            DELETE FROM mentions WHERE article_id IN (SELECT article_id FROM applied_articles)""")
        conn.execute(f"""
            INSERT INTO mentions BY NAME
            SELECT article_id, entity_id, surface, sum(count)::INTEGER AS count,
                   bool_or(in_title) AS in_title
            FROM {mentions}
            WHERE article_id IN (SELECT article_id FROM applied_articles)
            GROUP BY article_id, entity_id, surface""")
    dates = _staged(batch, "dates", parts)
    if dates:
        # Like mentions: the dates of an article's current text, replaced as a whole. One
        # row per (value, granularity), the first surface kept. A batch staged before
        # resolved_from was recorded has none: NULL, as migration 9 leaves older rows.
        staged = {r[0] for r in conn.execute(f"DESCRIBE SELECT * FROM {dates}").fetchall()}
        resolved_from = "resolved_from" if "resolved_from" in staged else "NULL"
        conn.execute("""
            DELETE FROM date_mentions
            WHERE article_id IN (SELECT article_id FROM applied_articles)""")
        conn.execute(f"""
            INSERT INTO date_mentions BY NAME
            SELECT article_id, surface, value, granularity,
                   {resolved_from}::VARCHAR AS resolved_from
            FROM {dates}
            WHERE article_id IN (SELECT article_id FROM applied_articles)
            QUALIFY row_number() OVER (PARTITION BY article_id, value, granularity
                                       ORDER BY surface) = 1""")

def load_fetch_state(conn: duckdb.DuckDBPyConnection, batch: Path) -> None:
    """Feed validators and source health from a batch (inside the caller's transaction).

    Both are idempotent and order-safe: a validator replaces an older one only, and a
    source's status counts once, only when its run is newer than the last one counted.
    """
    cache = _staged(batch, "http_cache")
    if cache:
        # Delete-then-insert rather than MERGE: DuckLake 1.5.5 fails this MERGE ("Invalid
        # argument") on a real run's batch.
        conn.execute(f"""
            CREATE OR REPLACE TEMP TABLE staged_cache AS
            SELECT url, source, etag, last_modified, body_sha1, checked_at
            FROM {cache}
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY checked_at DESC) = 1""")
        conn.execute("""
            DELETE FROM http_cache WHERE EXISTS (
                SELECT 1 FROM staged_cache s
                WHERE s.url = http_cache.url AND s.checked_at >= http_cache.checked_at)""")
        conn.execute("""
            INSERT INTO http_cache BY NAME
            SELECT * FROM staged_cache WHERE url NOT IN (SELECT url FROM http_cache)""")
    staged = _staged(batch, "source_status")
    if staged is None:
        return
    conn.execute(f"""
        INSERT INTO source_state (source, consecutive_failures)
        SELECT DISTINCT source, 0 FROM {staged}
        WHERE source NOT IN (SELECT source FROM source_state)""")
    conn.execute(f"""
        UPDATE source_state SET
            last_status = s.status,
            last_success_at = CASE WHEN s.status = 'ok' THEN s.checked_at
                                   ELSE source_state.last_success_at END,
            consecutive_failures = CASE s.status
                WHEN 'ok' THEN 0
                WHEN 'failed' THEN source_state.consecutive_failures + 1
                ELSE source_state.consecutive_failures END,
            last_error = CASE s.status WHEN 'ok' THEN NULL WHEN 'failed' THEN s.error
                              ELSE source_state.last_error END,
            last_run_id = s.run_id,
            updated_at = s.checked_at
        FROM {staged} AS s
        WHERE source_state.source = s.source
          AND (source_state.last_run_id IS NULL OR s.run_id > source_state.last_run_id)""")
