"""Normalisation with polars: canonical URLs, UTC timestamps, counts and keys per article.

Input: one row per extracted page (see :data:`RECORD_SCHEMA`). Output: the columns of the
``articles`` table that do not depend on annotation. Pure: no network, no disk.
"""

from __future__ import annotations

import hashlib

import polars as pl

from transform.fingerprint import band_keys, signature
from transform.urls import article_id_for, canonical_url, same_site

RECORD_SCHEMA: dict[str, pl.DataType] = {
    "url": pl.String(),
    "final_url": pl.String(),
    "source": pl.String(),
    "fetched_at": pl.Datetime("us", "UTC"),
    "title": pl.String(),
    "authors": pl.List(pl.String()),
    "page_published_at": pl.String(),
    "page_published_source": pl.String(),
    "page_language": pl.String(),
    "page_canonical_url": pl.String(),
    "text": pl.String(),
    "feed_published_at": pl.String(),
    "source_language": pl.String(),
}

# Accepted spellings of a stated timestamp, most specific first. Times without an offset
# are read as UTC (documented in docs/schema.md); a bare day keeps 'day' precision.
_INSTANT_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%#z",
    "%Y-%m-%dT%H:%M%:z",
    "%Y-%m-%d %H:%M:%S%.f%:z",
)
_NAIVE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
_WORDS = r"[\p{Han}\p{Hiragana}\p{Katakana}]|[^\s\p{Han}\p{Hiragana}\p{Katakana}]+"


def _instant(column: str) -> pl.Expr:
    col = pl.col(column).str.strip_chars()
    parsed = [col.str.to_datetime(f, strict=False, time_zone="UTC", time_unit="us")
              for f in _INSTANT_FORMATS]
    parsed += [col.str.to_datetime(f, strict=False, time_unit="us").dt.replace_time_zone("UTC")
               for f in _NAIVE_FORMATS]
    return pl.coalesce(parsed)


def _day(column: str) -> pl.Expr:
    return (pl.col(column).str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
            .cast(pl.Datetime("us")).dt.replace_time_zone("UTC"))


def content_hash(text: str) -> str:
    """SHA-1 over the whitespace-normalised text: equal for texts that differ only in spacing."""
    # str.split() splits on exactly the characters re's \s matches (str.isspace), 3× faster.
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def _canonical(row: dict[str, str | None]) -> str:
    final = row["final_url"] or row["url"] or ""
    declared = row["page_canonical_url"]
    # <link rel="canonical"> is trusted only when it stays on the same site.
    if declared and declared.startswith(("http://", "https://")) and same_site(declared, final):
        return canonical_url(declared)
    return canonical_url(final)


def normalize(records: pl.DataFrame) -> pl.DataFrame:
    """Canonical URL and id, UTC ``published_at`` with its source and precision, counts, hash."""
    frame = records.with_columns(
        pl.struct("url", "final_url", "page_canonical_url")
        .map_elements(_canonical, return_dtype=pl.String).alias("canonical_url"),
        pl.col("text").fill_null(""),
    )
    page_instant, page_day = _instant("page_published_at"), _day("page_published_at")
    feed_instant, feed_day = _instant("feed_published_at"), _day("feed_published_at")
    # Order of trust: what the page states with a time, what the feed states with a time,
    # then a bare day from the page (which includes a date in its URL), then from the feed.
    frame = frame.with_columns(
        pl.when(page_instant.is_not_null()).then(page_instant)
        .when(feed_instant.is_not_null()).then(feed_instant)
        .when(page_day.is_not_null()).then(page_day)
        .otherwise(feed_day).alias("published_at"),
        pl.when(page_instant.is_not_null()).then(pl.col("page_published_source"))
        .when(feed_instant.is_not_null()).then(pl.lit("feed"))
        .when(page_day.is_not_null()).then(pl.col("page_published_source"))
        .when(feed_day.is_not_null()).then(pl.lit("feed"))
        .alias("published_at_source"),
        pl.when(page_instant.is_not_null() | feed_instant.is_not_null()).then(pl.lit("instant"))
        .when(page_day.is_not_null() | feed_day.is_not_null()).then(pl.lit("day"))
        .alias("published_at_precision"),
    )
    frame = frame.with_columns(
        pl.col("canonical_url").map_elements(article_id_for, return_dtype=pl.String)
        .alias("article_id"),
        pl.col("canonical_url").str.extract(r"^[a-z]+://(?:www\.)?([^/]+)", 1)
        .str.to_lowercase().alias("domain"),
        pl.col("text").str.count_matches(_WORDS).cast(pl.Int32).alias("word_count"),
        pl.col("text").map_elements(content_hash, return_dtype=pl.String).alias("content_hash"),
        pl.coalesce("page_language", "source_language").str.to_lowercase()
        .str.extract(r"^([a-z]{2})", 1).alias("language"),
        pl.col("title").str.strip_chars(),
    ).unique(subset="article_id", keep="first", maintain_order=True)
    return with_signatures(frame)


def with_signatures(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the near-duplicate keys: ``signature`` (MinHash) and its LSH ``band_keys``.

    Both are NULL for texts too short to compare (see :mod:`transform.fingerprint`).
    """
    # Python lists in, Python lists out: map_elements would hand band_keys each signature
    # as a polars Series, whose 42 slices cost more than the hashing.
    signatures = [None if text is None else signature(text) for text in frame["text"]]
    keys = [None if sig is None else band_keys(sig) for sig in signatures]
    return frame.with_columns(pl.Series("signature", signatures, dtype=pl.List(pl.UInt32)),
                              pl.Series("band_keys", keys, dtype=pl.List(pl.Int64)))
