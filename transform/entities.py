"""Entity and keyword matching over a batch of documents, vectorised with polars.

One Aho–Corasick pass over the full pattern list (``str.extract_many``, overlapping) finds
every gazetteer pattern in every document; a second pass with only the patterns found
(``str.find_many``) gives their positions. The rest is joins and vectorised expressions on
the matches found, never a Python loop per article or per alias.
"""

from __future__ import annotations

import polars as pl

from transform.gazetteer import Gazetteer, normalise

SPAN_KINDS = ("full", "surname", "block")
# Byte offsets stay below this (documents under 4 GiB), so row * stride + end sorts by row.
_ROW_STRIDE = 1 << 32


def find_matches(docs: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Raw pattern hits, filtered by language scope and with nested hits removed.

    ``docs``: row (u32), doc (str), lang (str). Returns row, pos (byte offset in doc),
    end, pattern, entity_id, kind, core_start, core_len.
    """
    hits = pattern_occurrences(docs, gazetteer.pattern_list).with_columns(
        pl.col("pos").cast(pl.Int64)
    )
    patterns = gazetteer.patterns.with_columns(span=pl.col("kind").is_in(SPAN_KINDS))
    hits = hits.join(patterns, on="pattern", how="inner").filter(
        pl.col("scope").is_null() | (pl.col("scope") == pl.col("lang"))
    )
    hits = hits.with_columns(end=pl.col("pos") + pl.col("pattern").str.len_bytes())
    topics = hits.filter(~pl.col("span"))
    # By row, then start, then longest first (row and start packed into one sort key).
    spans = hits.filter(pl.col("span")).sort(
        pl.col("row").cast(pl.UInt64) * _ROW_STRIDE + pl.col("pos").cast(pl.UInt64),
        pl.col("end"),
        descending=[False, True],
    )
    # A hit inside a longer hit ("Putin" inside "Vladimir Putin", 俄 inside 中俄) is the
    # same mention: keep only spans that end after every earlier span of the row (earlier:
    # starting before, or at the same start and longer). Row and end are packed into one
    # integer, so one running maximum serves every row; copies of one span (a compound's
    # entities) share the cover of the first.
    packed = pl.col("row").cast(pl.UInt64) * _ROW_STRIDE + pl.col("end").cast(pl.UInt64)
    first = (
        (pl.col("row").diff() != 0) | (pl.col("pos").diff() != 0) | (pl.col("end").diff() != 0)
    ).fill_null(True)
    cover = pl.when(first).then(packed.cum_max().shift(1)).forward_fill()
    spans = spans.filter(cover.is_null() | (packed > cover))
    columns = ["row", "pos", "end", "pattern", "entity_id", "kind", "core_start", "core_len"]
    return pl.concat([spans.select(columns), topics.select(columns)])


def resolve_surnames(spans: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Entity mentions: full-name hits plus surname hits attributed to a person.

    A surname counts for the person whose full name came last before it in the same
    document; a surname in the title may also look ahead to a full name in the text.
    Surnames with no such full name (another Wang, a Mr Xi never named) are dropped.
    ``spans``: rows of kind full/surname from :func:`find_matches` (``title_end`` joined).
    """
    full = spans.filter(pl.col("kind") == "full")
    short = (
        spans.filter(pl.col("kind") == "surname")
        .select("row", "pos", "end", "pattern", "core_start", "core_len", "title_end")
        .unique()
        .sort("pos")
    )
    surname_of = gazetteer.patterns.filter(pl.col("kind") == "surname").select(
        "entity_id", "pattern"
    )
    anchors = (
        full.select("row", "pos", "entity_id")
        .join(surname_of, on="entity_id")
        .unique()
        .sort("pos")
        .rename({"pos": "anchor"})
    )
    back = short.join_asof(
        anchors, left_on="pos", right_on="anchor", by=["row", "pattern"], strategy="backward",
        check_sortedness=False,
    )
    fwd = short.join_asof(
        anchors, left_on="pos", right_on="anchor", by=["row", "pattern"], strategy="forward",
        check_sortedness=False,
    )
    back = back.with_columns(
        entity_id=pl.coalesce(
            "entity_id",
            pl.when(pl.col("pos") < pl.col("title_end")).then(fwd["entity_id"]),
        )
    ).drop_nulls("entity_id")
    columns = ["row", "pos", "entity_id", "core_start", "core_len"]
    return pl.concat([full.select(columns), back.select(columns)])


def pattern_occurrences(docs: pl.DataFrame, pattern_list: list[str]) -> pl.DataFrame:
    """row, lang, pattern, pos (byte offset): every occurrence of every pattern, overlapping.

    Building the automaton of the full list costs as much as running it over a batch, so
    the positions come from a second automaton of only the patterns found. Both report a
    document's matches in the same order (by end; at one end, longer first); each pair is
    checked against the text all the same, and the full list gives the positions if one is
    off.
    """
    text = normalise(docs["doc"])
    found = text.str.extract_many(pattern_list, overlapping=True)
    used = found.explode().drop_nulls().unique().sort().to_list()
    if not used:
        none = pl.repeat([], docs.height, dtype=pl.List(pl.UInt32), eager=True)
        return _paired(docs, found, none).drop("doc_index")
    hits = _paired(docs, found, text.str.find_many(used, overlapping=True))
    if hits is not None:
        at_pos = (
            pl.lit(text.cast(pl.Binary))
            .gather(pl.col("doc_index"))
            .bin.slice(pl.col("pos"), pl.col("pattern").str.len_bytes())
        )
        if hits.select((at_pos == pl.col("pattern").cast(pl.Binary)).all()).item():
            return hits.drop("doc_index")
    full = _paired(docs, found, text.str.find_many(pattern_list, overlapping=True))
    assert full is not None  # one automaton for both lists
    return full.drop("doc_index")


def _paired(docs: pl.DataFrame, found: pl.Series, positions: pl.Series) -> pl.DataFrame | None:
    """One line per match (doc_index: the document's position in ``docs``), or None if a
    document's two lists differ in length."""
    if not (found.list.len() == positions.list.len()).all():
        return None
    return (
        docs.select("row", "lang", doc_index=pl.int_range(pl.len(), dtype=pl.UInt32))
        .with_columns(pattern=found, pos=positions)
        .explode(["pattern", "pos"])
        .drop_nulls("pattern")
    )
