"""Exact and near duplicates across the whole warehouse, inside the load transaction.

The staged articles' MinHash signatures replace their stored ones; their LSH band keys are
joined against every stored article's to find candidate pairs, which are confirmed on the
signatures (:data:`transform.fingerprint.NEAR_DUPLICATE_THRESHOLD`). Equal ``content_hash``
is a pair too (exact copies, even too short for a signature). Confirmed pairs are kept in
``near_duplicates``; clusters are their connected components (scipy, on integer ids),
recomputed only for the clusters the batch touches. Pairs never become Python objects: a
story copied a thousand times gives half a million of them. Each cluster's canonical
article is the first seen (by day; within a day the earliest published, then the earliest
fetched): ``cluster_id`` is its ``article_id``, and every other member's ``duplicate_of``
points at it. The result does not depend on the order in which batches are loaded. See
docs/dedup.md.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from transform.fingerprint import NEAR_DUPLICATE_THRESHOLD, NUM_PERM

# A band key shared by more articles than this gives no candidates: a quadratic number of
# pairs with no near-duplicate signal (text the extractor kept on every page of a site, a
# wire boilerplate). Measured on the N=10,000 benchmark corpus (docs/dedup.md): its largest
# key holds 724 articles, and caps of 500 or more lose no confirmed pair there; 200 loses 3 %.
MAX_ARTICLES_PER_BAND_KEY = 1_000
# Rows one part of the candidate join may yield (before DISTINCT): two integers each, so a
# part stays near 100 MB in DuckDB and in numpy.
_JOIN_ROWS_PER_PART = 4_000_000
# Candidate pairs compared at once: two gathered signature blocks of 64k x 128 x 4 bytes.
_PAIRS_PER_CHUNK = 65_536


def _staged_columns(conn: duckdb.DuckDBPyConnection, staged: str) -> set[str]:
    return {r[0] for r in conn.execute(f"DESCRIBE SELECT * FROM {staged}").fetchall()}


def store_signatures(conn: duckdb.DuckDBPyConnection, staged: str) -> None:
    """Replace the signatures and band keys of the articles the batch now holds.

    ``applied_articles`` (made by the caller) lists them: an older capture loaded late
    leaves the newer text's signature in place.
    """
    conn.execute("""DELETE FROM article_signatures
                    WHERE article_id IN (SELECT article_id FROM applied_articles)""")
    conn.execute("""DELETE FROM article_bands
                    WHERE article_id IN (SELECT article_id FROM applied_articles)""")
    if not {"signature", "band_keys"} <= _staged_columns(conn, staged):
        return  # a batch staged by an older sinorus: exact duplicates only
    # The same article may appear twice in a batch; the latest fetch wins, as for articles.
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE staged_signatures AS
        SELECT article_id, signature, band_keys FROM {staged}
        WHERE article_id IN (SELECT article_id FROM applied_articles)
        QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY fetched_at DESC) = 1""")
    conn.execute("DELETE FROM staged_signatures WHERE signature IS NULL")
    conn.execute("""INSERT INTO article_signatures
                    SELECT article_id, signature FROM staged_signatures""")
    conn.execute("""
        INSERT INTO article_bands
        SELECT article_id, (b.i - 1)::SMALLINT, band_keys[b.i]
        FROM staged_signatures, range(1, len(band_keys) + 1) AS b(i)""")


def _candidate_keys(conn: duckdb.DuckDBPyConnection) -> int:
    """Fill ``candidate_keys`` (band, key, idx, staged) and ``candidate_articles``.

    Only keys that a staged article shares with another, and with not too many. Articles
    get a dense integer ``idx`` so the pair join and its DISTINCT work on integers, not on
    16-character ids. Returns an upper bound of the join's rows (before DISTINCT).
    """
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE candidate_bands AS
        WITH staged_bands AS (
            SELECT * FROM article_bands
            WHERE article_id IN (SELECT article_id FROM staged_articles)),
        shared AS (
            SELECT band, key FROM article_bands SEMI JOIN staged_bands USING (band, key)
            GROUP BY band, key HAVING count(*) BETWEEN 2 AND {int(MAX_ARTICLES_PER_BAND_KEY)})
        SELECT * FROM article_bands SEMI JOIN shared USING (band, key)""")
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE candidate_articles AS
        SELECT article_id, (row_number() OVER (ORDER BY article_id) - 1)::INTEGER AS idx,
               article_id IN (SELECT article_id FROM staged_articles) AS staged
        FROM (SELECT DISTINCT article_id FROM candidate_bands)
        SEMI JOIN article_signatures USING (article_id)""")
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE candidate_keys AS
        SELECT b.band, b.key, c.idx, c.staged
        FROM candidate_bands b JOIN candidate_articles c USING (article_id)""")
    conn.execute("DROP TABLE candidate_bands")
    bound = conn.execute("""
        SELECT coalesce(sum(n_staged * n), 0)::BIGINT FROM (
            SELECT count(*) AS n, count(*) FILTER (WHERE staged) AS n_staged
            FROM candidate_keys GROUP BY band, key)""").fetchone()
    return int(bound[0]) if bound else 0


def _signature_matrix(conn: duckdb.DuckDBPyConnection) -> np.ndarray:
    """The candidate articles' signatures, row ``idx`` for the article of that ``idx``."""
    stored = conn.execute("""
        SELECT s.minhash FROM candidate_articles c JOIN article_signatures s USING (article_id)
        ORDER BY c.idx""").to_arrow_table()
    minhash = stored["minhash"].combine_chunks()
    return minhash.flatten().to_numpy(zero_copy_only=False).reshape(len(minhash), NUM_PERM)


def _add_near_pairs(conn: duckdb.DuckDBPyConnection) -> None:
    """Add to ``confirmed_pairs`` the candidates (a < b) over threshold with a staged article.

    The join runs in parts (staged articles split on ``idx`` modulo the number of parts)
    of about :data:`_JOIN_ROWS_PER_PART` rows each: on texts that share many sentences the
    candidates grow much faster than the batch (docs/dedup.md). Each pair comes from one
    part only: its staged side, or its lower staged side when both are staged. A pair
    already there as an exact copy stays exact.
    """
    bound = _candidate_keys(conn)
    if bound == 0:
        return
    matrix = _signature_matrix(conn)
    parts = -(-bound // _JOIN_ROWS_PER_PART)
    for part in range(parts):
        pairs = conn.execute(f"""
            SELECT DISTINCT least(s.idx, o.idx) AS a, greatest(s.idx, o.idx) AS b
            FROM candidate_keys s JOIN candidate_keys o
              ON s.band = o.band AND s.key = o.key AND s.idx <> o.idx
            WHERE s.staged AND s.idx % {parts} = {part}
              AND (s.idx < o.idx OR NOT o.staged)""").fetchnumpy()
        a, b = pairs["a"], pairs["b"]
        sims = np.empty(len(a), dtype=np.float64)
        for start in range(0, len(a), _PAIRS_PER_CHUNK):  # bounded memory for many pairs
            chunk = slice(start, start + _PAIRS_PER_CHUNK)
            sims[chunk] = (matrix[a[chunk]] == matrix[b[chunk]]).mean(axis=1)
        near = np.flatnonzero(sims >= NEAR_DUPLICATE_THRESHOLD)
        conn.register("near_part", pa.table({"a": a[near], "b": b[near],
                                             "similarity": sims[near].round(4)}))
        conn.execute("""
            INSERT INTO confirmed_pairs
            SELECT ca.article_id, cb.article_id, p.similarity, 'near'
            FROM near_part p
            JOIN candidate_articles ca ON ca.idx = p.a
            JOIN candidate_articles cb ON cb.idx = p.b
            ANTI JOIN confirmed_pairs e ON e.a = ca.article_id AND e.b = cb.article_id""")
        conn.unregister("near_part")


def _confirm_pairs(conn: duckdb.DuckDBPyConnection) -> None:
    """Fill ``confirmed_pairs`` (a < b, similarity, kind): the pairs with a staged article,
    equal texts or near ones over threshold. They stay in DuckDB: a story copied often
    gives pairs by the million (docs/dedup.md), too many for Python objects."""
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE confirmed_pairs AS
        SELECT DISTINCT least(s.article_id, o.article_id) AS a,
               greatest(s.article_id, o.article_id) AS b,
               1.0::DOUBLE AS similarity, 'exact' AS kind
        FROM articles s JOIN articles o
          ON s.content_hash = o.content_hash AND s.article_id <> o.article_id
        WHERE s.article_id IN (SELECT article_id FROM staged_articles)
          AND s.word_count > 0""")
    _add_near_pairs(conn)


def _components(conn: duckdb.DuckDBPyConnection) -> None:
    """``components`` (article_id, component): the connected components of the stored
    pairs among ``cluster_members`` and the articles those pairs reach."""
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE member_edges AS
        SELECT article_a, article_b FROM near_duplicates
        WHERE article_a IN (SELECT article_id FROM cluster_members)
           OR article_b IN (SELECT article_id FROM cluster_members)""")
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE cluster_nodes AS
        SELECT article_id, (row_number() OVER (ORDER BY article_id) - 1)::INTEGER AS idx
        FROM (SELECT article_id FROM cluster_members
              UNION SELECT article_a FROM member_edges
              UNION SELECT article_b FROM member_edges)""")
    nodes = conn.execute("SELECT count(*) FROM cluster_nodes").fetchone()
    n = int(nodes[0]) if nodes else 0
    edges = conn.execute("""
        SELECT na.idx AS a, nb.idx AS b FROM member_edges e
        JOIN cluster_nodes na ON na.article_id = e.article_a
        JOIN cluster_nodes nb ON nb.article_id = e.article_b""").fetchnumpy()
    graph = sparse.coo_matrix(
        (np.ones(len(edges["a"]), dtype=np.int8), (edges["a"], edges["b"])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    conn.register("labels", pa.table({"idx": np.arange(n, dtype=np.int32),
                                      "component": labels.astype(np.int32)}))
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE components AS
        SELECT c.article_id, l.component FROM cluster_nodes c JOIN labels l USING (idx)""")
    conn.unregister("labels")


def update_clusters(conn: duckdb.DuckDBPyConnection) -> None:
    """Recompute pairs, clusters, ``cluster_id``, ``duplicate_of`` for the staged articles."""
    # Clusters the batch touched before this load: a changed text may split one.
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE touched_clusters AS
        SELECT DISTINCT coalesce(cluster_id, article_id) AS cluster_id FROM articles
        WHERE article_id IN (SELECT article_id FROM staged_articles)
           OR article_id IN (SELECT article_a FROM near_duplicates
                             WHERE article_b IN (SELECT article_id FROM staged_articles))
           OR article_id IN (SELECT article_b FROM near_duplicates
                             WHERE article_a IN (SELECT article_id FROM staged_articles))""")
    conn.execute("""DELETE FROM near_duplicates
                    WHERE article_a IN (SELECT article_id FROM staged_articles)
                       OR article_b IN (SELECT article_id FROM staged_articles)""")
    _confirm_pairs(conn)
    conn.execute("INSERT INTO near_duplicates SELECT a, b, similarity, kind FROM confirmed_pairs")
    conn.execute("""
        INSERT INTO touched_clusters
        SELECT DISTINCT coalesce(cluster_id, article_id) FROM articles
        WHERE article_id IN (SELECT a FROM confirmed_pairs UNION SELECT b FROM confirmed_pairs)""")
    conn.execute("""
        CREATE OR REPLACE TEMP TABLE cluster_members AS
        SELECT article_id FROM articles
        WHERE coalesce(cluster_id, article_id) IN (SELECT cluster_id FROM touched_clusters)
           OR article_id IN (SELECT article_id FROM staged_articles)""")
    _components(conn)
    conn.execute("""
        UPDATE articles SET cluster_id = c.canonical,
            duplicate_of = CASE WHEN articles.article_id = c.canonical THEN NULL
                                ELSE c.canonical END,
            duplicate_kind = CASE WHEN articles.article_id = c.canonical THEN NULL
                                  WHEN articles.content_hash = c.canonical_hash THEN 'exact'
                                  ELSE 'near' END
        FROM (
            SELECT m.article_id,
                   first_value(a.article_id) OVER w AS canonical,
                   first_value(a.content_hash) OVER w AS canonical_hash
            FROM components m JOIN articles a USING (article_id)
            WINDOW w AS (PARTITION BY m.component
                         ORDER BY a.first_seen_at::DATE, a.published_at NULLS LAST,
                                  a.first_seen_at, a.article_id)
        ) AS c
        WHERE articles.article_id = c.article_id""")
    for table in ("confirmed_pairs", "candidate_keys", "candidate_articles", "member_edges",
                  "cluster_nodes", "components"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
