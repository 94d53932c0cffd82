"""The ``nightly_ingest`` Prefect flow: thin wiring over ``ingest``, ``transform``, ``warehouse``.

Tasks run per source (discover + fetch) and per batch of pages (extract + normalise +
annotate, in the process pool while fetching goes on: flows/batches.py), then one load
task publishes every staged batch. Never a task per article.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
from prefect import flow, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.logging import get_run_logger
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote

from flows.batches import BatchStream, batch_runner
from flows.fetch_log import StagedFetchLog
from flows.heap import limit_heap_growth
from flows.progress import log as progress_log
from flows.progress import reporter
from flows.report import headline_markdown, source_table, verdict
from ingest.archive import WarcArchive, archive_dir, expired_warc_files
from ingest.config import Config, Source, load_config
from ingest.discover import Candidate
from ingest.fetch import Fetcher, FetchResult
from ingest.handoff import HandedOver, Inbox, read_inbox, write_handoff
from ingest.harvest import Harvest, PageSink, harvest
from ingest.shards import ShardSpec, parse_shard
from transform.annotate import entities_frame
from transform.pipeline import tables_from_records
from transform.urls import canonical_url
from warehouse.backend import Warehouse, as_warehouse
from warehouse.known import known_urls
from warehouse.load import LoadCounts, forget_captures, load_batch
from warehouse.publish import (
    WRITER_MEMORY_LIMIT,
    WarehouseBusyError,
    WarehouseError,
    is_out_of_memory,
)
from warehouse.stage import (
    RunStaging,
    adopt_orphans,
    discard_batch,
    pending_batches,
    table_files,
)
from warehouse.state import (
    SourceHealth,
    http_cache_frame,
    read_fetch_state,
    source_status_frame,
)

# Pages fetched but not yet handed to an extraction batch, over all sources at once.
PAGE_SLOTS = 64
FAILING_STREAK = 3  # a source failing this many runs in a row is called out


@dataclass(slots=True)
class SourceSummary:
    """One row of the run summary."""

    name: str
    discovered: int = 0
    skipped_known: int = 0
    fetched: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    relevant: int = 0
    duplicate: int = 0
    error: str = ""
    deferred: str = ""  # why the source's host asked us to come back next run
    handed_over: int = 0  # candidates left to the shards that own their hosts
    from_handoff: bool = False  # pages another shard discovered and handed to this one
    health: SourceHealth | None = None  # after this run, as the warehouse now records it

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def status(self) -> str:
        return "failed" if self.error else "deferred" if self.deferred else "ok"

    @property
    def failing_streak(self) -> int:
        return self.health.consecutive_failures if self.health else 0


@dataclass(slots=True)
class RunSummary:
    run_id: str
    db_path: str
    sources: list[SourceSummary]
    published_batches: int = 0
    shard: str = ""  # "i/n" for a sharded run
    languages: list[tuple[str, int]] = field(default_factory=list)
    top_entities: list[tuple[str, int]] = field(default_factory=list)
    top_pairs: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def failed_sources(self) -> list[SourceSummary]:
        return [s for s in self.sources if not s.ok]

    @property
    def chronically_failing(self) -> list[SourceSummary]:
        """Sources that have failed FAILING_STREAK or more runs in a row."""
        return [s for s in self.sources if s.failing_streak >= FAILING_STREAK]

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "db_path": self.db_path,
                "failed_sources": [s.name for s in self.failed_sources],
                "deferred_sources": [s.name for s in self.sources if s.deferred],
                "failing_streaks": {s.name: s.failing_streak
                                    for s in self.chronically_failing}}


def new_run_id(now: datetime | None = None) -> str:
    """Time-sortable and unique: staged batches are published in this order."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}Z-{secrets.token_hex(3)}"


@task(task_run_name="harvest-{source.name}", cache_policy=NO_CACHE)
async def harvest_source(source: Source, fetcher: Fetcher, known: set[str],
                         max_pages: int, since: datetime | None = None,
                         on_page: PageSink | None = None,
                         page_slots: asyncio.Semaphore | None = None,
                         shard: ShardSpec | None = None,
                         handed: list[Candidate] | None = None) -> Harvest:
    result = await harvest(source, fetcher, partial(_is_known, known), max_pages, since,
                           on_page, page_slots, owns=shard.owns if shard is not None else None,
                           handed=handed)
    reporter().advance("discover")
    return result


def publish_pending(db_path: Warehouse | Path, data_dir: Path, retention_days: float = 0.0
                    ) -> dict[str, LoadCounts]:
    """Load every staged batch (older leftovers first) into a copy, then publish it.

    WARC files past the archive's retention lose their captures rows in the same copy and
    are deleted once it is published; articles are never touched by pruning. The load runs
    within :data:`WRITER_MEMORY_LIMIT`; one that cannot fit is redone without the limit
    (loading is idempotent, and the copy of a failed attempt is thrown away).
    """
    warehouse = as_warehouse(db_path)
    with warehouse.writer_lock(data_dir):
        batches = pending_batches(data_dir)
        expired = expired_warc_files(archive_dir(data_dir), retention_days)
        try:
            loaded = _load_batches(warehouse, batches, expired, WRITER_MEMORY_LIMIT)
        except Exception as exc:
            if not is_out_of_memory(exc):
                raise
            _logger().warning("load: over the writer's %s memory budget (%s); loading "
                              "again without it", WRITER_MEMORY_LIMIT,
                              str(exc).splitlines()[0])
            loaded = _load_batches(warehouse, batches, expired, None)
        for batch in batches:
            discard_batch(batch)
        for path in expired:
            path.unlink(missing_ok=True)
    return loaded


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The flow run's logger (shown in the Prefect UI), or sinorus's outside a run."""
    try:
        return get_run_logger()
    except MissingContextError:
        return progress_log


def _load_batches(warehouse: Warehouse, batches: list[Path], expired: list[Path],
                  memory_limit: str | None) -> dict[str, LoadCounts]:
    loaded: dict[str, LoadCounts] = {}
    reporter().start("load", len(batches))
    with warehouse.open_for_writing(memory_limit=memory_limit) as conn:
        for batch in batches:
            loaded[batch.name] = load_batch(conn, batch)
            reporter().advance("load")
        forget_captures(conn, [p.name for p in expired])
    return loaded


@task(task_run_name="load-{run_id}", cache_policy=NO_CACHE)
def publish_batches(db_path: Warehouse | Path, data_dir: Path, run_id: str,
                    retention_days: float = 0.0) -> dict[str, LoadCounts]:
    return publish_pending(db_path, data_dir, retention_days)


def _summaries(harvests: list[Harvest]) -> list[SourceSummary]:
    out = []
    for h in harvests:
        # Deferred pages are not failures: their host asked us to come back next run.
        pages = h.tally
        failures, deferred = pages.failures, pages.deferred
        summary = SourceSummary(
            name=h.source.name, discovered=len(h.candidates), skipped_known=h.skipped_known,
            fetched=pages.fetched, failed=dict(failures),
            handed_over=len(h.handed_over), from_handoff=h.from_handoff)
        if h.discovery_deferred:
            summary.deferred = h.discovery_deferred
        elif h.discovery_failed:
            summary.error = "; ".join(h.errors)
        elif deferred and not failures and not summary.fetched:
            summary.deferred = deferred
        elif pages.attempted and failures and not summary.fetched and not pages.permanent:
            # Pages that are gone (404/410) are the page's problem; a source all of whose
            # pages time out or fail to connect is broken.
            summary.error = f"every page failed ({', '.join(sorted(failures))})"
        out.append(summary)
    return out


def _runs_frame(run_id: str, started: datetime, summaries: list[SourceSummary]
                ) -> pl.DataFrame:
    per_source = json.dumps({s.name: {"discovered": s.discovered, "fetched": s.fetched,
                                      "failed": s.failed, "error": s.error}
                             for s in summaries}, ensure_ascii=False)
    return pl.DataFrame([{
        "run_id": run_id, "started_at": started, "finished_at": datetime.now(UTC),
        "status": "completed" if all(s.ok for s in summaries) else "partial",
        "sources": len(summaries), "sources_failed": sum(not s.ok for s in summaries),
        "discovered": sum(s.discovered for s in summaries),
        "fetched": sum(s.fetched for s in summaries),
        "fetch_failed": sum(sum(s.failed.values()) for s in summaries),
        "articles_new": 0, "articles_updated": 0, "articles_unchanged": 0, "relevant": 0,
        "per_source": per_source,
    }], schema_overrides={"started_at": pl.Datetime("us", "UTC"),
                          "finished_at": pl.Datetime("us", "UTC")})


def _is_known(known: set[str], url: str) -> bool:
    """Stored or staged already, under this URL or its canonical form."""
    return url in known or canonical_url(url) in known


def _handed_tasks(config: Config, inbox: Inbox) -> list[tuple[Source, list[Candidate]]]:
    """Candidates handed over to this shard, per original source (as configured, if so)."""
    configured = {s.name: s for s in config.sources}
    groups: dict[str, list[HandedOver]] = {}
    for item in inbox.items:
        groups.setdefault(item.candidate.source, []).append(item)
    out = []
    for name, items in groups.items():
        source = configured.get(name) or Source(
            name=name, kind="urls", url=items[0].candidate.url,
            language=items[0].source_language)
        out.append((source, [i.candidate for i in items]))
    return out


def outgoing_handoff(harvests: list[Harvest]) -> list[HandedOver]:
    """What this shard leaves to others, and handed-over pages it must try again.

    Handed-over candidates have no feed to rediscover them from here, so those not settled
    tonight (their host deferred, a transient failure, beyond max_pages) go back to this
    shard's own inbox.
    """
    out = []
    for h in harvests:
        language = h.source.language
        out += [HandedOver(c, language) for c in h.handed_over]
        if h.from_handoff:
            out += [HandedOver(c, language) for c in h.unsettled]
    return out


async def run_pipeline(config: Config, shard: ShardSpec | None = None) -> RunSummary:
    """The whole run; called by the flow (and nothing else).

    With ``shard``, only the sources whose feed, sitemap or API is on the shard's hosts
    are discovered, only pages on its hosts are fetched, and the rest is handed over to
    the shards that own them (ingest/handoff.py).
    """
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    db_path, data_dir = config.warehouse, config.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    log = get_run_logger()
    for batch in adopt_orphans(data_dir):
        log.warning("adopted the staged parts of interrupted run %s", batch.name)
    known = await asyncio.to_thread(known_urls, db_path, data_dir,
                                    config.fetch.refetch_days)
    state = await asyncio.to_thread(read_fetch_state, db_path)
    sources = [s for s in config.sources if shard is None or shard.owns(s.url)]
    inbox = read_inbox(config.handoff_dir, shard) if shard is not None else Inbox([], [])
    handed = _handed_tasks(config, inbox)
    if shard is not None:
        log.info("shard %s: %d of %d sources, %d page(s) handed over by other shards",
                 shard, len(sources), len(config.sources), len(inbox.items))
    progress = reporter()
    progress.start("discover", len(sources) + len(handed))
    progress.start("fetch")
    progress.start("extract")

    staging = RunStaging(data_dir, run_id)
    archive = WarcArchive(archive_dir(data_dir), run_id, config.fetch.user_agent)
    fetch_log = StagedFetchLog(staging, archive)

    warm_up: Callable[[], None] | None = None  # the runner's start, once it exists

    def on_fetch(result: FetchResult) -> None:
        fetch_log.record(result)
        if result.kind == "page":
            progress.advance("fetch")
        elif warm_up is not None and result.kind in ("feed", "sitemap") and (
                result.status == 200):
            # New pages are likely: the workers warm up (≈ 3 CPU-s each) while discovery
            # reads the rest, on cores it leaves idle, not at the first page fetched. A
            # rerun's unchanged feeds answer 304 and start none.
            warm_up()

    settings = config.extract
    try:
        with batch_runner(settings, staging) as runner:
            warm_up = runner.start
            stream = BatchStream(runner, settings.batch_size, settings.max_pending or None,
                                 on_failed=fetch_log.amend)
            try:
                async with Fetcher(config.fetch, on_result=on_fetch, keep_log=False,
                                   http_cache=state.http_cache, archive=archive) as fetcher:
                    slots = asyncio.Semaphore(PAGE_SLOTS)
                    # quote: Prefect would otherwise walk every known URL (and every handed
                    # candidate) for each source's task, looking for futures in its inputs.
                    quoted_known = quote(known)
                    max_pages = config.fetch.max_pages_per_source
                    harvests = list(await asyncio.gather(
                        *(harvest_source(s, fetcher, quoted_known, max_pages,
                                         _last_success(state.health.get(s.name)),
                                         partial(stream.put, source_language=s.language),
                                         slots, shard)
                          for s in sources),
                        *(harvest_source(s, fetcher, quoted_known, max_pages, None,
                                         partial(stream.put, source_language=s.language),
                                         slots, shard, quote(candidates))
                          for s, candidates in handed)))
                await stream.close()
            except BaseException:
                await stream.cancel()
                raise
    except BaseException:
        staging.abandon()  # the parts already staged are adopted by the next run
        raise
    finally:
        archive.close()
    progress.finish("discover", f"{sum(len(h.candidates) for h in harvests)} candidates")
    progress.finish("fetch", f"{sum(h.tally.fetched for h in harvests)} pages")
    progress.finish("extract", f"{stream.articles} articles")
    outcomes = fetch_log.outcomes
    log.info("discover+fetch: %d sources, %d candidates, %d already known; fetch outcomes %s",
             len(harvests), sum(len(h.candidates) for h in harvests),
             sum(h.skipped_known for h in harvests), dict(sorted(outcomes.items())))
    log.info("extract: %d pages in %d batches → %d articles",
             sum(o.pages for o in stream.outcomes), len(stream.outcomes), stream.articles)
    for error in stream.errors:
        log.error("extract: %s", error)
    if shard is not None:
        # Written before this run's batch is staged: a crash in between repeats a handover
        # (the receiver skips what it already has), it never loses one.
        sent = write_handoff(config.handoff_dir, shard, run_id, outgoing_handoff(harvests))
        if sent:
            log.info("handoff: %s", ", ".join(f"{n} candidate(s) to shard {j}/{shard.count}"
                                              for j, n in sorted(sent.items())))

    summaries = _summaries(harvests)
    tables = {**fetch_log.finish(),
              "runs": _runs_frame(run_id, started, summaries),
              "http_cache": http_cache_frame([v for h in harvests for v in h.validators]),
              # A source's health is its discovering shard's to record.
              "source_status": source_status_frame(
                  run_id, started, [(s.name, s.status, s.error) for s in summaries
                                    if not s.from_handoff]),
              "entities": entities_frame()}
    if not table_files(staging.directory, "articles"):  # a run with no pages has them too
        empty = tables_from_records([])
        tables.update(empty, articles=empty["articles"].with_columns(
            pl.lit(run_id).alias("run_id")))
    batch = staging.finish(tables)
    inbox.settle()  # what was handed over is staged now, or handed back for the next run
    articles = pl.read_parquet(table_files(batch, "articles"), columns=["language"])
    mentions = pl.read_parquet(table_files(batch, "mentions"),
                               columns=["article_id", "entity_id"])
    loaded = publish_batches(db_path, data_dir, run_id, config.archive.retention_days)
    progress.finish("load", f"{len(loaded)} batch(es) published")
    log.info("load: published %d staged batch(es) into %s", len(loaded), db_path)
    counts = loaded.get(run_id)
    if counts is not None:
        for s in summaries:
            s.new, s.updated, s.unchanged, s.relevant, s.duplicate = counts.per_source.get(
                s.name, (0, 0, 0, 0, 0))
    health = (await asyncio.to_thread(read_fetch_state, db_path, http_cache=False)).health
    for s in summaries:
        s.health = health.get(s.name)
    summary = RunSummary(run_id, str(db_path), summaries, published_batches=len(loaded),
                         shard=str(shard or ""))
    _headline_figures(summary, articles, mentions)
    return summary


def _last_success(health: SourceHealth | None) -> datetime | None:
    return health.last_success_at if health is not None else None


def _headline_figures(summary: RunSummary, articles: pl.DataFrame,
                      mentions: pl.DataFrame, top: int = 10) -> None:
    """Articles by language, and the entities and entity pairs that appeared most."""
    langs = articles.group_by("language").len().sort(["len", "language"],
                                                      descending=[True, False])
    summary.languages = [(str(lang), int(n)) for lang, n in langs.iter_rows()]
    names = entities_frame().select("entity_id", "name")
    per_article = mentions.select("article_id", "entity_id").unique().join(names, on="entity_id")
    counts = per_article.group_by("name").len().sort(["len", "name"], descending=[True, False])
    summary.top_entities = [(str(n), int(c)) for n, c in counts.head(top).iter_rows()]
    pairs = (per_article.join(per_article, on="article_id", suffix="_b")
             .filter(pl.col("name") < pl.col("name_b"))
             .group_by("name", "name_b").len()
             .sort(["len", "name", "name_b"], descending=[True, False, False]))
    summary.top_pairs = [(str(a), str(b), int(c)) for a, b, c in pairs.head(top).iter_rows()]


def summary_of(state: State[Any]) -> RunSummary:
    """The run summary a finished flow run carries, Completed or Failed; re-raises a crash."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result
    if "error" in result:
        raise WarehouseError(result["error"])
    return result["summary"]


@flow(name="nightly-ingest", log_prints=False)
async def nightly_ingest(config_path: str = "sources.toml", db_path: str | None = None,
                         shard: str | None = None) -> State[dict[str, Any]]:
    """One ingestion run, as the nightly schedule runs it.

    Ends Completed when the run worked, with any failed sources listed in the artifacts;
    ends Failed when most sources failed (the data of the others is loaded all the same).
    ``shard`` ("i/n") makes it shard i of n runs that fetch disjoint sets of hosts at once.
    """
    config = load_config(config_path).with_db(db_path)
    spec = parse_shard(shard) if shard else None
    limit_heap_growth()  # every page body passes through this process (flows/heap.py)
    try:
        summary = await run_pipeline(config, spec)
    except (WarehouseBusyError, WarehouseError) as exc:
        # What was fetched stays staged; the next run that can write publishes it.
        message = f"warehouse not written: {exc}"
        get_run_logger().error(message)
        return Failed(message=message, data={"error": message})
    await acreate_table_artifact(source_table(summary), key="nightly-ingest-sources",
                                 description=f"Per-source counts of run {summary.run_id}")
    await acreate_markdown_artifact(headline_markdown(summary), key="nightly-ingest-headlines",
                                    description=f"Headline figures of run {summary.run_id}")
    problem = verdict(summary)
    if problem:
        get_run_logger().warning("run failed: %s", problem)
        return Failed(message=problem, data={"summary": summary})
    return Completed(message=f"{sum(s.new for s in summary.sources)} new articles",
                     data={"summary": summary})
