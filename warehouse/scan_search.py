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

from warehouse.fts import _CJK_RUN, _PHRASE, OTHER, STEMMERS, SearchHit

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
    groups = list(STEMMERS)
    row = conn.execute("SELECT " + ", ".join(
        f"list_transform(?::VARCHAR[], w -> stem(w, '{STEMMERS[g]}'))" for g in groups),
        [words] * len(groups)).fetchone() if words else None
    out = {OTHER: words}
    for i, group in enumerate(groups):
        stems = row[i] if row else []
        out[group] = [s or w for s, w in zip(stems, words, strict=True)]
    return out


def scan_search(conn: duckdb.DuckDBPyConnection, query: str, *, language: str | None = None,
                since: date | None = None, limit: int = 20) -> list[SearchHit]:
    """Articles containing every word of ``query``, best first (see the module doc)."""
    words, verbatim = _needles(query)
    if not words and not verbatim:
        return []
    stems = _stems(conn, words)
    # One scan: the article's language picks its list of needles.
    cases = " ".join(f"WHEN '{g}' THEN ?::VARCHAR[]" for g in STEMMERS)
    params: list[object] = [stems[g] for g in STEMMERS] + [stems[OTHER], verbatim]
    filters = ["a.duplicate_of IS NULL"]
    if language is not None:
        filters.append("a.language = ?")
        params.append(language)
    if since is not None:
        filters.append("a.published_at >= ?::DATE")
        params.append(since.isoformat())
    params.append(limit)
    rows = conn.execute(f"""
        WITH docs AS (
            SELECT a.article_id, a.published_at, a.language, a.source, a.title, a.url,
                   a.word_count, lower(coalesce(a.title, '')) AS t,
                   lower(coalesce(a.text, '')) AS x,
                   list_distinct((CASE a.language {cases} ELSE ?::VARCHAR[] END)
                                 || ?::VARCHAR[]) AS needles
            FROM articles a WHERE {" AND ".join(filters)})
        SELECT list_sum(list_transform(needles, n ->
                   ln(1 + (length(x) - length(replace(x, n, ''))) / length(n))
                   + 2 * contains(t, n)::INTEGER)) / ln(2 + coalesce(word_count, 0)) AS score,
               article_id, published_at, language, source, title, url
        FROM docs
        WHERE list_bool_and(list_transform(needles, n -> contains(t || ' ' || x, n)))
        ORDER BY score DESC, article_id
        LIMIT ?""", params).fetchall()
    return [SearchHit(float(r[0]), *r[1:]) for r in rows]
