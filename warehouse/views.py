"""The analyst's day-one views, as SQL the migrations create (documented in docs/schema.md).

Each constant is frozen once a migration has shipped it: a later change is a new migration
that runs ``CREATE OR REPLACE VIEW`` with a new constant, so every warehouse at version N
has exactly the views of version N.

Conventions shared by every view:
- a "day" is the UTC calendar day of ``published_at``; articles whose publication time is
  unknown (NULL) have no day and are left out of the daily views;
- exact duplicates (``duplicate_of IS NOT NULL``) are counted once, under the first-seen
  article, so syndicated copies do not inflate counts;
- ``articles`` counts every article, ``relevant_articles`` only ``is_relevant`` ones.

The daily views read the day-sorted tables of ``derived`` (see warehouse/derived.py), which
the writer refreshes on every publish.
"""

from __future__ import annotations

import duckdb

# One row per (article, entity): mentions are stored per surface form.
_ARTICLE_ENTITIES = """
    SELECT article_id, entity_id, sum(count)::INTEGER AS count, bool_or(in_title) AS in_title
    FROM mentions GROUP BY article_id, entity_id"""

_DAY = "CAST(timezone('UTC', a.published_at) AS DATE)"

VIEWS_V3: dict[str, str] = {
    "relevant_articles": f"""
        SELECT a.article_id, a.published_at, {_DAY} AS day, a.source, a.domain, a.language,
               a.title, a.url, a.relevance, a.topics, a.word_count,
               coalesce(list(struct_pack(entity_id := e.entity_id, name := e.name,
                                         wikidata_id := e.wikidata_id, type := e.type,
                                         side := e.side, count := m.count,
                                         in_title := m.in_title)
                             ORDER BY m.count DESC, e.name)
                        FILTER (WHERE e.entity_id IS NOT NULL), []) AS entities
        FROM articles a
        LEFT JOIN ({_ARTICLE_ENTITIES}) m USING (article_id)
        LEFT JOIN entities e USING (entity_id)
        WHERE a.is_relevant AND a.duplicate_of IS NULL
        GROUP BY ALL""",
    # The daily views read the derived tables (warehouse/derived.py): the day is stored,
    # sorted, and mentions are already summed per (article, entity).
    "daily_entity_counts": """
        SELECT d.day, e.entity_id, e.name, e.type, e.side,
               count(*) AS articles, count(*) FILTER (WHERE d.is_relevant) AS relevant_articles,
               sum(d.count)::BIGINT AS mentions,
               count(*) FILTER (WHERE d.in_title) AS in_title
        FROM derived.entity_days d JOIN entities e USING (entity_id)
        GROUP BY ALL""",
    "daily_outlet_counts": """
        SELECT day, source, domain,
               count(*) AS articles, count(*) FILTER (WHERE is_relevant) AS relevant_articles
        FROM derived.article_days
        GROUP BY ALL""",
    "daily_language_counts": """
        SELECT day, language,
               count(*) AS articles, count(*) FILTER (WHERE is_relevant) AS relevant_articles
        FROM derived.article_days
        GROUP BY ALL""",
    "daily_topic_counts": """
        SELECT day, topic,
               count(*) AS articles, count(*) FILTER (WHERE is_relevant) AS relevant_articles
        FROM (SELECT day, unnest(topics) AS topic, is_relevant FROM derived.article_days)
        GROUP BY ALL""",
    # Each unordered pair once: entity_a < entity_b by id. Joining on day as well lets a
    # date filter prune both sides.
    "entity_cooccurrence_daily": """
        SELECT x.day, x.entity_id AS entity_a, ea.name AS name_a,
               y.entity_id AS entity_b, eb.name AS name_b,
               count(*) AS articles, count(*) FILTER (WHERE x.is_relevant) AS relevant_articles
        FROM derived.entity_days x
        JOIN derived.entity_days y
          ON x.day = y.day AND x.article_id = y.article_id AND x.entity_id < y.entity_id
        JOIN entities ea ON ea.entity_id = x.entity_id
        JOIN entities eb ON eb.entity_id = y.entity_id
        GROUP BY ALL""",
    # A source "succeeds" in a run when at least one of its fetches worked (ok, or 304 Not
    # Modified); a run in which it made no fetch at all does not count either way.
    "source_runs": """
        WITH f AS (
            SELECT run_id, source,
                   count(*) AS fetches,
                   count(*) FILTER (WHERE outcome IN ('ok', 'not_modified')) AS fetches_ok,
                   count(*) FILTER (WHERE outcome NOT IN ('ok', 'not_modified')) AS fetches_failed,
                   count(*) FILTER (WHERE kind = 'page' AND outcome = 'ok') AS pages_ok
            FROM fetches WHERE source IS NOT NULL
            GROUP BY ALL),
        n AS (
            SELECT r.run_id, a.source, count(*) AS new_articles,
                   count(*) FILTER (WHERE a.is_relevant) AS new_relevant
            FROM runs r JOIN articles a
              ON a.first_seen_at >= r.started_at
             AND a.first_seen_at <= coalesce(r.finished_at, r.started_at + INTERVAL 1 DAY)
            GROUP BY ALL)
        SELECT f.run_id, r.started_at, r.finished_at, f.source, f.fetches, f.fetches_ok,
               f.fetches_failed, f.pages_ok, coalesce(n.new_articles, 0) AS new_articles,
               coalesce(n.new_relevant, 0) AS new_relevant, f.fetches_ok > 0 AS succeeded
        FROM f JOIN runs r USING (run_id)
        LEFT JOIN n ON n.run_id = f.run_id AND n.source = f.source""",
    "source_health": """
        WITH ordered AS (
            SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC) AS age
            FROM source_runs),
        last_ok AS (
            SELECT source, min(age) AS age FROM ordered WHERE succeeded GROUP BY source)
        SELECT o.source,
               max(o.started_at) AS last_run_at,
               max(o.started_at) FILTER (WHERE o.succeeded) AS last_success_at,
               coalesce(min(l.age) - 1, count(*))::INTEGER AS failures_in_a_row,
               count(*) AS runs,
               max(o.new_articles) FILTER (WHERE o.age = 1) AS articles_last_night,
               round(avg(o.new_articles) FILTER (WHERE o.age <= 7), 1)
                   AS articles_per_night_7_runs,
               sum(o.new_articles) AS articles_total
        FROM ordered o LEFT JOIN last_ok l USING (source)
        GROUP BY o.source""",
}


# Migration 9. The calendar of the periods the texts talk about (date_mentions): a month row
# counts the articles naming the month or any day of it, once each. Years and weeks are
# left out. The languages are those of the relevant articles, most frequent first.
VIEWS_V9: dict[str, str] = {
    "date_calendar": """
        WITH refs AS (
            SELECT article_id, granularity, value FROM date_mentions
            WHERE granularity IN ('day', 'month')
            UNION
            SELECT article_id, 'month', left(value, 7) FROM date_mentions
            WHERE granularity = 'day'),
        counted AS (
            SELECT r.granularity, r.value, a.is_relevant, a.published_at,
                   coalesce(a.language, 'und') AS language
            FROM refs r JOIN articles a USING (article_id)
            WHERE a.duplicate_of IS NULL),
        languages AS (
            SELECT granularity, value,
                   list(struct_pack(language := language, relevant_articles := n)
                        ORDER BY n DESC, language) AS languages
            FROM (SELECT granularity, value, language, count(*) AS n
                  FROM counted WHERE is_relevant GROUP BY ALL)
            GROUP BY ALL)
        SELECT c.granularity, c.value,
               try_cast(CASE c.granularity WHEN 'month' THEN c.value || '-01'
                        ELSE c.value END AS DATE) AS period_start,
               count(*) AS articles,
               count(*) FILTER (WHERE c.is_relevant) AS relevant_articles,
               coalesce(any_value(l.languages), []) AS languages,
               min(c.published_at) AS first_published_at,
               max(c.published_at) AS last_published_at
        FROM counted c LEFT JOIN languages l USING (granularity, value)
        GROUP BY c.granularity, c.value""",
}


def create_views(conn: duckdb.DuckDBPyConnection, views: dict[str, str]) -> None:
    """CREATE OR REPLACE every view of ``views``, in order (later views may use earlier)."""
    for name, sql in views.items():
        conn.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")

