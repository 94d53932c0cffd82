"""The batch stream of a run: a finished batch leaves nothing of its pages behind, however
many batches were in flight at once (a long run must not hold every page it fetched)."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import polars as pl
import pytest
from prefect import flow

from flows.batches import BatchStream, PoolBatches
from flows.pool import ExtractionPool
from ingest.discover import Candidate
from ingest.fetch import FetchResult
from tests.faultsite import html_page
from transform.pipeline import Page
from warehouse.stage import RunStaging

pytestmark = pytest.mark.slow
PAGES = 24


@flow
async def stream_pages(data_dir: Path) -> tuple[int, int]:
    """Extract PAGES pages in overlapping batches of two; the pages still alive, articles."""
    staging = RunStaging(data_dir, "20260101T000000Z-000000")
    with ExtractionPool(workers=2, page_timeout_s=60) as pool:
        stream = BatchStream(PoolBatches(pool, staging), batch_size=2, max_pending=4)
        for n in range(PAGES):
            url = f"http://127.0.0.1:9/news/{n}"
            body = html_page(f"Moscow and Beijing sign accord {n}", "Text of the accord. " * 50)
            await stream.put(Candidate(url, "wire"),
                             FetchResult(url, "wire", "page", status=200,
                                         content_type="text/html", body=body))
        await stream.close()
    # Prefect's background threads may still be finishing the last task runs on a busy
    # machine: give them a few seconds. A page held by the run itself (as batches sharing
    # one context did) stays alive however long we wait.
    for _ in range(50):
        gc.collect()
        alive = sum(1 for o in gc.get_objects() if type(o) is Page)
        if alive == 0:
            break
        await asyncio.sleep(0.2)
    return alive, stream.articles


def test_no_page_outlives_its_batch(prefect_harness: None, tmp_path: Path) -> None:
    alive, articles = asyncio.run(stream_pages(tmp_path))
    assert articles == PAGES
    assert alive == 0


HOSTS, PER_HOST, FETCHERS_PER_HOST, BATCH, PENDING = 3, 16, 2, 4, 1


@flow
async def hosts_behind_a_slow_pool(data_dir: Path) -> tuple[int, int, int]:
    """Fetchers of HOSTS hosts hand pages to a one-worker pool far slower than they are.

    Returns the largest lead one host took over another in pages handed over, the most
    pages the stream held at once (handed over, not yet in a finished batch), articles.
    """
    staging = RunStaging(data_dir, "20260101T000000Z-000001")
    handed = dict.fromkeys(range(HOSTS), 0)
    lead = held = 0
    with ExtractionPool(workers=1, page_timeout_s=60) as pool:
        stream = BatchStream(PoolBatches(pool, staging), batch_size=BATCH, max_pending=PENDING)

        async def fetcher(host: int, pages: list[int]) -> None:
            nonlocal lead, held
            while True:
                await asyncio.sleep(0)  # a fetch gives the event loop a turn
                if not pages:
                    return
                n = pages.pop()
                url = f"http://127.0.0.{host + 1}:9/news/{n}"
                body = html_page(f"Moscow and Beijing talks, host {host}, page {n}")
                await stream.put(Candidate(url, f"wire{host}"),
                                 FetchResult(url, f"wire{host}", "page", status=200,
                                             content_type="text/html", body=body))
                handed[host] += 1
                lead = max(lead, max(handed.values()) - min(handed.values()))
                held = max(held, sum(handed.values()) - sum(o.pages for o in stream.outcomes))

        queues = {h: list(range(PER_HOST)) for h in range(HOSTS)}
        await asyncio.gather(*(fetcher(h, queues[h]) for h in range(HOSTS)
                               for _ in range(FETCHERS_PER_HOST)))
        await stream.close()
    return lead, held, stream.articles


def test_hosts_behind_a_slow_pool_take_turns_and_the_stream_stays_bounded(
        prefect_harness: None, tmp_path: Path) -> None:
    lead, held, articles = asyncio.run(hosts_behind_a_slow_pool(tmp_path))
    assert articles == HOSTS * PER_HOST
    # Waiting fetchers are served in turn: no host runs ahead while another waits (a fetcher
    # that filled a batch used to wait alone, its host falling behind the others).
    assert lead <= FETCHERS_PER_HOST + 1
    # The queue, the batch waiting for a slot, the batches in flight, one page per fetcher.
    assert held <= BATCH + BATCH + PENDING * BATCH + HOSTS * FETCHERS_PER_HOST


@flow
async def staged_in_parts(data_dir: Path, pages: int, part_size: int, broken: bool
                          ) -> tuple[BatchStream, list[FetchResult], Path, list[FetchResult]]:
    """Stream ``pages`` pages in batches of two, staged ``part_size`` pages at a time; with
    ``broken``, the staging directory is a file, so every part fails to be written."""
    staging = RunStaging(data_dir, "20260101T000000Z-000002")
    if broken:
        staging.directory = data_dir / "not-a-directory"
        staging.directory.write_text("")
    results, failed = [], []
    with ExtractionPool(workers=2, page_timeout_s=60) as pool:
        stream = BatchStream(PoolBatches(pool, staging, part_size), batch_size=2,
                             max_pending=2, on_failed=failed.append)
        for n in range(pages):
            url = f"http://127.0.0.1:9/news/{n}"
            body = html_page(f"Moscow and Beijing sign accord {n}", "Text of the accord. " * 50)
            results.append(FetchResult(url, "wire", "page", status=200,
                                       content_type="text/html", body=body))
            await stream.put(Candidate(url, "wire"), results[-1])
        await stream.close()
    return stream, results, staging.directory, failed


def test_batches_are_staged_together_in_parts_of_part_size(
        prefect_harness: None, tmp_path: Path) -> None:
    """Three batches of two per part; the two batches held at close are staged as one part
    per worker."""
    stream, results, directory, failed = asyncio.run(staged_in_parts(tmp_path, 16, 6, False))
    parts = sorted(directory.glob("articles.part-*.parquet"))
    assert sorted(pl.read_parquet(p).height for p in parts) == [2, 2, 6, 6]
    urls = {u for p in parts for u in pl.read_parquet(p)["url"]}
    assert urls == {r.url for r in results}
    assert stream.articles == 16 and stream.errors == []
    assert {r.outcome for r in results} == {"ok"} and failed == []


def test_a_part_that_cannot_be_staged_fails_every_batch_it_held(
        prefect_harness: None, tmp_path: Path) -> None:
    """Batches held for a part are failed with it, also the ones whose tasks had ended."""
    stream, results, _, failed = asyncio.run(staged_in_parts(tmp_path, 10, 6, True))
    assert stream.articles == 0
    assert {r.outcome for r in results} == {"extract_failed"}
    assert sorted(r.url for r in failed) == sorted(r.url for r in results)  # the log is told
    assert all("staging" in r.reason or "batch failed" in r.reason for r in results)
    assert sorted(int(e.split(":")[0].split()[1]) for e in stream.errors) == [1, 2, 3, 4, 5]
