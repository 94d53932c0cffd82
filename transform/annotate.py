"""annotate(frame): language, entity mentions, relevance, topics and dates mentioned in the
text for a batch of articles.

Pure: no network, no disk beyond the bundled data files (read once per process).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from transform import relevance, topics
from transform.entities import find_matches, resolve_surnames
from transform.gazetteer import entity_table, load_gazetteer
from transform.language import SAMPLE_CHARS, identify_many
from transform.textdates import DATE, dates_column

# The title and text are matched as one document; the separator keeps words apart.
_SEP = " \n "

MENTION = pl.Struct(
    {"entity_id": pl.String, "surface": pl.String, "count": pl.UInt32, "in_title": pl.Boolean}
)
ENTITY = pl.Struct(
    {
        "name": pl.String,
        "wikidata_id": pl.String,
        "type": pl.String,
        "side": pl.String,
        "count": pl.UInt32,
    }
)


def entities_frame() -> pl.DataFrame:
    """The gazetteer as the warehouse ``entities`` table."""
    return entity_table()


ANNOTATION_SCHEMA = {
    "id": pl.String,
    "language": pl.String,
    "mentions": pl.List(MENTION),
    "entities": pl.List(ENTITY),
    "relevance": pl.Float64,
    "is_relevant": pl.Boolean,
    "topics": pl.List(pl.String),
    "dates": pl.List(DATE),
}


def annotate(frame: pl.DataFrame, with_dates: bool = True) -> pl.DataFrame:
    """Annotate a batch of articles (see docs/annotation.md for every rule).

    Input columns: id, title (str|null), text, language (declared, str|null), optional
    published_at (datetime or ISO string with offset; relative dates resolve against it).
    With ``with_dates=False`` the ``dates`` column is all empty lists.
    Output, same rows in the same order: id, language, mentions, entities, relevance,
    is_relevant, topics, dates.
    """
    if frame.height == 0:
        # A run that fetched nothing still stages empty tables: no gazetteer patterns,
        # language model or date rules to load for them (≈ 0.4 s of such a run).
        return pl.DataFrame(schema=ANNOTATION_SCHEMA)
    gaz = load_gazetteer()
    weights = relevance.load_weights()
    n = frame.height
    title = (
        pl.col("title").cast(pl.String).fill_null("")
        if "title" in frame.columns
        else pl.lit("")
    )
    text = pl.col("text").cast(pl.String).fill_null("")
    declared = (
        frame["language"].cast(pl.String).to_list()
        if "language" in frame.columns
        else [None] * n
    )
    base = frame.select(
        row=pl.int_range(0, n, dtype=pl.UInt32),
        title=title,
        text=text,
    )
    # Only the sample the model reads crosses into Python, not the whole text.
    sample = base.select(pl.concat_str("title", "text", separator=" ").str.slice(0, SAMPLE_CHARS))
    langs = identify_many(sample.to_series().to_list(), declared) if n else []
    docs = base.select(
        "row",
        lang=pl.Series(langs, dtype=pl.String),
        doc=pl.lit(" ") + pl.col("title") + pl.lit(_SEP) + pl.col("text") + pl.lit(" "),
        title_end=(pl.col("title").str.len_bytes() + 1).cast(pl.Int64),
        lead_end=(
            pl.col("title").str.len_bytes()
            + 1
            + len(_SEP)
            + pl.col("text").str.slice(0, weights["lead_chars"]).str.len_bytes()
        ).cast(pl.Int64),
    )
    hits = find_matches(docs.select("row", "doc", "lang"), gaz).join(
        docs.select("row", "title_end", "lead_end"), on="row"
    )
    spans = hits.filter(pl.col("kind").is_in(["full", "surname"]))
    mentions = (
        resolve_surnames(spans, gaz)
        .join(docs.select("row", "doc", "title_end", "lead_end"), on="row")
        .with_columns(
            surface=pl.col("doc")
            .cast(pl.Binary)
            .bin.slice(pl.col("pos") + pl.col("core_start"), pl.col("core_len"))
            .cast(pl.String),
            in_title=pl.col("pos") < pl.col("title_end"),
            zone=pl.when(pl.col("pos") < pl.col("title_end"))
            .then(pl.lit("title"))
            .when(pl.col("pos") < pl.col("lead_end"))
            .then(pl.lit("lead"))
            .otherwise(pl.lit("body")),
        )
        .drop("doc")
        .join(gaz.entities, on="entity_id")
    )
    keyword_hits = hits.filter(pl.col("kind").str.starts_with("topic:")).select(
        "row", "kind", in_title=pl.col("pos") < pl.col("title_end")
    )

    per_surface = (
        mentions.group_by("row", "entity_id", "surface")
        .agg(count=pl.len().cast(pl.UInt32), in_title=pl.col("in_title").any(),
             first=pl.col("pos").min())
        .sort("row", "first", "entity_id", "surface")
        .group_by("row", maintain_order=True)
        .agg(mentions=pl.struct("entity_id", "surface", "count", "in_title"))
    )
    per_entity = (
        mentions.group_by("row", "entity_id", "name", "wikidata_id", "type", "side")
        .agg(count=pl.len().cast(pl.UInt32), first=pl.col("pos").min())
        .sort("row", "first", "entity_id")
        .group_by("row", maintain_order=True)
        .agg(entities=pl.struct("name", "wikidata_id", "type", "side", "count"))
    )
    scores = relevance.score(mentions.select("row", "side", "type", "zone"), n)
    topic_lists = topics.assign(keyword_hits, mentions.select("row", "entity_id", "in_title"), n)
    # Dates in the text cost more than everything else here; callers that do not keep
    # them (the throughput benchmark's entity-only figure) may skip them.
    if with_dates:
        dates = dates_column(
            pl.DataFrame(
                {
                    "text": base["text"],
                    "language": pl.Series(langs, dtype=pl.String),
                    "published_at": frame["published_at"]
                    if "published_at" in frame.columns
                    else pl.Series([None] * n, dtype=pl.String),
                }
            )
        )
    else:
        # Not pl.Series([[]] * n): that builds every empty struct list in Python.
        dates = pl.repeat(pl.lit([], dtype=pl.List(DATE)), n, eager=True)

    out = (
        base.select("row")
        .join(per_surface, on="row", how="left")
        .join(per_entity, on="row", how="left")
        .join(scores, on="row", how="left")
        .sort("row")
    )
    return pl.DataFrame(
        {
            "id": frame["id"].cast(pl.String),
            "language": pl.Series(langs, dtype=pl.String),
            "mentions": out["mentions"].fill_null(pl.lit([], dtype=pl.List(MENTION)))
            .cast(pl.List(MENTION)),
            "entities": out["entities"].fill_null(pl.lit([], dtype=pl.List(ENTITY)))
            .cast(pl.List(ENTITY)),
            "relevance": out["relevance"].cast(pl.Float64),
            "is_relevant": out["is_relevant"].cast(pl.Boolean),
            "topics": topic_lists,
            "dates": dates,
        },
        schema=ANNOTATION_SCHEMA,
    )


def annotate_records(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``sinorus annotate``: input dicts {id, title, text, language?, published_at?} to the
    JSON-ready dicts of design.md's annotate contract."""
    rows = [
        {
            "id": str(r["id"]),
            "title": r.get("title"),
            "text": r.get("text") or "",
            "language": r.get("language"),
            "published_at": _iso(r.get("published_at")),
        }
        for r in records
    ]
    frame = pl.DataFrame(
        rows,
        schema={"id": pl.String, "title": pl.String, "text": pl.String, "language": pl.String,
                "published_at": pl.String},
    )
    result = annotate(frame)
    return [
        {
            "id": r["id"],
            "language": r["language"],
            "entities": [dict(e) for e in r["entities"]],
            "relevance": r["relevance"],
            "is_relevant": r["is_relevant"],
            "topics": list(r["topics"]),
            "dates": [dict(d) for d in r["dates"]],
        }
        for r in result.iter_rows(named=True)
    ]


def _iso(value: Any) -> str | None:
    """published_at as given in a record: an ISO string (offset kept) or a datetime."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
