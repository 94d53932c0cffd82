"""Pages in, staged parts out: extraction batches that run while fetching goes on.

Fetched pages gather into batches; each full batch becomes an ``extract-batch-N`` task
whose pages are extracted in the process pool (one time limit per page) and whose records
are normalised, annotated and written as Parquet parts by a worker too. At most
``max_pending`` batches are in flight: when the pool falls behind, ``put`` waits, which
pauses the fetchers (ingest/harvest.py), so memory stays bounded however large the run.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.pool import ExtractionPool, PageFailure
from flows.progress import reporter
from ingest.discover import Candidate
from ingest.fetch import FetchResult, decoded_text
from transform.pipeline import Page, tables_from_records
from warehouse.stage import RunStaging, write_tables


@dataclass(slots=True)
class BatchOutcome:
    number: int
    pages: int
    articles: int
    failures: list[PageFailure] = field(default_factory=list)


def stage_part(records: list[dict], run_id: str, directory: Path, suffix: str) -> int:
    """In a worker: normalise and annotate a batch's records, write them as one part.

    Returns the number of articles written.
    """
    tables = tables_from_records(records)
    tables["articles"] = tables["articles"].with_columns(pl.lit(run_id).alias("run_id"))
    write_tables(directory, tables, suffix)
    return tables["articles"].height


@task(task_run_name="extract-batch-{number}", cache_policy=NO_CACHE)
async def extract_batch(stream: BatchStream, pages: list[Page], number: int) -> BatchOutcome:
    """Extract one batch of pages in the pool and stage it as a part of the run's batch."""
    results = await stream.pool.extract(pages)
    records = [r for r in results if not isinstance(r, PageFailure)]
    failures = [r for r in results if isinstance(r, PageFailure)]
    articles = await stream.pool.call(stage_part, records, stream.staging.run_id,
                                      stream.staging.directory,
                                      stream.staging.part_suffix(number))
    reporter().advance("extract", len(pages))
    return BatchOutcome(number, len(pages), articles, failures)


class BatchStream:
    """Collects fetched pages and keeps a bounded number of extraction batches running."""

    def __init__(self, pool: ExtractionPool, staging: RunStaging, batch_size: int = 200,
                 max_pending: int | None = None) -> None:
        self.pool, self.staging, self.batch_size = pool, staging, batch_size
        self._slots = asyncio.Semaphore(max_pending or pool.workers + 1)
        self._batch: list[tuple[Page, FetchResult]] = []
        self._running: set[asyncio.Task[BatchOutcome]] = set()
        self.outcomes: list[BatchOutcome] = []
        self.errors: list[str] = []  # batches that failed as a whole (their pages are lost)
        self._submitted = 0

    async def put(self, candidate: Candidate, result: FetchResult,
                  source_language: str | None = None) -> None:
        """Take one fetched page; waits while ``max_pending`` batches are in flight."""
        page = Page(url=candidate.url, final_url=result.final_url or candidate.url,
                    source=candidate.source, fetched_at=result.fetched_at,
                    html=decoded_text(result), feed_published_at=candidate.published_at,
                    source_language=candidate.language or source_language)
        self._batch.append((page, result))
        if len(self._batch) >= self.batch_size:
            await self._submit()

    async def _submit(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        await self._slots.acquire()
        self._submitted += 1
        job = asyncio.create_task(self._run(batch, self._submitted))
        self._running.add(job)
        job.add_done_callback(self._running.discard)

    async def _run(self, batch: list[tuple[Page, FetchResult]], number: int) -> BatchOutcome:
        try:
            outcome = await extract_batch(self, [p for p, _ in batch], number)
        except Exception as exc:  # the batch as a whole failed: say so for each page
            reason = f"batch failed: {type(exc).__name__}: {exc}"[:300]
            self.errors.append(f"batch {number}: {reason}")
            outcome = BatchOutcome(number, len(batch), 0,
                                   [PageFailure(p.url, reason) for p, _ in batch])
        finally:
            self._slots.release()
        failed = {f.url: f.reason for f in outcome.failures}
        for page, result in batch:
            if page.url in failed:  # the fetch went well; the page could not be extracted
                result.outcome, result.reason = "extract_failed", failed[page.url]
        self.outcomes.append(outcome)
        return outcome

    async def close(self) -> None:
        """Submit the last, partial batch and wait for every batch to be staged."""
        await self._submit()
        while self._running:
            await asyncio.gather(*list(self._running))

    async def cancel(self) -> None:
        """Abandon the batches in flight (the run is failing or interrupted)."""
        for job in list(self._running):
            job.cancel()
        await asyncio.gather(*list(self._running), return_exceptions=True)

    @property
    def articles(self) -> int:
        return sum(o.articles for o in self.outcomes)
