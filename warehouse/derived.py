"""Derived fact tables behind the daily views, rebuilt in the writer's copy on every publish.

The daily views group by the UTC day of ``published_at``. Computing that day per row
(a time-zone conversion) and re-aggregating mentions per article on every analyst query
costs seconds at a million articles, so the writer materialises two narrow tables, sorted by
day (DuckDB then skips every row group outside a queried date range):

- ``derived.article_days``: one row per dated, non-duplicate article;
- ``derived.entity_days``: one row per (dated, non-duplicate article, entity).

They hold no information of their own — dropping them loses nothing; the next publish
recreates them. Only the writer touches them, inside its private copy.
"""

from __future__ import annotations

import duckdb

DERIVED_TABLES: dict[str, str] = {
    "article_days": """
        SELECT CAST(timezone('UTC', published_at) AS DATE) AS day, article_id, source, domain,
               coalesce(language, 'und') AS language, coalesce(is_relevant, false) AS is_relevant,
               coalesce(topics, []) AS topics
        FROM articles
        WHERE published_at IS NOT NULL AND duplicate_of IS NULL
        ORDER BY day, article_id""",
    "entity_days": """
        SELECT a.day, m.entity_id, m.article_id, a.is_relevant,
               sum(m.count)::INTEGER AS count, bool_or(m.in_title) AS in_title
        FROM mentions m JOIN derived.article_days a USING (article_id)
        GROUP BY ALL
        ORDER BY a.day, m.entity_id, m.article_id""",
}


def refresh_derived(conn: duckdb.DuckDBPyConnection) -> None:
    """Recreate every derived table from ``articles`` and ``mentions``."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS derived")
    for name, sql in DERIVED_TABLES.items():
        conn.execute(f"CREATE OR REPLACE TABLE derived.{name} AS {sql}")
