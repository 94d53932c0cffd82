"""Schema migrations: a registry of small ordered steps, each in its own transaction.

Every step records its row in ``schema_migrations`` inside the same transaction, so a
warehouse is always at exactly one known version. A warehouse newer than this code is
refused rather than guessed at.

The same steps build a DuckLake warehouse (warehouse/lake.py). DuckLake has no primary
keys, so there each ``CREATE TABLE`` loses its key constraints (the loader keeps keys
unique), and each step takes the writers' turn (warehouse/serial.py), so two writers
starting on a new lake apply every step once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import duckdb

from warehouse.lake import is_lake, without_keys
from warehouse.serial import ATTEMPTS, backoff, ensure_serial_table, is_retryable, write_in_turn

Migration = Callable[[duckdb.DuckDBPyConnection], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


class SchemaTooNewError(RuntimeError):
    """The warehouse was written by a newer sinorus than this one."""


def migration(version: int, name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        # Ascending, not necessarily contiguous: parallel branches reserve numbers and a
        # missing number is applied whenever it appears (see migrate()).
        assert not MIGRATIONS or MIGRATIONS[-1][0] < version, "migrations must be in order"
        MIGRATIONS.append((version, name, fn))
        return fn
    return register


@migration(1, "articles, fetches, runs, entities, mentions")
def _initial(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("""
        CREATE TABLE articles (
            article_id VARCHAR PRIMARY KEY,
            url VARCHAR NOT NULL,
            canonical_url VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            domain VARCHAR,
            title VARCHAR,
            authors VARCHAR[],
            published_at TIMESTAMPTZ,
            published_at_source VARCHAR,
            published_at_precision VARCHAR,
            language VARCHAR,
            text VARCHAR,
            word_count INTEGER,
            content_hash VARCHAR,
            duplicate_of VARCHAR,
            relevance DOUBLE,
            is_relevant BOOLEAN,
            topics VARCHAR[],
            first_seen_at TIMESTAMPTZ NOT NULL,
            last_seen_at TIMESTAMPTZ NOT NULL,
            run_id VARCHAR
        )""")
    conn.execute("""
        CREATE TABLE fetches (
            fetch_id VARCHAR PRIMARY KEY,
            run_id VARCHAR NOT NULL,
            source VARCHAR,
            kind VARCHAR,
            url VARCHAR NOT NULL,
            final_url VARCHAR,
            status INTEGER,
            outcome VARCHAR NOT NULL,
            reason VARCHAR,
            bytes BIGINT,
            elapsed_ms INTEGER,
            fetched_at TIMESTAMPTZ NOT NULL
        )""")
    conn.execute("""
        CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY,
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ,
            status VARCHAR,
            sources INTEGER,
            sources_failed INTEGER,
            discovered INTEGER,
            fetched INTEGER,
            fetch_failed INTEGER,
            articles_new INTEGER,
            articles_updated INTEGER,
            articles_unchanged INTEGER,
            relevant INTEGER,
            per_source JSON
        )""")
    conn.execute("""
        CREATE TABLE entities (
            entity_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            wikidata_id VARCHAR,
            type VARCHAR,
            side VARCHAR
        )""")
    conn.execute("""
        CREATE TABLE mentions (
            article_id VARCHAR NOT NULL,
            entity_id VARCHAR NOT NULL,
            surface VARCHAR NOT NULL,
            count INTEGER NOT NULL,
            in_title BOOLEAN NOT NULL,
            PRIMARY KEY (article_id, entity_id, surface)
        )""")


@migration(2, "http_cache, source_state, fetches.attempts")
def _fetch_state(conn: duckdb.DuckDBPyConnection) -> None:
    # Conditional-request validators of feeds and sitemaps, per URL (docs/fetching.md).
    conn.execute("""
        CREATE TABLE http_cache (
            url VARCHAR PRIMARY KEY,
            source VARCHAR,
            etag VARCHAR,
            last_modified VARCHAR,
            body_sha1 VARCHAR,
            checked_at TIMESTAMPTZ NOT NULL
        )""")
    # One row per source: how its recent runs went.
    conn.execute("""
        CREATE TABLE source_state (
            source VARCHAR PRIMARY KEY,
            last_status VARCHAR,
            last_success_at TIMESTAMPTZ,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            last_error VARCHAR,
            last_run_id VARCHAR,
            updated_at TIMESTAMPTZ
        )""")
    conn.execute("ALTER TABLE fetches ADD COLUMN attempts INTEGER")


@migration(3, "analyst views and their derived tables")
def _analyst_views(conn: duckdb.DuckDBPyConnection) -> None:
    from warehouse.derived import refresh_derived
    from warehouse.views import VIEWS_V3, create_views

    refresh_derived(conn)
    create_views(conn, VIEWS_V3)


@migration(4, "full-text search bookkeeping")
def _search_bookkeeping(conn: duckdb.DuckDBPyConnection) -> None:
    # One row per language index (schema fts_main_search_<group>); the fingerprint of the
    # group's articles it was built from lets a publish skip an unneeded rebuild.
    conn.execute("""
        CREATE TABLE search_indexes (
            index_group VARCHAR PRIMARY KEY,
            stemmer VARCHAR NOT NULL,
            documents BIGINT NOT NULL,
            fingerprint VARCHAR NOT NULL,
            built_at TIMESTAMPTZ NOT NULL
        )""")


@migration(5, "near duplicates: signatures, LSH bands, pairs, articles.cluster_id")
def _near_duplicates(conn: duckdb.DuckDBPyConnection) -> None:
    # One MinHash signature per article with enough text (docs/dedup.md).
    conn.execute("""
        CREATE TABLE article_signatures (
            article_id VARCHAR PRIMARY KEY,
            minhash UINTEGER[] NOT NULL
        )""")
    # LSH band keys: candidate pairs are an equality join on (band, key). No index: DuckDB
    # hash-joins, and deletes stay cheap.
    conn.execute("""
        CREATE TABLE article_bands (
            article_id VARCHAR NOT NULL,
            band SMALLINT NOT NULL,
            key BIGINT NOT NULL
        )""")
    # Confirmed pairs (article_a < article_b): the edges whose components are the clusters.
    conn.execute("""
        CREATE TABLE near_duplicates (
            article_a VARCHAR NOT NULL,
            article_b VARCHAR NOT NULL,
            similarity DOUBLE NOT NULL,
            kind VARCHAR NOT NULL,
            PRIMARY KEY (article_a, article_b)
        )""")
    conn.execute("ALTER TABLE articles ADD COLUMN cluster_id VARCHAR")
    conn.execute("ALTER TABLE articles ADD COLUMN duplicate_kind VARCHAR")
    # Older rows have no signature until reprocessed: each is its exact-duplicate cluster.
    conn.execute("UPDATE articles SET cluster_id = coalesce(duplicate_of, article_id), "
                 "duplicate_kind = CASE WHEN duplicate_of IS NOT NULL THEN 'exact' END")


@migration(6, "article_versions")
def _article_versions(conn: duckdb.DuckDBPyConnection) -> None:
    # Every distinct text (and title) an article has had; unchanged refetches add nothing.
    conn.execute("""
        CREATE TABLE article_versions (
            article_id VARCHAR NOT NULL,
            version_id VARCHAR NOT NULL,
            content_hash VARCHAR,
            title VARCHAR,
            text VARCHAR,
            word_count INTEGER,
            first_seen_at TIMESTAMPTZ NOT NULL,
            last_seen_at TIMESTAMPTZ NOT NULL,
            run_id VARCHAR,
            PRIMARY KEY (article_id, version_id)
        )""")
    conn.execute("""
        INSERT INTO article_versions
        SELECT article_id, sha1(coalesce(content_hash, '') || chr(0) || coalesce(title, ''))[:16],
               content_hash, title, text, word_count, first_seen_at, last_seen_at, run_id
        FROM articles""")


@migration(7, "captures: index of the raw WARC archive")
def _captures(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("""
        CREATE TABLE captures (
            warc_file VARCHAR NOT NULL,
            "offset" BIGINT NOT NULL,
            length BIGINT NOT NULL,
            url VARCHAR NOT NULL,
            final_url VARCHAR,
            status INTEGER,
            content_type VARCHAR,
            digest VARCHAR,
            fetched_at TIMESTAMPTZ NOT NULL,
            run_id VARCHAR NOT NULL,
            source VARCHAR,
            kind VARCHAR,
            feed_published_at VARCHAR,
            source_language VARCHAR,
            PRIMARY KEY (warc_file, "offset")
        )"""
    )


@migration(8, "article_dates: dates mentioned in the text")
def _article_dates(conn: duckdb.DuckDBPyConnection) -> None:
    # "pada hari Selasa", "Februari 2022", "в среду" resolved against the publication time.
    conn.execute("""
        CREATE TABLE article_dates (
            article_id VARCHAR NOT NULL,
            value VARCHAR NOT NULL,
            granularity VARCHAR NOT NULL,
            surface VARCHAR NOT NULL,
            PRIMARY KEY (article_id, value, granularity)
        )""")


@migration(9, "date_mentions (with resolved_from) replaces article_dates; date_calendar")
def _date_mentions(conn: duckdb.DuckDBPyConnection) -> None:
    from warehouse.views import VIEWS_V9, create_views

    conn.execute("""
        CREATE TABLE date_mentions (
            article_id VARCHAR NOT NULL,
            surface VARCHAR NOT NULL,
            value VARCHAR NOT NULL,
            granularity VARCHAR NOT NULL,
            resolved_from VARCHAR,
            PRIMARY KEY (article_id, value, granularity)
        )""")
    # Rows loaded before resolved_from was recorded keep it NULL until `sinorus reprocess`.
    conn.execute("""
        INSERT INTO date_mentions (article_id, surface, value, granularity)
        SELECT article_id, surface, value, granularity FROM article_dates""")
    conn.execute("DROP TABLE article_dates")
    create_views(conn, VIEWS_V9)


@migration(10, "search: own postings tables replace the fts extension's indexes")
def _search_postings(conn: duckdb.DuckDBPyConnection) -> None:
    # The extension rebuilt each language's index whole every night; these tables are
    # updated incrementally (warehouse/fts.py). The next publish indexes every article.
    for (schema,) in conn.execute("""
            SELECT schema_name FROM duckdb_schemas()
            WHERE database_name = current_database()
              AND schema_name LIKE 'fts_main_search_%'""").fetchall():
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
    conn.execute("DROP TABLE search_indexes")
    conn.execute("""
        CREATE TABLE search_indexes (
            index_group VARCHAR PRIMARY KEY,
            stemmer VARCHAR NOT NULL,
            documents BIGINT NOT NULL,
            tokens BIGINT NOT NULL,
            unsorted_postings BIGINT NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL
        )""")
    # No constraints on these two: emptied and rewritten by CREATE OR REPLACE ... AS.
    conn.execute("""
        CREATE TABLE search_docs (
            docid BIGINT, article_id VARCHAR, index_group VARCHAR, version UBIGINT,
            tokens INTEGER, terms INTEGER)""")
    conn.execute("""
        CREATE TABLE search_postings (
            index_group VARCHAR, term VARCHAR, term_key UBIGINT, docid BIGINT,
            tf INTEGER)""")


def applied_versions(conn: duckdb.DuckDBPyConnection) -> set[int]:
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations' "
        "AND table_catalog = current_database()"
    ).fetchone()
    if not exists or not exists[0]:
        return set()
    return {int(r[0]) for r in conn.execute("SELECT version FROM schema_migrations").fetchall()}


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations' "
        "AND table_catalog = current_database()"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


def latest_version() -> int:
    return MIGRATIONS[-1][0]


class _KeylessDDL:
    """The connection, with key constraints dropped from its CREATE TABLE statements."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self._conn = conn

    def execute(self, query: str, parameters: Any = None) -> duckdb.DuckDBPyConnection:
        return self._conn.execute(without_keys(query), parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def migrate(conn: duckdb.DuckDBPyConnection, up_to: int | None = None) -> list[int]:
    """Bring the schema up to date (or to version ``up_to``, to build an older warehouse
    in tests); returns the versions applied."""
    target = cast(duckdb.DuckDBPyConnection, _KeylessDDL(conn)) if is_lake(conn) else conn
    _create_bookkeeping(conn, target)
    done = applied_versions(conn)
    current = max(done, default=0)
    if current > latest_version():
        raise SchemaTooNewError(
            f"warehouse schema is version {current}, newer than this sinorus "
            f"(knows up to {latest_version()}); upgrade sinorus to open it")
    applied = []
    for version, name, step in MIGRATIONS:
        if version in done or (up_to is not None and version > up_to):
            continue

        def apply(version: int = version, name: str = name, step: Migration = step) -> bool:
            if version in applied_versions(conn):
                return False  # another writer applied it while we waited for the turn
            step(target)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                         [version, name])
            return True

        if write_in_turn(conn, f"migration {version}", apply):
            applied.append(version)
    return applied


def _create_bookkeeping(conn: duckdb.DuckDBPyConnection,
                        target: duckdb.DuckDBPyConnection) -> None:
    """``schema_migrations`` and ``write_serial``, once, even when writers race to them."""
    for attempt in range(ATTEMPTS):
        try:
            target.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""")
            break
        except duckdb.Error as exc:
            # On a new lake one CREATE commits; the others are refused and then find it.
            if not is_retryable(exc) or attempt == ATTEMPTS - 1:
                raise
            backoff(attempt)
    ensure_serial_table(conn)
