"""Full-text search: per-language stemming (Indonesian, Russian), Chinese, phrases, CLI."""

from __future__ import annotations

import contextlib
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_fixtures import (
    URL_EN,
    URL_ID,
    URL_RU,
    URL_RU2,
    URL_ZH,
    article_id,
    build_sample_warehouse,
    publish,
    rows,
)
from warehouse.fts import search, update_search_index
from warehouse.query import open_read_only

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fts")
    build_sample_warehouse(root / "w.duckdb", root)
    return root / "w.duckdb"


def _ids(db: Path, query: str, **kw: object) -> list[str]:
    conn = open_read_only(db, with_search=True)
    try:
        return [h.article_id for h in search(conn, query, **kw)]  # type: ignore[arg-type]
    finally:
        conn.close()


def test_indonesian_query_is_stemmed(db: Path) -> None:
    # "berdagang" (to trade) and "perdagangan" (trade) share the stem "dagang".
    assert _ids(db, "berdagang Tiongkok") == [article_id(URL_ID)]
    assert _ids(db, "memperkuat kerja sama", language="id") == [article_id(URL_ID)]


def test_russian_query_is_stemmed(db: Path) -> None:
    # "переговорах" (locative) finds "Переговоры" (nominative) in the title.
    assert _ids(db, "переговорах в Москве") == [article_id(URL_RU)]
    assert _ids(db, "газопроводу Сибири", language="ru") == [article_id(URL_RU2), article_id(URL_RU)]


def test_chinese_characters_must_occur_verbatim(db: Path) -> None:
    assert _ids(db, "中俄关系") == [article_id(URL_ZH)]
    assert _ids(db, "俄中关系") == []  # same characters, other order: not the phrase


def test_words_are_anded_and_phrases_checked(db: Path) -> None:
    assert _ids(db, '"energy deal"') == [article_id(URL_EN)]
    assert _ids(db, '"deal energy"') == []
    assert _ids(db, "energy football") == []


def test_language_and_date_filters(db: Path) -> None:
    assert _ids(db, "energy", language="ru") == []
    assert _ids(db, "Сибири", since=date(2025, 5, 9)) == [article_id(URL_RU2)]


def test_duplicates_are_not_indexed(db: Path) -> None:
    assert rows(db, "SELECT sum(documents) FROM search_indexes") == [(7,)]


def test_an_unchanged_warehouse_is_not_reindexed(tmp_path: Path, db: Path) -> None:
    copy = tmp_path / "w.duckdb"
    copy.write_bytes(db.read_bytes())
    conn = duckdb.connect(str(copy))
    try:
        assert update_search_index(conn) is False
        assert update_search_index(conn, force=True) is True
    finally:
        conn.close()
    publish(copy, tmp_path)  # nothing staged: publishes without rebuilding
    assert rows(copy, "SELECT count(*) FROM search_indexes") == [(4,)]


def test_search_command_prints_json(db: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "search", "переговорах", "--db", str(db),
         "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    hits = [json.loads(line) for line in done.stdout.splitlines()]
    assert [h["article_id"] for h in hits] == [article_id(URL_RU)]
    assert hits[0]["language"] == "ru"


def test_search_command_rejects_a_bad_date(db: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "search", "x", "--db", str(db), "--since", "May"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--since" in done.stderr and "Traceback" not in done.stderr


def test_only_the_changed_language_is_reindexed(tmp_path: Path, db: Path) -> None:
    from datetime import timedelta

    from tests.warehouse_fixtures import R2, article, run_tables
    from warehouse.stage import stage_batch

    copy = tmp_path / "w.duckdb"
    copy.write_bytes(db.read_bytes())
    before = dict(rows(copy, "SELECT index_group, updated_at FROM search_indexes"))
    url = "https://ru.example.test/2025/05/11/novoe"
    fetched = R2 + timedelta(days=1)
    stage_batch(tmp_path, "r3", run_tables("r3", fetched, [article(
        url, source="ria", language="ru", title="Новые переговоры",
        text="Новые переговоры о поставках нефти.", published=fetched, fetched=fetched,
        run_id="r3")], [], [("ria", url, "ok")]))
    publish(copy, tmp_path)
    after = dict(rows(copy, "SELECT index_group, updated_at FROM search_indexes"))
    assert [g for g in after if after[g] != before[g]] == ["ru"]
    assert _ids(copy, "нефти") == [article_id(url)]


def _index(conn: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    """The index's content without its internal docids."""
    postings = conn.execute("""
        SELECT d.article_id, d.index_group, d.tokens, d.terms, p.term, p.tf
        FROM search_postings p JOIN search_docs d USING (docid)
        ORDER BY ALL""").fetchall()
    stats = conn.execute("""SELECT index_group, stemmer, documents, tokens
                            FROM search_indexes ORDER BY ALL""").fetchall()
    return postings + stats


def _dead_postings(conn: duckdb.DuckDBPyConnection) -> int:
    """Postings of articles the index no longer holds (left until the sorted rewrite)."""
    row = conn.execute("SELECT count(*) FROM search_postings "
                       "ANTI JOIN search_docs USING (docid)").fetchone()
    return int(row[0]) if row else 0


@contextlib.contextmanager
def _writable_copy(tmp_path: Path, db: Path) -> Iterator[tuple[Path, duckdb.DuckDBPyConnection]]:
    """A copy of the module's warehouse and a writing connection to it."""
    copy = tmp_path / "w.duckdb"
    copy.write_bytes(db.read_bytes())
    conn = duckdb.connect(str(copy))
    try:
        yield copy, conn
    finally:
        conn.close()


def _add_article(conn: duckdb.DuckDBPyConnection, new_id: str, *, like: str, title: str,
                 text: str | None = None, language: str | None = None) -> None:
    """A new article: a copy of the one at URL ``like`` with its own id, URL and title
    (and text or language, if given)."""
    conn.execute("""
        INSERT INTO articles BY NAME
        SELECT * REPLACE (? AS article_id, 'https://x.test/' || ? AS url, ? AS title,
                          coalesce(?, text) AS text, coalesce(?, language) AS language,
                          ? AS content_hash)
        FROM articles WHERE article_id = ?""",
                 [new_id, new_id, title, text, language, new_id, article_id(like)])


def test_an_incremental_update_indexes_what_a_fresh_build_does(
        tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import warehouse.fts

    monkeypatch.setattr(warehouse.fts, "RESORT_SHARE", 1.0)  # keep the dead postings
    with _writable_copy(tmp_path, db) as (copy, conn):
        # A new article, a text rewritten, an article turned duplicate, and one moved to
        # another language.
        _add_article(conn, "new-article", like=URL_EN, title="Pipeline talks in Beijing")
        conn.execute("UPDATE articles SET text = 'A new gas pipeline deal.', "
                     "content_hash = 'changed' WHERE article_id = ?", [article_id(URL_EN)])
        conn.execute("UPDATE articles SET duplicate_of = ? WHERE article_id = ?",
                     [article_id(URL_RU), article_id(URL_RU2)])
        conn.execute("UPDATE articles SET language = 'ms' WHERE article_id = ?",
                     [article_id(URL_ID)])
        assert update_search_index(conn) is True
        incremental = _index(conn)
        assert _dead_postings(conn) > 0  # left behind, and not in _index()
        assert update_search_index(conn, force=True) is True
        assert incremental == _index(conn)
        hits = conn.execute("SELECT article_id FROM search_docs ORDER BY ALL").fetchall()
        assert ("new-article",) in hits and (article_id(URL_RU2),) not in hits
    assert sorted(_ids(copy, "pipeline")) == sorted(["new-article", article_id(URL_EN)])
    # The rewritten article's old text ("... on Thursday ...") is gone from the index.
    assert _ids(copy, "Thursday") == ["new-article"]
    assert _ids(copy, "memperkuat", language="ms") == [article_id(URL_ID)]


def test_worn_postings_are_rewritten_sorted(tmp_path: Path, db: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import warehouse.fts

    with _writable_copy(tmp_path, db) as (copy, conn):

        def storage_order_is_sorted() -> bool:
            stored = conn.execute("SELECT term_key FROM search_postings ORDER BY rowid"
                                  ).fetchall()
            return stored == sorted(stored)

        def append(name: str) -> None:
            _add_article(conn, name, like=URL_RU, title=f"{name} aaa")
            assert update_search_index(conn) is True

        monkeypatch.setattr(warehouse.fts, "RESORT_SHARE", 1.0)
        append("first")  # its run of keys starts again low, after the others' high keys
        assert not storage_order_is_sorted()
        worn = conn.execute("SELECT sum(unsorted_postings) FROM search_indexes").fetchone()
        assert worn is not None and worn[0] > 0
        monkeypatch.setattr(warehouse.fts, "RESORT_SHARE", 0.0)
        # A changed article: its old postings die.
        conn.execute("UPDATE articles SET content_hash = 'changed' WHERE article_id = ?",
                     [article_id(URL_RU2)])
        append("second")
        assert storage_order_is_sorted()
        # The rewrite also dropped the postings of articles no longer indexed.
        assert _dead_postings(conn) == 0
        assert conn.execute("SELECT sum(unsorted_postings) FROM search_indexes"
                            ).fetchall() == [(0,)]
    assert _ids(copy, "aaa") == sorted(["first", "second"])


def test_scores_are_the_fts_extensions_bm25(tmp_path: Path, db: Path) -> None:
    from warehouse.fts import _group_scores, _query_terms, load_fts

    with _writable_copy(tmp_path, db) as (_, conn):
        load_fts(conn)
        conn.execute("""CREATE TABLE en AS SELECT a.article_id, a.title, a.text
                        FROM articles a JOIN search_docs d USING (article_id)
                        WHERE d.index_group = 'en'""")
        conn.execute(r"""PRAGMA create_fts_index('en', 'article_id', 'title', 'text',
                         stemmer = 'english', stopwords = 'none',
                         ignore = '(\.|[^\p{L}\p{N}])+', strip_accents = 0)""")
        stats = conn.execute("SELECT documents, tokens FROM search_indexes "
                             "WHERE index_group = 'en'").fetchone()
        assert stats is not None
        for query in ("energy", "Putin Xi", "deal", "team league", "energy league"):
            theirs = conn.execute("""
                SELECT article_id, score FROM (
                    SELECT article_id, fts_main_en.match_bm25(
                        article_id, ?, conjunctive := 1) AS score FROM en)
                WHERE score IS NOT NULL ORDER BY article_id""", [query]).fetchall()
            terms = _query_terms(conn, ["en"], query)["en"]
            ours = sorted(_group_scores(conn, "en", terms, *stats))
            assert [a for a, _ in ours] == [a for a, _ in theirs], query
            # The extension takes log10 for the IDF where BM25 has ln: a constant factor.
            assert [s for _, s in ours] == pytest.approx(
                [s * math.log(10) for _, s in theirs]), query
            assert bool(theirs) == (query != "energy league"), query


def test_words_with_vowel_signs_stay_whole(tmp_path: Path, db: Path) -> None:
    from warehouse.fts import _query_terms, load_fts

    with _writable_copy(tmp_path, db) as (copy, conn):
        load_fts(conn)
        # Devanagari vowel signs are combining marks, not letters.
        assert len(_query_terms(conn, ["hi"], "नमस्ते दुनिया")["hi"]) == 2
        _add_article(conn, "hindi", like=URL_EN, title="रूस और चीन", text="नमस्ते दुनिया",
                     language="hi")
        update_search_index(conn)
    assert _ids(copy, "दुनिया") == ["hindi"]
    assert _ids(copy, "दु") == []  # a fragment of a word is not a word


def test_the_index_is_the_same_tokenized_in_one_part_or_several(
        tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import warehouse.fts

    with _writable_copy(tmp_path, db) as (_, conn):
        conn.execute("SET threads = 4")
        monkeypatch.setattr(warehouse.fts, "_ARTICLES_PER_PART", 10**9)  # one part
        update_search_index(conn, force=True)
        whole = _index(conn)
        monkeypatch.setattr(warehouse.fts, "_ARTICLES_PER_PART", 1)  # four parts, in threads
        update_search_index(conn, force=True)
        assert _index(conn) == whole and len(whole) > 50


def test_an_article_without_words_keeps_its_docid_to_itself(tmp_path: Path, db: Path) -> None:
    with _writable_copy(tmp_path, db) as (copy, conn):
        for new_id, title, text in (("empty", "", ""), ("after-empty", "Zzyzx", "Zzyzx")):
            _add_article(conn, new_id, like=URL_EN, title=title, text=text)
            update_search_index(conn)
        assert conn.execute("SELECT count(*) = count(DISTINCT docid) FROM search_docs"
                            ).fetchall() == [(True,)]
    assert _ids(copy, "zzyzx") == ["after-empty"]
