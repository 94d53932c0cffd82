"""The batch stream of a run: a finished batch leaves nothing of its pages behind, however
many batches were in flight at once (a long run must not hold every page it fetched)."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

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
