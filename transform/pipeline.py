"""Fetched pages → the staged tables: extraction page by page, then polars normalisation
and annotation batch by batch. No network, no disk, no processes (flows/pool.py runs these
functions in worker processes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from ingest.encoding import decode_body
from transform.annotate import annotate
from transform.extract import extract
from transform.normalize import RECORD_SCHEMA, normalize


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page with what discovery knew about it.

    ``html`` is text, or the body as fetched: bytes are decoded by :meth:`text` where the
    page is extracted (a pool worker), with the charset of ``content_type`` (the HTTP
    header) first, so that the fetching process does not spend its time decoding.
    """

    url: str
    final_url: str
    source: str
    fetched_at: datetime
    html: str | bytes
    feed_published_at: str | None = None
    source_language: str | None = None
    content_type: str | None = None

    def text(self) -> str:
        if isinstance(self.html, str):
            return self.html
        return decode_body(self.html, self.content_type)[0]


def extract_record(page: Page) -> dict[str, Any]:
    """What the extractor finds in one page, as a row for :func:`tables_from_records`."""
    art = extract(page.text(), page.final_url or page.url)
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


MENTION_SCHEMA = {"article_id": pl.String, "entity_id": pl.String, "surface": pl.String,
                  "count": pl.Int32, "in_title": pl.Boolean}
DATE_SCHEMA = {"article_id": pl.String, "surface": pl.String, "value": pl.String,
               "granularity": pl.String, "resolved_from": pl.String}


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


def tables_from_records(records: Sequence[dict[str, Any]]) -> dict[str, pl.DataFrame]:
    """Normalise and annotate extracted records: the tables ``articles``, ``mentions`` and
    ``dates`` of a staged batch.

    Pages that hold no article text (empty pages, paywalls, cookie walls) are left out.
    """
    rows = [{k: v for k, v in r.items() if k != "page_kind"} for r in records
            if r["page_kind"] == "article"]
    return annotate_articles(normalize(pl.DataFrame(rows, schema=RECORD_SCHEMA)))


def process_pages(pages: Sequence[Page]) -> dict[str, pl.DataFrame]:
    """Extract, normalise and annotate a batch in this process."""
    return tables_from_records([extract_record(p) for p in pages])
