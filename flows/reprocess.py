"""``sinorus reprocess``: re-extract and re-annotate archived pages, with no network.

The pages come from the raw WARC archive (ingest/archive.py) through the ``captures``
index; WARC files the index lacks (a run killed before it published) are indexed from the
files themselves. Captures are replayed run by run, oldest first, each run as one staged
batch with that run's id and fetch times, through the same stage → load → publish path as
a nightly run. Replaying what a run fetched therefore gives what that run loaded: the same
rows and hashes when extraction has not changed, new text, annotations and versions when it
has. Replaying twice changes nothing more.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from flows.nightly import publish_pending
from flows.pool import ExtractionPool, PageFailure
from ingest.archive import Capture, archive_dir, index_warc, read_payload, warc_files
from ingest.config import Config
from transform.annotate import entities_frame
from transform.pipeline import Page, tables_from_records
from warehouse.backend import Warehouse
from warehouse.load import CAPTURE_SCHEMA
from warehouse.stage import stage_batch

BATCH_PAGES = 500  # pages extracted (and held in memory) at a time


@dataclass(slots=True)
class ReprocessSummary:
    captures: int = 0  # archived pages replayed
    runs: int = 0  # runs they came from
    reindexed_files: int = 0  # WARC files indexed from the files themselves
    articles: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0  # pages the extractor could not handle (time limit, crash, error)


def _indexed(db_path: Warehouse) -> tuple[list[Capture], set[str]]:
    """The captures the warehouse indexes, and the WARC files it knows."""
    if not db_path.exists():
        return [], set()
    conn = db_path.connect_read_only()
    try:
        if not conn.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'captures' AND table_catalog = current_database()"
                            ).fetchone()[0]:  # type: ignore[index]
            return [], set()
        columns = ", ".join(f'"{c}"' for c in CAPTURE_SCHEMA)
        cur = conn.execute(f"SELECT {columns} FROM captures")
        names = [d[0] for d in cur.description]
        captures = [Capture(**dict(zip(names, row, strict=True))) for row in cur.fetchall()]
    finally:
        conn.close()
    return captures, {c.warc_file for c in captures}


def _replayable(c: Capture, since: datetime | None) -> bool:
    return (c.kind == "page" and c.status is not None and 200 <= c.status < 300
            and (since is None or c.fetched_at >= since))


def reprocess(config: Config, since: datetime | None = None) -> ReprocessSummary:
    """Replay the archived pages fetched at or after ``since`` (all when None)."""
    data_dir, db_path = config.data_dir, config.warehouse
    directory = archive_dir(data_dir)
    captures, known_files = _indexed(db_path)
    summary = ReprocessSummary()
    new_rows: dict[str, list[Capture]] = defaultdict(list)  # run_id -> captures to index
    for path in warc_files(directory):
        if path.name not in known_files:
            summary.reindexed_files += 1
            for capture in index_warc(path):
                captures.append(capture)
                new_rows[capture.run_id].append(capture)
    by_run: dict[str, list[Capture]] = defaultdict(list)
    for c in captures:
        if _replayable(c, since) and (directory / c.warc_file).exists():
            by_run[c.run_id].append(c)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    with ExtractionPool(config.extract.workers or None, config.extract.page_timeout_s) as pool:
        _replay(pool, directory, data_dir, by_run, new_rows, stamp, summary)
    for counts in publish_pending(db_path, data_dir).values():
        summary.new += counts.new
        summary.updated += counts.updated
        summary.unchanged += counts.unchanged
    return summary


def _replay(pool: ExtractionPool, directory: Path, data_dir: Path,
            by_run: dict[str, list[Capture]], new_rows: dict[str, list[Capture]], stamp: str,
            summary: ReprocessSummary) -> None:
    """Extract the captures run by run, staging one batch per chunk of pages."""
    for run_id in sorted(set(by_run) | set(new_rows)):
        replay = sorted(by_run.get(run_id, []), key=lambda c: (c.fetched_at, c.offset))
        summary.captures += len(replay)
        summary.runs += bool(replay)
        for part in range(0, max(len(replay), 1), BATCH_PAGES):
            chunk = replay[part:part + BATCH_PAGES]
            results = asyncio.run(pool.extract([_page(directory, c) for c in chunk]))
            summary.failed += sum(isinstance(r, PageFailure) for r in results)
            tables = tables_from_records([r for r in results if not isinstance(r, PageFailure)])
            summary.articles += tables["articles"].height
            tables.update(articles=tables["articles"].with_columns(pl.lit(run_id).alias("run_id")),
                          entities=entities_frame())
            if part == 0 and new_rows.get(run_id):
                tables["captures"] = pl.DataFrame([c.row() for c in new_rows[run_id]],
                                                  schema=CAPTURE_SCHEMA)
            # Named after the original run, so batches load in the order they were fetched.
            stage_batch(data_dir, f"{run_id}.reprocess-{stamp}-{part // BATCH_PAGES:04d}",
                        tables)


def _page(directory: Path, c: Capture) -> Page:
    """The page as the nightly run handed it to extraction (see flows.batches.BatchStream)."""
    payload = read_payload(directory, c.warc_file, c.offset)
    return Page(url=c.url, final_url=c.final_url or c.url, source=c.source or "",
                fetched_at=c.fetched_at, html=payload, content_type=c.content_type,
                feed_published_at=c.feed_published_at, source_language=c.source_language)
