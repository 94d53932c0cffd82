"""Full-text search (BM25) over article titles and texts, offline, in many languages.

DuckDB's ``fts`` extension is loaded from the ``duckdb-extension-fts`` wheel (the signed
official binary for the pinned DuckDB), so no download is ever needed.

One stemmer cannot serve Russian, Indonesian and Chinese at once, so there is one index per
*index group*: a language with a Snowball stemmer gets its own index (``ru`` → schema
``fts_main_search_ru``, stemmer ``russian``); every other language, and articles of unknown
language, share the ``other`` index without stemming. Han, Hiragana and Katakana characters
are indexed one by one (Chinese and Japanese have no spaces between words), and a query's
run of such characters must also appear verbatim, so ``中俄关系`` finds that exact string.

Queries are stemmed per group with that group's stemmer, so "переговорах" finds
"переговоры" and "memperkuat" finds "kuat" without the user naming a language. Words are
ANDed (every word must occur), results are ranked by BM25 within the group, and groups are
merged by score. Text in "double quotes" must occur as a phrase.

The index is rebuilt inside the writer's copy after each load (see warehouse/publish.py),
for each language group whose articles changed. Exact duplicates are not indexed. A
DuckLake warehouse has no index: search scans there (warehouse/scan_search.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from warehouse.lake import is_lake

# ISO 639-1 → Snowball stemmer shipped in the fts extension.
STEMMERS: dict[str, str] = {
    "ar": "arabic", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
    "en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek",
    "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "nb": "norwegian",
    "nn": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "ms": "indonesian",  # Malay shares Indonesian morphology closely enough
}
OTHER = "other"
# Letters and digits are words; everything else separates them (the extension's default
# keeps only a-z, which would drop Cyrillic, Han, Arabic... entirely).
_IGNORE = r"(\.|[^\p{L}\p{N}])+"
# Characters of scripts written without spaces; indexed one character per token.
_CJK_CLASS = r"[\p{Han}\p{Hiragana}\p{Katakana}]"


def _cjk_spaced(sql: str) -> str:
    """SQL that surrounds every CJK character of ``sql`` with spaces (one token each)."""
    return rf"regexp_replace({sql}, '({_CJK_CLASS})', ' \1 ', 'g')"


_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_PHRASE = re.compile(r'"([^"]+)"')


class SearchUnavailableError(RuntimeError):
    """The fts extension cannot be loaded, or the warehouse has no search index yet."""


def extension_path() -> Path:
    """The fts binary bundled by the ``duckdb-extension-fts`` wheel for this DuckDB."""
    import duckdb_extension_fts

    version = duckdb.__version__
    path = (Path(duckdb_extension_fts.__file__).parent / "extensions" / f"v{version}"
            / "fts.duckdb_extension")
    if not path.exists():
        raise SearchUnavailableError(
            f"no fts extension for DuckDB {version} in duckdb-extension-fts "
            f"(install duckdb-extension-fts=={version})")
    return path


def load_fts(conn: duckdb.DuckDBPyConnection) -> None:
    """LOAD the bundled extension (works offline, read-only connections included)."""
    path = str(extension_path()).replace("'", "''")
    conn.execute(f"LOAD '{path}'")


def index_group(language: str | None) -> str:
    return language if language in STEMMERS else OTHER


def _stemmer(group: str) -> str:
    return STEMMERS.get(group, "none")


def _group_sql() -> str:
    cases = " ".join(f"WHEN '{lang}' THEN '{lang}'" for lang in sorted(STEMMERS))
    return f"CASE language {cases} ELSE '{OTHER}' END"


def _fingerprints(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per index group, a fingerprint of what its index is built from."""
    rows = conn.execute(f"""
        SELECT {_group_sql()} AS index_group, count(*),
               coalesce(bit_xor(hash(article_id, title, content_hash)), 0)
        FROM articles WHERE duplicate_of IS NULL GROUP BY index_group""").fetchall()
    return {group: f"{n}:{h}" for group, n, h in rows}


def rebuild_search_index(conn: duckdb.DuckDBPyConnection, force: bool = False) -> bool:
    """Rebuild the index of every language group whose articles changed; True if any did.

    Runs on the writer's private copy, so a crash here loses nothing: the copy is thrown
    away and the next publish rebuilds. Unchanged groups keep their index (a night with
    no Indonesian news does not re-index Indonesian).
    """
    load_fts(conn)
    current = _fingerprints(conn)
    built = dict(conn.execute("SELECT index_group, fingerprint FROM search_indexes").fetchall())
    stale = [g for g in built if g not in current]
    todo = [g for g, fp in sorted(current.items()) if force or built.get(g) != fp]
    for group in stale + todo:
        conn.execute(f"DROP SCHEMA IF EXISTS fts_main_search_{group} CASCADE")
        conn.execute("DELETE FROM search_indexes WHERE index_group = ?", [group])
    for group in todo:
        _build_group(conn, group, current[group])
    return bool(stale or todo)


def _build_group(conn: duckdb.DuckDBPyConnection, group: str, fingerprint: str) -> None:
    table = f"search_{group}"
    # The indexed copy lives in the temp catalog (memory, spilling to disk), so the texts
    # are not stored twice in the warehouse file; the index itself lands in main.
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT article_id, {_cjk_spaced("coalesce(title, '')")} AS title,
               {_cjk_spaced("coalesce(text, '')")} AS text
        FROM articles WHERE duplicate_of IS NULL AND {_group_sql()} = '{group}'""")
    stemmer = _stemmer(group)
    strip_accents = 1 if stemmer == "none" else 0  # Snowball stemmers expect the accents
    conn.execute(f"""
        PRAGMA create_fts_index('{table}', 'article_id', 'title', 'text',
            stemmer = '{stemmer}', stopwords = 'none', ignore = '{_IGNORE}',
            strip_accents = {strip_accents}, lower = 1, overwrite = 1)""")
    schema = f"fts_main_{table}"
    # Postings sorted by term: a query's term filter then skips whole row groups.
    conn.execute(f"""
        CREATE OR REPLACE TABLE {schema}.terms AS
        SELECT docid, fieldid, termid FROM {schema}.terms ORDER BY termid, docid""")
    conn.execute(f"DROP TABLE {table}")
    documents = conn.execute(f"SELECT num_docs FROM {schema}.stats").fetchone()
    conn.execute("INSERT INTO search_indexes VALUES (?, ?, ?, ?, now())",
                 [group, stemmer, documents[0] if documents else 0, fingerprint])


@dataclass(frozen=True, slots=True)
class SearchHit:
    score: float
    article_id: str
    published_at: datetime | None
    language: str | None
    source: str
    title: str | None
    url: str


def _query_terms(conn: duckdb.DuckDBPyConnection, group: str, words: str) -> list[str]:
    schema = f"fts_main_search_{group}"
    spaced = _cjk_spaced("?::VARCHAR")
    # The index's own tokenizer and stemmer, so queries and documents agree exactly.
    rows = conn.execute(f"""
        SELECT DISTINCT stem(t, ?) FROM (
            SELECT unnest({schema}.tokenize({spaced})) AS t) WHERE t <> ''""",
                        [_stemmer(group), words]).fetchall()
    return [r[0] for r in rows if r[0]]


def _group_scores(conn: duckdb.DuckDBPyConnection, group: str, words: str,
                  k: float = 1.2, b: float = 0.75) -> list[tuple[str, float]]:
    schema = f"fts_main_search_{group}"
    terms = _query_terms(conn, group, words)
    if not terms:
        return []
    found = conn.execute(f"SELECT termid, df FROM {schema}.dict WHERE list_contains(?, term)",
                         [terms]).fetchall()
    if len(found) < len(terms):
        return []  # a word no document of this group contains: AND cannot match
    ids = ", ".join(str(int(t)) for t, _ in found)  # literal ints: pushed into the scan
    rows = conn.execute(f"""
        WITH tf AS (
            SELECT docid, termid, count(*) AS tf FROM {schema}.terms
            WHERE termid IN ({ids}) GROUP BY docid, termid),
        hits AS (SELECT docid FROM tf GROUP BY docid HAVING count(*) = {len(found)})
        SELECT d.name, sum(
                 ln(((s.num_docs - dc.df) + 0.5) / (dc.df + 0.5) + 1)
                 * (tf.tf * ({k} + 1)) / (tf.tf + {k} * (1 - {b} + {b} * d.len / s.avgdl)))
        FROM tf JOIN hits USING (docid)
        JOIN {schema}.docs d USING (docid)
        JOIN {schema}.dict dc USING (termid)
        CROSS JOIN {schema}.stats s
        GROUP BY d.name""").fetchall()
    return [(r[0], float(r[1])) for r in rows]


def search(conn: duckdb.DuckDBPyConnection, query: str, *, language: str | None = None,
           since: date | None = None, limit: int = 20) -> list[SearchHit]:
    """Articles matching every word of ``query``, best first (BM25 within each group)."""
    load_fts(conn)
    if is_lake(conn):
        # A DuckLake has no index (warehouse/scan_search.py); imported here, as that
        # module builds on this one.
        from warehouse.scan_search import scan_search

        return scan_search(conn, query, language=language, since=since, limit=limit)
    groups = [r[0] for r in conn.execute(
        "SELECT index_group FROM search_indexes ORDER BY index_group").fetchall()]
    if not groups:
        raise SearchUnavailableError("the warehouse has no search index yet (publish a run)")
    if language is not None:
        groups = [g for g in groups if g == index_group(language)]
    words = _PHRASE.sub(lambda m: m.group(1), query)
    scores: dict[str, float] = {}
    for group in groups:
        for article_id, score in _group_scores(conn, group, words):
            scores[article_id] = max(score, scores.get(article_id, 0.0))
    if not scores:
        return []
    # Phrases and runs of Chinese/Japanese characters must occur verbatim.
    needles = [p.lower() for p in _PHRASE.findall(query)] + _CJK_RUN.findall(words)
    filters: list[str] = []
    params: list[object] = []
    if language is not None:
        filters.append("language = ?")
        params.append(language)
    if since is not None:
        filters.append("published_at >= ?::DATE")
        params.append(since.isoformat())
    for needle in needles:
        filters.append("contains(lower(coalesce(title, '') || ' ' || coalesce(text, '')), ?)")
        params.append(needle)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    hits: list[SearchHit] = []
    # Best candidates first, a chunk at a time: a literal IN list lets DuckDB read only
    # those rows' texts (joining a million-row table to the hits would scan every text).
    chunk = max(4 * limit, 256) if filters else limit
    for i in range(0, len(ranked), chunk):
        part = dict(ranked[i:i + chunk])
        ids = ", ".join("'" + a.replace("'", "''") + "'" for a in part)
        found = conn.execute(f"""
            SELECT article_id, published_at, language, source, title, url FROM articles
            WHERE article_id IN ({ids}) AND {" AND ".join(filters) or "true"}""",
                             params).fetchall()
        hits += sorted((SearchHit(part[r[0]], *r) for r in found),
                       key=lambda h: (-h.score, h.article_id))
        if len(hits) >= limit:
            break
    return hits[:limit]
