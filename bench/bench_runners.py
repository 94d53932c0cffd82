"""The Dask runner beside the local process pool: the same extraction batches through each.

    PYTHONPATH=. python bench/bench_runners.py [--pages 960] [--batch 40] [--workers 2]

Pages are the bundled sample site's articles (nine languages), repeated under distinct URLs.
Both runners run inside one Prefect flow (ephemeral server), as the nightly run uses them:
`PoolBatches` (pebble pool, per-page time limits) and `ClusterBatches` (Prefect's
DaskTaskRunner on a temporary `distributed.LocalCluster`). The cluster's start-up is timed
apart; the overhead per batch is (Dask time − pool time) / batches.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def _pages(count: int) -> list:
    from flows.sample_site import _resolve, expected_articles
    from ingest.encoding import decode_body
    from transform.pipeline import Page

    bodies = []
    for article in expected_articles():
        resolved = _resolve(article.path)
        assert resolved is not None, article.path
        bodies.append((article.path, decode_body(resolved[0].read_bytes(), None)[0]))
    now = datetime.now(UTC)
    return [Page(url=f"http://127.0.0.1/copy{i}{path}", final_url=f"http://127.0.0.1/copy{i}{path}",
                 source="bench", fetched_at=now, html=html)
            for i in range(count // len(bodies) + 1) for path, html in bodies][:count]


async def _through(runner, pages: list, batch: int) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(runner.run(pages[i:i + batch], i // batch + 1)
                           for i in range(0, len(pages), batch)))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=960)
    parser.add_argument("--batch", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from flows.prefect_env import apply_defaults

    apply_defaults(quiet_logs=True)
    from prefect import flow

    from flows.batches import batch_runner
    from ingest.config import ExtractSettings
    from warehouse.stage import RunStaging

    pages = _pages(args.pages)
    batches = -(-len(pages) // args.batch)

    @flow(name="bench-runners")
    async def bench() -> dict[str, float]:
        out: dict[str, float] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for kind in ("local", "dask"):
                staging = RunStaging(Path(tmp), f"bench-{kind}")
                settings = ExtractSettings(workers=args.workers, runner=kind)
                started = time.perf_counter()
                with batch_runner(settings, staging) as runner:
                    out[f"{kind}_start"] = time.perf_counter() - started
                    # Warm every worker up (imports, the gazetteer) before timing.
                    await asyncio.gather(*(runner.run(pages[i:i + 1], -i - 1)
                                           for i in range(args.workers * 2)))
                    out[kind] = await _through(runner, pages, args.batch)
                staging.abandon()
        return out

    t = asyncio.run(bench())
    print(f"{len(pages)} pages in {batches} batches of {args.batch}, {args.workers} workers")
    print("| runner | start-up | pages/s | s per batch |")
    print("|---|---|---|---|")
    for kind in ("local", "dask"):
        print(f"| {kind} | {t[f'{kind}_start']:.1f} s | {len(pages) / t[kind]:.1f} "
              f"| {t[kind] / batches:.2f} |")
    print(f"Dask overhead per batch: {(t['dask'] - t['local']) / batches * 1000:+.0f} ms")


if __name__ == "__main__":
    main()
