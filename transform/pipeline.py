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


def annotate_articles(articles: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Add language, relevance and topics to normalised articles; return them with their
    entity mentions (one row per article, entity and surface form)."""
    notes = annotate(articles.select(
        pl.col("article_id").alias("id"), "title", "text", "language", "published_at"))
    annotated = articles.drop("language").with_columns(
        notes["language"], notes["relevance"], notes["is_relevant"], notes["topics"])
    mentions = (notes.select(pl.col("id").alias("article_id"), "mentions")
                .explode("mentions").drop_nulls("mentions").unnest("mentions")
                .cast(MENTION_SCHEMA))  # type: ignore[arg-type]
    return annotated, mentions.select(list(MENTION_SCHEMA))


def process_pages(pages: Sequence[Page], parallel: bool = True
                  ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Extract, normalise and annotate a batch: (articles, mentions).

    Pages that hold no article text (empty pages, paywalls, cookie walls) are left out.
    """
    records = [r for r in extract_pages(pages, parallel) if r.pop("page_kind") == "article"]
    return annotate_articles(normalize(pl.DataFrame(records, schema=RECORD_SCHEMA)))
