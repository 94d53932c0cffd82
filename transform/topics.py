"""Topics from a small vocabulary, by multilingual keywords and entities (data/topics.toml)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import polars as pl

from transform.gazetteer import DATA_DIR, load_gazetteer

VOCABULARY = (
    "ukraine_war", "energy", "trade_finance", "military", "diplomacy", "taiwan", "sanctions",
    "sco_brics", "arctic",
)


@cache
def _config(path: Path = DATA_DIR / "topics.toml") -> tuple[dict, pl.DataFrame]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    ids = dict(load_gazetteer().entities.select("name", "entity_id").iter_rows())
    triggers = pl.DataFrame(
        [(ids[name], topic) for topic, spec in raw["topic"].items()
         for name in spec.get("entities", [])],
        schema={"entity_id": pl.String, "topic": pl.String},
        orient="row",
    )
    return raw["scoring"], triggers


def assign(keyword_hits: pl.DataFrame, mentions: pl.DataFrame, rows: int) -> pl.Series:
    """Sorted topic list per row.

    ``keyword_hits``: row, kind ('topic:<name>'), in_title; ``mentions``: row, entity_id,
    in_title (one line per mention).
    """
    scoring, triggers = _config()
    weight = pl.when(pl.col("in_title")).then(scoring["title_weight"]).otherwise(1)
    kw = keyword_hits.select(
        "row", topic=pl.col("kind").str.strip_prefix("topic:"), w=weight
    )
    ent = mentions.join(triggers, on="entity_id").select("row", "topic", w=weight)
    scored = (
        pl.concat([kw, ent.cast({"w": kw.schema["w"]})])
        .group_by("row", "topic")
        .agg(pl.col("w").sum())
        .filter(pl.col("w") >= scoring["min_score"])
        .group_by("row")
        .agg(topics=pl.col("topic").sort())
    )
    return (
        pl.DataFrame({"row": pl.arange(0, rows, eager=True, dtype=pl.UInt32)})
        .join(scored.with_columns(pl.col("row").cast(pl.UInt32)), on="row", how="left")
        .select(pl.col("topics").fill_null(pl.lit([], dtype=pl.List(pl.String))))
        .to_series()
    )
