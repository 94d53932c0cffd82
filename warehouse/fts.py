"""Full-text search (BM25) over article titles and texts, offline, in many languages.

The index is ours: two plain tables, updated incrementally by the writer after each load
(warehouse/publish.py), so a night indexes only the articles it added or changed:

- ``search_docs``: one row per indexed article (``docid``, its index group, the version of
  title and text it was indexed from, its length in tokens);
- ``search_postings``: one row per (index group, stemmed term, docid) with the term's
  count in that article's title and text.

DuckDB's ``fts`` extension (loaded from the ``duckdb-extension-fts`` wheel, so no download
is ever needed) is used only for its Snowball ``stem()`` function. Its own
``create_fts_index`` rebuilds a whole index each time, ≈ 1 ms per article: minutes a night
at a million articles.

One stemmer cannot serve Russian, Indonesian and Chinese at once, so every article falls in
an *index group*: a language with a Snowball stemmer is its own group (``ru`` is stemmed
``russian``); every other language, and articles of unknown language, share the ``other``
group without stemming (accents stripped). Han, Hiragana and Katakana characters are
indexed one by one (Chinese and Japanese have no spaces between words), and a query's run
of such characters must also appear verbatim, so ``中俄关系`` finds that exact string.

Queries are stemmed per group with that group's stemmer, so "переговорах" finds
"переговоры" and "memperkuat" finds "kuat" without the user naming a language. Words are
ANDed (every word must occur), results are ranked by BM25 within the group, and groups are
merged by score. Text in "double quotes" must occur as a phrase. Exact duplicates are not
indexed. A DuckLake warehouse has no index: search scans there (warehouse/scan_search.py).

A changed or removed article leaves its postings behind, dead (``search_docs`` no longer
has its docid; queries join the two): DuckDB cannot DELETE from tens of millions of rows
within the writer's 256 MB. Postings are inserted sorted by ``term_key`` (a 64-bit MD5 of
group and term: integers sort ≈ 3 times faster than strings), and a query's key filter
reads only the row groups whose key range holds its terms. Nightly appends and dead
postings wear that order down, so the table is rewritten sorted, without the dead, once
they pass ``RESORT_SHARE`` of it.
"""

from __future__ import annotations

import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
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
# Letters, digits and combining marks are words; everything else separates them (without
# \p{M}, Hindi, Tamil or Nepali words fell apart at every vowel sign).
_SEPARATORS = r"[^\p{L}\p{N}\p{M}]+"
# Characters of scripts written without spaces; indexed one character per token.
_CJK_CLASS = r"[\p{Han}\p{Hiragana}\p{Katakana}]"
# Rewrite the postings sorted once those appended or dead since the last sort pass this
# share of them: a query then reads at most about this share beyond its terms' row groups.
RESORT_SHARE = 0.25
# BM25 parameters (the usual defaults, as in the fts extension's match_bm25).
BM25_K = 1.2
BM25_B = 0.75

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


def _stemmer_sql(group: str) -> str:
    cases = " ".join(f"WHEN '{g}' THEN '{s}'" for g, s in sorted(STEMMERS.items()))
    return f"CASE {group} {cases} ELSE 'none' END"


def _term_key_sql(group: str, term: str) -> str:
    # MD5, not DuckDB's hash(): stored keys must match queries after a DuckDB upgrade.
    return f"md5_number_upper({group} || ' ' || {term})"


def _tokens_sql(relation: str) -> str:
    """SQL: (docid, index_group, token) for every token of column ``s`` of ``relation``.

    Documents and queries both go through here, so they are cut alike. Snowball stemmers
    expect accents, so only the unstemmed group strips them. Tokens may be ''.
    """
    spaced = rf"regexp_replace(s, '({_CJK_CLASS})', ' \1 ', 'g')"
    return f"""
        SELECT docid, index_group, unnest(string_split_regex(
                   CASE WHEN regexp_matches(s, '{_CJK_CLASS}') THEN {spaced} ELSE s END,
                   '{_SEPARATORS}')) AS token
        FROM (SELECT docid, index_group,
                     CASE index_group WHEN '{OTHER}' THEN lower(strip_accents(s))
                                      ELSE lower(s) END AS s
              FROM {relation})"""


def update_search_index(conn: duckdb.DuckDBPyConnection, force: bool = False) -> bool:
    """Index the articles added or changed since the last update, drop those gone.

    True if anything changed. Runs on the writer's private copy, so a crash here loses
    nothing: the copy is thrown away and the next publish redoes the work. ``force``
    indexes everything again from scratch.
    """
    load_fts(conn)
    if force:
        # Emptied by replacement: DuckDB cannot DELETE from a table of tens of millions
        # of rows within the writer's 256 MB (measured: out of memory at 37 M postings).
        for table in ("search_postings", "search_docs"):
            conn.execute(f"CREATE OR REPLACE TABLE {table} AS FROM {table} LIMIT 0")
        conn.execute("DELETE FROM search_indexes")
    # What should be indexed: every non-duplicate article, at its current title and text.
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE search_wanted AS
        SELECT article_id, {_group_sql()} AS index_group,
               hash(title, content_hash) AS version
        FROM articles WHERE duplicate_of IS NULL""")
    matches = """d.article_id = w.article_id AND d.index_group = w.index_group
                 AND d.version = w.version"""
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE search_gone AS
        SELECT docid, index_group FROM search_docs d
        WHERE NOT EXISTS (SELECT 1 FROM search_wanted w WHERE {matches})""")
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE search_new AS
        -- Above every docid in use: dead postings may still carry a removed one, and a
        -- live article without a word has no postings.
        SELECT greatest((SELECT coalesce(max(docid), 0) FROM search_postings),
                        (SELECT coalesce(max(docid), 0) FROM search_docs))
                   + row_number() OVER (ORDER BY article_id) AS docid,
               article_id, index_group, version
        FROM search_wanted w
        WHERE NOT EXISTS (SELECT 1 FROM search_docs d WHERE {matches})""")
    gone = _count(conn, "SELECT count(*) FROM search_gone")
    new = _count(conn, "SELECT count(*) FROM search_new")
    churn = _remove_gone(conn) if gone else {}
    if new:
        # One insert is one sorted run: appending it to nothing leaves the table sorted.
        was_empty = not _count(conn, "SELECT count(*) FROM search_postings")
        for group, added in _add_new(conn).items():
            churn[group] = churn.get(group, 0) + (0 if was_empty else added)
    for table in ("search_wanted", "search_gone", "search_new"):
        conn.execute(f"DROP TABLE {table}")
    if not gone and not new:
        return False
    _refresh_stats(conn, churn)
    _resort_if_worn(conn)
    return True


def _count(conn: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _remove_gone(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Drop the docs of articles gone or changed; their postings, now dead, per group.

    Dead postings stay until the next sorted rewrite: queries join the postings to
    ``search_docs``, and a DELETE from the postings does not fit the writer's memory.
    """
    dead = {group: int(n) for group, n in conn.execute("""
        SELECT index_group, sum(terms) FROM search_docs
        WHERE docid IN (SELECT docid FROM search_gone) GROUP BY index_group""").fetchall()}
    conn.execute("DELETE FROM search_docs WHERE docid IN (SELECT docid FROM search_gone)")
    return dead


# DuckDB scans a table one row group (122,880 rows) per thread, so a night's articles, or
# a 10,000-page run, were tokenized on one core (3.1 s of a 3.9 s index update at 10,000
# articles). Below a row group, parts of this many articles run on cursors of their own.
_ARTICLES_PER_PART = 2_000
_ROW_GROUP = 122_880

_COUNT_TOKENS = """
    SELECT docid, index_group, token, count(*)::INTEGER AS n
    FROM ({tokens}) WHERE token <> '' GROUP BY ALL"""


def _texts(new: str, where: str = "true") -> str:
    return f"""(
        SELECT n.docid, n.index_group,
               coalesce(a.title, '') || ' ' || coalesce(a.text, '') AS s
        FROM {new} n JOIN articles a USING (article_id) WHERE {where})"""


def _count_tokens(conn: duckdb.DuckDBPyConnection) -> None:
    """TEMP ``search_tokens``: (docid, index_group, token, n) for each new article."""
    threads = _count(conn, "SELECT current_setting('threads')")
    new = _count(conn, "SELECT count(*) FROM search_new")
    parts = 1 if new >= _ROW_GROUP else max(1, min(threads, new // _ARTICLES_PER_PART))
    if parts == 1:
        conn.execute("CREATE OR REPLACE TEMP TABLE search_tokens AS "
                     + _COUNT_TOKENS.format(tokens=_tokens_sql(_texts("search_new"))))
        return
    # Other cursors do not see TEMP tables; this small one is dropped below (a crash
    # loses it with the writer's copy). The parts go to Parquet files, not to a table,
    # which would leave its freed blocks in the warehouse file.
    conn.execute("CREATE OR REPLACE TABLE search_scratch_new AS FROM search_new")
    with tempfile.TemporaryDirectory(prefix="sinorus-tokens-") as scratch:
        files = [str(Path(scratch, f"part-{part}.parquet")) for part in range(parts)]

        def count_part(part: int) -> None:
            texts = _texts("search_scratch_new", f"n.docid % {parts} = {part}")
            target = files[part].replace("'", "''")
            with conn.cursor() as cursor:
                cursor.execute(f"COPY ({_COUNT_TOKENS.format(tokens=_tokens_sql(texts))}) "
                               f"TO '{target}' (FORMAT parquet)")

        with ThreadPoolExecutor(parts) as pool:
            list(pool.map(count_part, range(parts)))
        conn.execute("CREATE OR REPLACE TEMP TABLE search_tokens AS FROM read_parquet(?)",
                     [files])
    conn.execute("DROP TABLE search_scratch_new")


def _add_new(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Tokenize, stem and count the new articles; postings added per group."""
    _count_tokens(conn)
    # Each distinct word is stemmed (and its key computed) once, not once per occurrence.
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE search_stems AS
        SELECT index_group, token, stem(token, {_stemmer_sql('index_group')}) AS term
        FROM (SELECT DISTINCT index_group, token FROM search_tokens)""")
    # A statement of its own: in one with the stemming, DuckDB's plan took 5 times longer.
    conn.execute(f"""
        CREATE OR REPLACE TEMP TABLE search_stems AS
        SELECT *, {_term_key_sql('index_group', 'term')} AS term_key
        FROM search_stems WHERE term <> ''""")
    first_new = _count(conn, "SELECT min(docid) FROM search_new")
    conn.execute("""
        INSERT INTO search_postings
        SELECT * FROM (
            SELECT t.index_group, s.term, s.term_key, t.docid, sum(t.n)::INTEGER AS tf
            FROM search_tokens t JOIN search_stems s USING (index_group, token)
            GROUP BY ALL)
        ORDER BY term_key""")
    # New docids are above every old one: the zone maps skip the old row groups.
    conn.execute("""
        INSERT INTO search_docs
        SELECT n.docid, n.article_id, n.index_group, n.version, coalesce(l.tokens, 0),
               coalesce(p.terms, 0)
        FROM search_new n
        LEFT JOIN (SELECT docid, sum(n) AS tokens FROM search_tokens GROUP BY docid) l
        USING (docid)
        LEFT JOIN (SELECT docid, count(*) AS terms FROM search_postings WHERE docid >= ?
                   GROUP BY docid) p USING (docid)""", [first_new])
    added = {group: int(n) for group, n in conn.execute("""
        SELECT index_group, sum(terms) FROM search_docs WHERE docid >= ?
        GROUP BY index_group""", [first_new]).fetchall()}
    conn.execute("DROP TABLE search_tokens")
    conn.execute("DROP TABLE search_stems")
    return added


def _refresh_stats(conn: duckdb.DuckDBPyConnection, churn: dict[str, int]) -> None:
    """Documents and tokens of each touched group (BM25 needs them), and its churn."""
    for group, changed in sorted(churn.items()):
        row = conn.execute("SELECT unsorted_postings FROM search_indexes WHERE index_group = ?",
                           [group]).fetchone()
        unsorted = int(row[0]) if row else 0
        conn.execute("DELETE FROM search_indexes WHERE index_group = ?", [group])
        conn.execute("""
            INSERT INTO search_indexes
            SELECT ?, ?, count(*), sum(tokens), ?, now() FROM search_docs
            WHERE index_group = ? HAVING count(*) > 0""",
                     [group, _stemmer(group), unsorted + changed, group])


def _resort_if_worn(conn: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the postings sorted when too many were appended or died since the last sort."""
    total = _count(conn, "SELECT count(*) FROM search_postings")
    unsorted = _count(conn, "SELECT sum(unsorted_postings) FROM search_indexes")
    if unsorted <= RESORT_SHARE * total:
        return
    # Dead postings (of docs gone or changed) are left out.
    conn.execute("""
        CREATE OR REPLACE TABLE search_postings AS
        SELECT p.* FROM search_postings p SEMI JOIN search_docs USING (docid)
        ORDER BY term_key""")
    conn.execute("UPDATE search_indexes SET unsorted_postings = 0")


@dataclass(frozen=True, slots=True)
class SearchHit:
    score: float
    article_id: str
    published_at: datetime | None
    language: str | None
    source: str
    title: str | None
    url: str


def _query_terms(conn: duckdb.DuckDBPyConnection, groups: list[str], words: str
                 ) -> dict[str, list[tuple[str, int]]]:
    """Per group, the query's distinct (term, term_key), cut and stemmed as its articles
    were (all groups in one statement)."""
    query = ("(SELECT 0 AS docid, g AS index_group, ?::VARCHAR AS s "
             "FROM unnest(?::VARCHAR[]) AS t(g))")
    rows = conn.execute(f"""
        SELECT index_group, term, {_term_key_sql('index_group', 'term')} FROM (
            SELECT DISTINCT index_group, stem(token, {_stemmer_sql('index_group')}) AS term
            FROM ({_tokens_sql(query)}) WHERE token <> '')
        WHERE term <> '' ORDER BY ALL""", [words, groups]).fetchall()
    terms: dict[str, list[tuple[str, int]]] = {group: [] for group in groups}
    for group, term, key in rows:
        terms[group].append((term, int(key)))
    return terms


def _sql_strings(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _group_scores(conn: duckdb.DuckDBPyConnection, group: str, terms: list[tuple[str, int]],
                  documents: int, tokens: int) -> list[tuple[str, float]]:
    """BM25 of the group's articles that contain every one of ``terms``.

    ``documents`` and ``tokens`` are the group's row of ``search_indexes``.
    """
    if not terms or not documents:
        return []
    keys = ", ".join(str(key) for _, key in terms)
    # Literals, not parameters: the key filter then reaches the scan and its zone maps.
    # The term and group are checked too, so that two terms sharing a key never mix.
    postings = f"""
        search_postings p WHERE p.term_key IN ({keys}) AND p.index_group = '{group}'
        AND p.term IN ({_sql_strings([t for t, _ in terms])})"""
    found = conn.execute(f"SELECT count(DISTINCT p.term) FROM {postings}").fetchone()
    if not found or found[0] < len(terms):
        return []  # a term no article of the group has: AND cannot match (≈ 1 ms to know)
    avg_len = max(tokens / documents, 1.0)
    k, b = BM25_K, BM25_B
    rows = conn.execute(f"""
        WITH p AS (
            SELECT p.term, p.docid, p.tf, d.article_id, d.tokens
            FROM search_docs d, {postings} AND p.docid = d.docid),  -- live postings only
        df AS (SELECT term, count(*) AS df FROM p GROUP BY term),
        hits AS (SELECT docid FROM p GROUP BY docid HAVING count(*) = {len(terms)})
        SELECT p.article_id, sum(
                 ln((({documents} - df.df) + 0.5) / (df.df + 0.5) + 1)
                 * (p.tf * ({k} + 1)) / (p.tf + {k} * (1 - {b} + {b} * p.tokens / {avg_len})))
        FROM p JOIN hits USING (docid) JOIN df USING (term)
        GROUP BY p.article_id""").fetchall()
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
    stats = {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT index_group, documents, tokens FROM search_indexes").fetchall()}
    if not stats:
        raise SearchUnavailableError("the warehouse has no search index yet (publish a run)")
    groups = sorted(g for g in stats if language is None or g == index_group(language))
    words = _PHRASE.sub(lambda m: m.group(1), query)
    scores: dict[str, float] = {}
    for group, terms in _query_terms(conn, groups, words).items():
        for article_id, score in _group_scores(conn, group, terms, *stats[group]):
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
