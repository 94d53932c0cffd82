"""Pages in, staged parts out: extraction batches that run while fetching goes on.

Fetched pages gather into batches, run by one of two runners chosen in ``[extract] runner``:

- ``local`` (default): the pages are extracted in this machine's process pool, one time
  limit per page (flows/pool.py); their records are held until ``part_size`` pages' worth
  have come, and then a ``stage-part-N`` Prefect task has a worker normalise, annotate and
  write them as one part (a call costs ≈ 0.2 CPU-s whatever its size: polars recompiles
  the date rules' 150 regexes, more than its cache of 32 holds, and builds the gazetteer's
  automaton; a Prefect task run ≈ 0.1 CPU-s; docs/throughput.md);
- ``dask``: each batch is an ``extract-batch-N`` task submitted through Prefect's
  ``DaskTaskRunner`` to a Dask cluster (an existing one at ``dask_address``, or a temporary
  local one); it returns the batch's tables as polars frames (Arrow underneath), which this
  process writes as the part.

At most ``max_pending`` batches are in flight: when the runner falls behind, ``put`` waits,
which pauses the fetchers (ingest/harvest.py), so memory stays bounded however large the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.heap import release_free_heap
from flows.pool import ExtractionPool, PageFailure
from flows.progress import reporter
from ingest.config import ExtractSettings
from ingest.discover import Candidate
from ingest.fetch import FetchResult
from transform.pipeline import Page, extract_record, tables_from_records
from warehouse.stage import RunStaging, write_tables


@dataclass(slots=True)
class BatchOutcome:
    number: int
    pages: int
    articles: int  # staged by this batch's task (its own and held batches' articles)
    failures: list[PageFailure] = field(default_factory=list)
    # The batches whose records this task staged; without its own number, they are held.
    staged: tuple[int, ...] = ()


class PartFailed(Exception):
    """Staging a part failed; the pages of these batches were not staged."""

    def __init__(self, numbers: tuple[int, ...], cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.numbers = numbers


def batch_tables(records: list[dict[str, Any]], run_id: str) -> dict[str, pl.DataFrame]:
    """Normalise and annotate a batch's records into the staged tables of the run."""
    tables = tables_from_records(records)
    tables["articles"] = tables["articles"].with_columns(pl.lit(run_id).alias("run_id"))
    return tables


def stage_part(records: list[dict[str, Any]], run_id: str, directory: Path,
               suffix: str) -> int:
    """In a pool worker: build the tables of a part's records and write them; its articles."""
    tables = batch_tables(records, run_id)
    write_tables(directory, tables, suffix)
    return tables["articles"].height


class BatchRunner(Protocol):
    workers: int

    def start(self) -> None:
        """Get ready for the first batch (called once new pages are likely: at the first
        feed or sitemap that answers 200, or the first page fetched)."""

    async def run(self, pages: list[Page], number: int) -> BatchOutcome: ...

    def draining(self) -> None:
        """Every batch has been started: hold what is left for :meth:`finish`."""

    async def finish(self) -> list[BatchOutcome | PartFailed]:
        """Stage what is still held, once every batch has run: each part's outcome."""


@task(task_run_name="stage-part-{part}", cache_policy=NO_CACHE)
async def stage_records(runner: PoolBatches, records: list[dict[str, Any]], first: int,
                        part: int) -> int:
    """In a pool worker: normalise, annotate and stage extracted batches' records as one
    part of the run's batch; its articles."""
    staging = runner.staging
    return await runner.pool.call(stage_part, records, staging.run_id, staging.directory,
                                  staging.part_suffix(first))


class PoolBatches:
    """Batches in this machine's extraction pool, staged ``part_size`` pages at a time."""

    def __init__(self, pool: ExtractionPool, staging: RunStaging, part_size: int = 0) -> None:
        self.pool, self.staging, self.workers = pool, staging, pool.workers
        self.part_size = part_size
        self._held: dict[int, list[dict[str, Any]]] = {}  # batch number -> its records
        self._held_pages = 0
        self._draining = False
        self._parts = 0

    def start(self) -> None:
        # The workers warm up (≈ 3 CPU-s each) while the first batch is being fetched.
        self.pool.start()

    async def run(self, pages: list[Page], number: int) -> BatchOutcome:
        """Extract one batch in the pool; once ``part_size`` pages' records are held, stage
        them (this batch's and the held ones') as a part."""
        # Not a Prefect task of its own: a task run costs ≈ 0.1 CPU-s (client and server),
        # as much as extracting ten pages; the part's staging is one.
        results = await self.pool.extract(pages)
        records = [r for r in results if not isinstance(r, PageFailure)]
        failures = [r for r in results if isinstance(r, PageFailure)]
        self._held[number] = records
        self._held_pages += len(pages)
        articles, staged = 0, ()
        if not self._draining and self._held_pages >= self.part_size:
            self._held_pages = 0
            articles, staged = await self._stage(tuple(sorted(self._held)))
        return BatchOutcome(number, len(pages), articles, failures, staged)

    def draining(self) -> None:
        # The last batches' records are staged by finish, split between the workers: a
        # last part of part_size pages would keep one core busy and the other idle.
        self._draining = True

    async def _stage(self, numbers: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
        """Stage the held records of these batches as one part: (articles, the batches)."""
        if not numbers:
            return 0, ()
        # Taken before the await: batches ending meanwhile start the next part.
        records = [r for n in numbers for r in self._held.pop(n)]
        self._parts += 1
        try:
            # quote: Prefect would otherwise walk every record looking for futures.
            articles = await stage_records(self, quote(records), numbers[0],  # type: ignore[arg-type]
                                           self._parts)
        except Exception as exc:
            raise PartFailed(numbers, exc) from exc
        return articles, numbers

    async def finish(self) -> list[BatchOutcome | PartFailed]:
        # Nothing else is left to do: the held batches go as one part per worker, at once.
        numbers = sorted(self._held)
        groups = [tuple(numbers[i::self.workers]) for i in range(min(self.workers, len(numbers)))]
        self._held_pages = 0
        results = await asyncio.gather(*(self._stage(g) for g in groups),
                                       return_exceptions=True)
        out: list[BatchOutcome | PartFailed] = []
        for result in results:
            if isinstance(result, PartFailed):
                out.append(result)
            elif isinstance(result, BaseException):
                raise result
            else:
                out.append(BatchOutcome(0, 0, result[0], staged=result[1]))
        return out


@task(task_run_name="extract-batch-{number}", cache_policy=NO_CACHE)
def extract_batch_on_cluster(pages: list[Page], number: int, run_id: str
                             ) -> tuple[dict[str, pl.DataFrame], list[PageFailure]]:
    """On a Dask worker: extract, normalise and annotate one batch; the tables come back."""
    records: list[dict[str, Any]] = []
    failures: list[PageFailure] = []
    for page in pages:
        try:
            records.append(extract_record(page))
        except Exception as exc:
            failures.append(PageFailure.raised(page.url, exc))
    return batch_tables(records, run_id), failures


class ClusterBatches:
    """Batches on a Dask cluster, through Prefect's DaskTaskRunner."""

    def __init__(self, runner: Any, staging: RunStaging, workers: int) -> None:
        self.runner, self.staging, self.workers = runner, staging, workers

    def start(self) -> None:
        pass  # the cluster is up already

    async def run(self, pages: list[Page], number: int) -> BatchOutcome:
        future = self.runner.submit(extract_batch_on_cluster,
                                    {"pages": pages, "number": number,
                                     "run_id": self.staging.run_id})
        tables, failures = await asyncio.to_thread(future.result)
        await asyncio.to_thread(write_tables, self.staging.directory, tables,
                                self.staging.part_suffix(number))
        return BatchOutcome(number, len(pages), tables["articles"].height, failures, (number,))

    def draining(self) -> None:
        pass  # every batch stages its own part

    async def finish(self) -> list[BatchOutcome | PartFailed]:
        return []


@contextlib.contextmanager
def batch_runner(settings: ExtractSettings, staging: RunStaging) -> Iterator[BatchRunner]:
    """The runner ``[extract]`` asks for, started, and stopped on the way out."""
    if settings.runner == "dask":
        from prefect_dask import DaskTaskRunner

        workers = settings.workers or 2
        if settings.dask_address:
            dask = DaskTaskRunner(address=settings.dask_address)
        else:  # a temporary cluster on this machine: one single-threaded process per worker
            dask = DaskTaskRunner(cluster_class="distributed.LocalCluster",
                                  cluster_kwargs={"n_workers": workers,
                                                  "threads_per_worker": 1,
                                                  "processes": True,
                                                  "dashboard_address": ":0"})
        with dask:
            yield ClusterBatches(dask, staging, workers)
        return
    with ExtractionPool(settings.workers or None, settings.page_timeout_s) as pool:
        yield PoolBatches(pool, staging, settings.part_size)


class BatchStream:
    """Collects fetched pages and keeps a bounded number of extraction batches running.

    Pages wait in a queue of ``batch_size``; one collector cuts batches from it and starts
    each when one of ``max_pending`` slots is free. A fetcher whose page finds the queue
    full waits in ``put``, in arrival order: every host waiting on the pool gets its turn,
    so hosts progress at the same pace and finish together instead of leaving a few slow
    ones to fetch alone at the end. Pages held: the queue, the batch waiting for a slot,
    the batches in flight and one page per waiting fetcher.
    """

    def __init__(self, runner: BatchRunner, batch_size: int = 200,
                 max_pending: int | None = None,
                 on_failed: Callable[[FetchResult], None] | None = None) -> None:
        self.runner, self.batch_size = runner, batch_size
        # Told of each fetched page that could not be extracted (the fetch log amends it).
        self._on_failed = on_failed
        # Batches run in the context the stream was made in (the flow's), not in that of the
        # harvest task whose page filled them: their tasks are the flow's children, and a
        # cluster is not sent the harvest's parameters (an open fetcher) with each batch.
        self._context = contextvars.copy_context()
        self._slots = asyncio.Semaphore(max_pending or runner.workers + 1)
        self._queue: asyncio.Queue[tuple[Page, FetchResult] | None] = asyncio.Queue(
            maxsize=batch_size)
        self._collector: asyncio.Task[None] | None = None
        # asyncio's Lock serves waiters in arrival order and lets no newcomer barge past them
        # (its Queue does: a put arriving as a place frees can take it from a woken waiter).
        self._turns = asyncio.Lock()
        self._running: set[asyncio.Task[BatchOutcome]] = set()
        self.outcomes: list[BatchOutcome] = []
        self.errors: list[str] = []  # batches that failed as a whole (their pages are lost)
        self._submitted = 0
        # Fetch results of batches extracted but held by the runner, not yet staged.
        self._held: dict[int, list[FetchResult]] = {}
        self._finished_articles = 0  # staged by the runner's finish

    async def put(self, candidate: Candidate, result: FetchResult,
                  source_language: str | None = None) -> None:
        """Take one fetched page; waits while the pool is behind (pausing that fetcher)."""
        page = Page(url=candidate.url, final_url=result.final_url or candidate.url,
                    source=candidate.source, fetched_at=result.fetched_at,
                    html=result.body or b"", feed_published_at=candidate.published_at,
                    source_language=candidate.language or source_language,
                    content_type=result.content_type)
        if self._collector is None:
            self.runner.start()
            self._collector = asyncio.create_task(self._collect(), context=self._context.copy())
        async with self._turns:
            await self._queue.put((page, result))

    async def _collect(self) -> None:
        """Cut the queue into batches and start each as soon as a slot is free."""
        batch: list[tuple[Page, FetchResult]] = []
        while True:
            item = await self._queue.get()
            if item is not None:
                batch.append(item)
            if batch and (item is None or len(batch) >= self.batch_size):
                await self._slots.acquire()
                self._submitted += 1
                # A copy per batch: a task runs inside the context it is given, and
                # Prefect's task engine sets its run context and transaction there. Batches
                # sharing one context made each running batch the parent transaction of
                # the next, which then held every batch's pages until the run ended.
                job = asyncio.create_task(self._run(batch, self._submitted),
                                          context=self._context.copy())
                self._running.add(job)
                job.add_done_callback(self._running.discard)
                batch = []
            if item is None:
                return

    async def _run(self, batch: list[tuple[Page, FetchResult]], number: int) -> BatchOutcome:
        results = [r for _, r in batch]
        try:
            outcome = await self.runner.run([p for p, _ in batch], number)
        except Exception as exc:  # the batch as a whole failed: say so for each page
            reason = f"batch failed: {type(exc).__name__}: {exc}"[:300]
            self.errors.append(f"batch {number}: {reason}")
            outcome = BatchOutcome(number, len(batch), 0,
                                   [PageFailure(p.url, reason) for p, _ in batch])
            if isinstance(exc, PartFailed):  # the held batches went down with the part
                self._fail_held(exc)
        else:
            for staged in outcome.staged:
                self._held.pop(staged, None)
            if number not in outcome.staged:
                self._held[number] = results
        finally:
            self._slots.release()
        reporter().advance("extract", len(batch))
        self._mark_failed(results, outcome.failures)
        self.outcomes.append(outcome)
        del batch  # the batch's bodies are garbage now: hand their memory back
        release_free_heap()
        return outcome

    def _mark_failed(self, results: list[FetchResult], failures: list[PageFailure]) -> None:
        failed = {f.url: f.reason for f in failures}
        for result in results:
            if result.url in failed:  # the fetch went well; the page could not be extracted
                result.outcome, result.reason = "extract_failed", failed[result.url]
                if self._on_failed is not None:
                    self._on_failed(result)

    def _fail_held(self, exc: PartFailed) -> None:
        reason = f"batch failed: staging its part: {exc}"[:300]
        for number in exc.numbers:
            held = self._held.pop(number, [])
            if held:
                self.errors.append(f"batch {number}: {reason}")
                self._mark_failed(held, [PageFailure(r.url, reason) for r in held])

    async def close(self) -> None:
        """Submit the last, partial batch and wait for every batch to be staged."""
        if self._collector is not None:
            await self._queue.put(None)
            await self._collector
        self.runner.draining()
        while self._running:
            await asyncio.gather(*list(self._running))
        for outcome in await self.runner.finish():
            if isinstance(outcome, PartFailed):
                self._fail_held(outcome)
            else:
                self._finished_articles += outcome.articles
                for number in outcome.staged:
                    self._held.pop(number, None)

    async def cancel(self) -> None:
        """Abandon the batches in flight (the run is failing or interrupted)."""
        jobs = [*self._running, *([self._collector] if self._collector else [])]
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)

    @property
    def articles(self) -> int:
        return sum(o.articles for o in self.outcomes) + self._finished_articles
