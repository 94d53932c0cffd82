"""Search by scanning, for a DuckLake warehouse (which has no full-text index).

The fts extension cannot store its index in DuckLake, and rebuilding an index on every
commit of several writers would serialise them on the slowest step. ``sinorus search``
therefore reads the texts directly there, with the same query language:

- every word must occur in the title or text (case-insensitive); each word is first cut
  to its stem by the Snowball stemmer of the article's language (the index's stemmers),
  and the stem must occur as a substring, so "переговорах" finds "переговоры";
- "double-quoted" phrases and runs of Chinese/Japanese characters must occur verbatim;
- exact duplicates are left out, as from the index.

Ranking is not BM25: each word adds log(1 + its occurrences), twice as much in the title,
damped by the article's length. A scan reads every text: fine up to some hundred thousand
articles, slow at millions (docs/scaling.md).
"""

from __future__ import annotations

import re
from datetime import date

import duckdb

from warehouse.fts import _CJK_RUN, _PHRASE, OTHER, STEMMERS, SearchHit, index_group

_WORD = re.compile(r"[^\W_]+")


def _needles(query: str) -> tuple[list[str], list[str]]:
    """(words to stem, strings that must occur verbatim), all lower-case."""
    verbatim = [p.lower() for p in _PHRASE.findall(query)]
    words: list[str] = []
    for token in _WORD.findall(_PHRASE.sub(" ", query).lower()):
        runs = _CJK_RUN.findall(token)
        verbatim += runs
        words += [w for w in _WORD.findall(_CJK_RUN.sub(" ", token)) if w]
    return list(dict.fromkeys(words)), list(dict.fromkeys(verbatim))


def _stems(conn: duckdb.DuckDBPyConnection, words: list[str]) -> dict[str, list[str]]:
    """Per index group, the query's words as that group's stemmer cuts them."""
    out = {OTHER: words}
    for group, stemmer in STEMMERS.items():
        if not words:
            out[group] = []
            continue
        rows = conn.execute("SELECT list_transform(?::VARCHAR[], w -> stem(w, ?))",
                            [words, stemmer]).fetchone()
        out[group] = [s or w for s, w in zip(rows[0] if rows else words, words, strict=True)]
    return out


def scan_search(conn: duckdb.DuckDBPyConnection, query: str, *, language: str | None = None,
                since: date | None = None, limit: int = 20) -> list[SearchHit]:
    """Articles containing every word of ``query``, best first (see the module doc)."""
    words, verbatim = _needles(query)
    if not words and not verbatim:
        return []
    stems = _stems(conn, words)
    doc = "lower(coalesce(a.title, '') || ' ' || coalesce(a.text, ''))"
    params: list[object] = []
    # One branch per stemmer in use: the article's language picks its stems.
    groups = sorted({index_group(language)} if language is not None else stems)
    branches = []
    for group in groups:
        needles = list(dict.fromkeys(stems.get(group, []) + verbatim))
        test = " AND ".join(f"contains({doc}, ?)" for _ in needles) or "true"
        score = " + ".join(
            "ln(1 + (length(lower(coalesce(a.text, ''))) - length(replace("
            "lower(coalesce(a.text, '')), ?, ''))) / length(?)) "
            "+ 2 * contains(lower(coalesce(a.title, '')), ?)::INTEGER" for _ in needles) or "0"
        languages = ("a.language IS NULL OR a.language NOT IN ("
                     + ", ".join(f"'{g}'" for g in STEMMERS) + ")") if group == OTHER \
            else f"a.language = '{group}'"
        branches.append(f"""
            SELECT a.article_id, ({score}) / ln(2 + coalesce(a.word_count, 0)) AS score
            FROM articles a
            WHERE a.duplicate_of IS NULL AND ({languages}) AND {test}""")
        for n in needles:
            params += [n, n, n]
        params += needles
    filters = ["true"]
    if language is not None:
        filters.append("a.language = ?")
        params.append(language)
    if since is not None:
        filters.append("a.published_at >= ?::DATE")
        params.append(since.isoformat())
    params.append(limit)
    rows = conn.execute(f"""
        WITH hits AS ({" UNION ALL ".join(branches)})
        SELECT h.score, a.article_id, a.published_at, a.language, a.source, a.title, a.url
        FROM hits h JOIN articles a USING (article_id)
        WHERE {" AND ".join(filters)}
        ORDER BY h.score DESC, a.article_id
        LIMIT ?""", params).fetchall()
    return [SearchHit(float(r[0]), *r[1:]) for r in rows]
