"""Relevance to Russia–China relations, from entity mentions (weights in data/relevance.toml)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from transform.gazetteer import DATA_DIR


@cache
def load_weights(path: Path = DATA_DIR / "relevance.toml") -> dict[str, Any]:
    """The relevance rule's tunable numbers (cached: once per process)."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def score(mentions: pl.DataFrame, rows: int) -> pl.DataFrame:
    """relevance and is_relevant per row.

    ``mentions``: row, side, type, zone (title|lead|body), one line per mention.
    Returns one line per row 0..rows-1: row, relevance (f64 in [0, 1]), is_relevant.
    """
    w = load_weights()
    zone_w = pl.col("zone").replace_strict(w["zone"], return_dtype=pl.Float64)
    type_w = pl.col("type").replace_strict(w["type"], default=1.0, return_dtype=pl.Float64)
    evidence = (
        mentions.filter(pl.col("side").is_in(["china", "russia"]))
        .group_by("row")
        .agg(
            china=(zone_w * type_w).filter(pl.col("side") == "china").sum(),
            russia=(zone_w * type_w).filter(pl.col("side") == "russia").sum(),
        )
    )
    def side_score(side: str) -> pl.Expr:
        return pl.min_horizontal(pl.col(side).fill_null(0.0) / w["saturation"], 1.0)

    out = (
        pl.DataFrame({"row": pl.arange(0, rows, eager=True, dtype=pl.UInt32)})
        .join(evidence.with_columns(pl.col("row").cast(pl.UInt32)), on="row", how="left")
        .select(
            "row",
            relevance=pl.min_horizontal(side_score("china"), side_score("russia"))
            .fill_null(0.0)
            .round(4),
        )
    )
    return out.with_columns(is_relevant=pl.col("relevance") >= w["threshold"])
