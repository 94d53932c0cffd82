"""A batch of fetched pages → normalised article rows: extraction in a process pool, then
polars normalisation. No network, no disk."""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from transform.annotate import annotate
from transform.extract import extract
from transform.normalize import RECORD_SCHEMA, normalize

# Below this many pages a pool costs more than it saves.
_POOL_THRESHOLD = 16
_pool: ProcessPoolExecutor | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page, decoded, with what discovery knew about it."""

    url: str
    final_url: str
    source: str
    fetched_at: datetime
    html: str
    feed_published_at: str | None = None
    source_language: str | None = None


def _extract_record(page: Page) -> dict[str, Any]:
    art = extract(page.html, page.final_url or page.url)
    return {
        "url": page.url,
        "final_url": page.final_url,
        "source": page.source,
        "fetched_at": page.fetched_at,
        "title": art.title,
        "authors": art.authors,
        "page_published_at": art.published_at,
        "page_published_source": art.published_at_source,
        "page_language": art.language,
        "page_canonical_url": art.canonical_url,
        "text": art.text,
        "feed_published_at": page.feed_published_at,
        "source_language": page.source_language,
        "page_kind": art.page_kind,
    }


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # forkserver: forking a process that runs Prefect's threads is unsafe.
        context = multiprocessing.get_context("forkserver")
        _pool = ProcessPoolExecutor(max_workers=min(4, os.cpu_count() or 1),
                                    mp_context=context)
        atexit.register(_pool.shutdown, cancel_futures=True)
    return _pool


def extract_pages(pages: Sequence[Page], parallel: bool = True) -> list[dict[str, Any]]:
    """Extract every page; in worker processes when the batch is large enough."""
    if parallel and len(pages) >= _POOL_THRESHOLD and (os.cpu_count() or 1) > 1:
        return list(_get_pool().map(_extract_record, pages, chunksize=4))
    return [_extract_record(p) for p in pages]


MENTION_SCHEMA = {"article_id": pl.String, "entity_id": pl.String, "surface": pl.String,
                  "count": pl.Int32, "in_title": pl.Boolean}
DATE_SCHEMA = {"article_id": pl.String, "surface": pl.String, "value": pl.String,
               "granularity": pl.String}


def _rows_of(notes: pl.DataFrame, column: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """One row per element of a list-of-struct annotation column, keyed by article."""
    return (notes.select(pl.col("id").alias("article_id"), column)
            .explode(column).drop_nulls(column).unnest(column)
            .cast(schema).select(list(schema)))  # type: ignore[arg-type]


def annotate_articles(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Annotate normalised articles: the staged tables ``articles`` (with language,
    relevance and topics), ``mentions`` (per article, entity and surface form) and
    ``dates`` (dates the text mentions, resolved against its publication time)."""
    notes = annotate(articles.select(
        pl.col("article_id").alias("id"), "title", "text", "language", "published_at"))
    annotated = articles.drop("language").with_columns(
        notes["language"], notes["relevance"], notes["is_relevant"], notes["topics"])
    return {"articles": annotated,
            "mentions": _rows_of(notes, "mentions", MENTION_SCHEMA),  # type: ignore[arg-type]
            "dates": _rows_of(notes, "dates", DATE_SCHEMA)}  # type: ignore[arg-type]


def process_pages(pages: Sequence[Page], parallel: bool = True) -> dict[str, pl.DataFrame]:
    """Extract, normalise and annotate a batch: the tables ``articles``, ``mentions``,
    ``dates`` of a staged batch.

    Pages that hold no article text (empty pages, paywalls, cookie walls) are left out.
    """
    records = [r for r in extract_pages(pages, parallel) if r.pop("page_kind") == "article"]
    return annotate_articles(normalize(pl.DataFrame(records, schema=RECORD_SCHEMA)))
