"""Layers 2 and 3: exact copies and near copies across runs end in one cluster."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.dedup_helpers import articles, publish, rows
from tests.dedup_texts import (
    BYLINED,
    EDITED,
    OTHER,
    OTHER_TITLE,
    SYNDICATED_TITLE,
    TRIMMED,
    WIRE,
    WIRE_TITLE,
)
from transform.fingerprint import (
    _TOKENS,
    NEAR_DUPLICATE_THRESHOLD,
    NUM_PERM,
    SEED,
    SHINGLE,
    shingles,
    signature,
    similarity,
)
from warehouse import dedup
from warehouse.load import load_batch
from warehouse.publish import open_for_writing, writer_lock
from warehouse.stage import stage_batch, write_tables

DAY1 = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
DAY2 = datetime(2026, 1, 2, 2, 0, tzinfo=UTC)


def _clusters(db: Path) -> dict[str, tuple[str, str | None, str | None]]:
    """url -> (cluster's canonical url, duplicate_of url, duplicate_kind)."""
    got = rows(db, """
        SELECT a.url, c.url, d.url, a.duplicate_kind FROM articles a
        JOIN articles c ON c.article_id = a.cluster_id
        LEFT JOIN articles d ON d.article_id = a.duplicate_of""")
    return {u: (c, d, k) for u, c, d, k in got}


@pytest.mark.parametrize("variant", [BYLINED, TRIMMED, EDITED])
def test_syndicated_variants_are_well_above_the_threshold(variant: str) -> None:
    assert similarity(signature(WIRE), signature(variant)) >= NEAR_DUPLICATE_THRESHOLD + 0.25


def test_another_story_on_the_same_event_is_well_below_it() -> None:
    assert similarity(signature(WIRE), signature(OTHER)) <= NEAR_DUPLICATE_THRESHOLD - 0.3


def test_signatures_are_datasketchs_minhash_of_the_shingles() -> None:
    """Signatures stored by earlier builds must stay comparable: ours copy one cached
    MinHash and hash the shingles unsorted; a fresh datasketch MinHash over the same
    shingles must give the same values."""
    from datasketch import MinHash

    texts = [WIRE, BYLINED, TRIMMED, EDITED, OTHER,
             "中国和俄罗斯在北京签署了新的贸易协定，双方同意扩大能源合作。" * 3,
             "Россия и Китай подписали соглашение о торговле и энергетике в Москве во вторник, "
             "а министры обсудили новые поставки газа через Сибирь и расчёты в рублях и юанях."]
    for text in texts:
        tokens = _TOKENS.findall(text.casefold())
        grams = {" ".join(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}
        assert shingles(text) == grams
        reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
        reference.update_batch([g.encode("utf-8") for g in grams])
        assert signature(text) == [int(v) for v in reference.hashvalues]


def test_short_texts_get_no_signature() -> None:
    assert signature("Putin met Xi.") is None


def test_copies_across_runs_form_one_cluster_with_the_first_seen_canonical(
        tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, articles(dict(url="https://wire.test/gas", title=WIRE_TITLE, text=WIRE,
                              fetched_at=DAY1)), "r1")
    publish(db, articles(
        # verbatim, another headline: exact layer
        dict(url="https://a.test/gas", title=SYNDICATED_TITLE, text=WIRE, fetched_at=DAY2),
        dict(url="https://b.test/gas", title=SYNDICATED_TITLE, text=BYLINED, fetched_at=DAY2),
        dict(url="https://c.test/gas", title=WIRE_TITLE, text=TRIMMED, fetched_at=DAY2),
        dict(url="https://d.test/gas", title=WIRE_TITLE, text=EDITED, fetched_at=DAY2),
        dict(url="https://e.test/gas", title=OTHER_TITLE, text=OTHER, fetched_at=DAY2)), "r2")
    clusters = _clusters(db)
    wire = "https://wire.test/gas"
    assert clusters == {
        wire: (wire, None, None),
        "https://a.test/gas": (wire, wire, "exact"),
        "https://b.test/gas": (wire, wire, "near"),
        "https://c.test/gas": (wire, wire, "near"),
        "https://d.test/gas": (wire, wire, "near"),
        "https://e.test/gas": ("https://e.test/gas", None, None),
    }
    pairs = rows(db, "SELECT kind, count(*), min(similarity) FROM near_duplicates GROUP BY kind")
    kinds = {k: (n, s) for k, n, s in pairs}
    assert kinds["exact"][0] == 1
    assert kinds["near"][1] >= NEAR_DUPLICATE_THRESHOLD


def test_clusters_do_not_depend_on_the_order_of_loading(tmp_path: Path) -> None:
    rows_by_order = []
    items = [dict(url="https://wire.test/gas", text=WIRE, fetched_at=DAY1),
             dict(url="https://b.test/gas", text=BYLINED, fetched_at=DAY2),
             dict(url="https://e.test/gas", text=OTHER, fetched_at=DAY2)]
    for name, order in (("forward", items), ("backward", items[::-1])):
        db = tmp_path / name / "w.duckdb"
        db.parent.mkdir()
        for i, item in enumerate(order):
            publish(db, articles(item), f"r{i}")
        rows_by_order.append(sorted(_clusters(db).items()))
    assert rows_by_order[0] == rows_by_order[1]


def test_an_edit_that_breaks_the_likeness_splits_the_cluster(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    publish(db, articles(dict(url="https://wire.test/gas", text=WIRE, fetched_at=DAY1),
                         dict(url="https://b.test/gas", text=BYLINED, fetched_at=DAY1)), "r1")
    assert _clusters(db)["https://b.test/gas"][1] == "https://wire.test/gas"
    # b.test replaces the wire copy with its own reporting.
    publish(db, articles(dict(url="https://b.test/gas", text=OTHER, fetched_at=DAY2)), "r2")
    assert _clusters(db)["https://b.test/gas"] == ("https://b.test/gas", None, None)
    assert rows(db, "SELECT count(*) FROM near_duplicates") == [(0,)]


def test_band_keys_shared_by_more_articles_than_the_cap_give_no_candidates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The story is there twice, so every key the bylined copy shares with it is held by
    # three articles: over a cap of two, the near copy is not found. Exact copies are
    # found on their content hash, not through band keys.
    items = articles(dict(url="https://wire.test/gas", text=WIRE, fetched_at=DAY1),
                     dict(url="https://a.test/gas", text=WIRE, fetched_at=DAY2),
                     dict(url="https://b.test/gas", text=BYLINED, fetched_at=DAY2))
    wire = "https://wire.test/gas"
    capped, uncapped = tmp_path / "capped" / "w.duckdb", tmp_path / "uncapped" / "w.duckdb"
    for db in (capped, uncapped):
        db.parent.mkdir()
    publish(uncapped, items, "r1")
    assert _clusters(uncapped)["https://b.test/gas"] == (wire, wire, "near")
    monkeypatch.setattr(dedup, "MAX_ARTICLES_PER_BAND_KEY", 2)
    publish(capped, items, "r1")
    clusters = _clusters(capped)
    assert clusters["https://a.test/gas"] == (wire, wire, "exact")
    assert clusters["https://b.test/gas"] == ("https://b.test/gas", None, None)
    assert rows(capped, "SELECT kind FROM near_duplicates") == [("exact",)]


def test_candidates_found_in_many_parts_are_those_found_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Large candidate joins run in parts; the smallest part size makes one part per
    # staged article, and the pairs must be exactly those of one part.
    first = articles(dict(url="https://wire.test/gas", text=WIRE, fetched_at=DAY1),
                     dict(url="https://c.test/gas", text=TRIMMED, fetched_at=DAY1))
    second = articles(dict(url="https://b.test/gas", text=BYLINED, fetched_at=DAY2),
                      dict(url="https://d.test/gas", text=EDITED, fetched_at=DAY2),
                      dict(url="https://e.test/gas", text=OTHER, fetched_at=DAY2))
    results = []
    for name, rows_per_part in (("whole", 1_000_000_000), ("parts", 1)):
        monkeypatch.setattr(dedup, "_JOIN_ROWS_PER_PART", rows_per_part)
        db = tmp_path / name / "w.duckdb"
        db.parent.mkdir()
        publish(db, first, "r1")
        publish(db, second, "r2")
        results.append((rows(db, """
            SELECT a.url, b.url, n.similarity, n.kind FROM near_duplicates n
            JOIN articles a ON a.article_id = n.article_a
            JOIN articles b ON b.article_id = n.article_b ORDER BY ALL"""),
            sorted(_clusters(db).items())))
    whole, parts = results
    assert len(whole[0]) == 6  # the four copies of the wire story pair up: 4 choose 2
    assert parts == whole


def test_a_batch_loaded_a_part_per_transaction_is_the_batch_loaded_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The copies come in the first part and the wire story they copy, seen a day earlier,
    # in the last: loaded part by part, the last part turns the first part's articles into
    # duplicates after they were loaded as originals.
    parts = [articles(dict(url="https://b.test/gas", text=BYLINED, fetched_at=DAY2),
                      dict(url="https://e.test/gas", text=OTHER, fetched_at=DAY2)),
             articles(dict(url="https://c.test/gas", text=TRIMMED, fetched_at=DAY2,
                           source="other")),
             articles(dict(url="https://wire.test/gas", text=WIRE, fetched_at=DAY1))]
    # By articles: parts of 2, 1 and 1 articles, at most 2 per transaction -> two.
    monkeypatch.setattr("warehouse.load.ARTICLES_PER_TRANSACTION", 2)
    results = []
    for name, per_transaction in (("whole", 1_000), ("parts", 1), ("articles", None)):
        db = tmp_path / name / "w.duckdb"
        db.parent.mkdir()
        batch = stage_batch(db.parent, "r1", {})
        for n, part in enumerate(parts, 1):
            write_tables(batch, {"articles": part}, f".part-{n:05d}")
        with writer_lock(db), open_for_writing(db) as conn:
            counts = load_batch(conn, batch, per_transaction)
            serial = conn.execute("SELECT serial FROM write_serial").fetchone()
        results.append((counts, sorted(_clusters(db).items()), rows(db, """
            SELECT a.url, b.url, n.similarity, n.kind FROM near_duplicates n
            JOIN articles a ON a.article_id = n.article_a
            JOIN articles b ON b.article_id = n.article_b ORDER BY ALL"""),
            rows(db, "SELECT * EXCLUDE (first_seen_at, last_seen_at) FROM articles "
                     "ORDER BY url")))
        results[-1] += (serial,)
    whole, by_part, by_articles = results
    assert by_part[:4] == whole[:4]
    assert by_part[4][0] == whole[4][0] + 2  # three transactions instead of one
    assert by_articles[:4] == whole[:4]
    assert by_articles[4][0] == whole[4][0] + 1  # two transactions
    counts = by_part[0]
    assert (counts.new, counts.duplicates) == (4, 2)
    assert counts.per_source == {"src": (3, 0, 0, 3, 1), "other": (1, 0, 0, 1, 1)}
