"""A writer process for the DuckLake tests: stage synthetic batches, then load them.

    python tests/lake_worker.py CONFIG RUN_DIR FIRST COUNT [PER_BATCH]

Loads batches FIRST .. FIRST+COUNT-1 (each PER_BATCH articles, numbered so that batch n
holds articles n*PER_BATCH ..), one commit per batch, through the same interface the
nightly flow uses (config → backend → writer_lock/open_for_writing → load_batch). Prints
``START <time>`` when it begins loading, ``LOADED <batch> <new>`` after each commit and
``DONE <time>`` at the end (wall-clock times, to show two workers overlapped).
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import polars as pl

from ingest.config import load_config
from tests.warehouse_fixtures import article, mentions, run_tables
from transform.pipeline import DATE_SCHEMA
from warehouse.load import load_batch
from warehouse.stage import discard_batch, pending_batches, stage_batch


def batch_tables(number: int, per_batch: int) -> dict[str, pl.DataFrame]:
    run_id = f"lake{number:04d}"
    started = datetime(2025, 7, 1, 2, tzinfo=UTC) + timedelta(hours=number)
    urls = [f"https://lake.example.test/a/{i}"
            for i in range(number * per_batch, (number + 1) * per_batch)]
    arts = [article(url, source=f"outlet{i % 3}", language=("ru", "zh", "en")[i % 3],
                    title=f"Article {url}", text=f"Россия Китай 中俄 talks number {url} {number}",
                    published=started - timedelta(hours=3), fetched=started, run_id=run_id)
            for i, url in enumerate(urls)]
    ments = [m for url in urls
             for m in mentions(url, ("Q148", "Китай", 1, False), ("Q159", "Россия", 1, False))]
    tables = run_tables(run_id, started, arts, ments,
                        [(a["source"], a["url"], "ok") for a in arts])
    # "yesterday": one date per article, the day before its publication.
    yesterday = (started - timedelta(days=1, hours=3)).date().isoformat()
    tables["dates"] = pl.DataFrame(
        [{"article_id": a["article_id"], "surface": "yesterday", "value": yesterday,
          "granularity": "day", "resolved_from": "relative"} for a in arts], schema=DATE_SCHEMA)
    return tables


def main() -> None:
    config, run_dir = Path(sys.argv[1]), Path(sys.argv[2])
    first, count = int(sys.argv[3]), int(sys.argv[4])
    per_batch = int(sys.argv[5]) if len(sys.argv) > 5 else 50
    cfg = replace(load_config(config), run_dir=run_dir)
    for number in range(first, first + count):
        stage_batch(cfg.data_dir, f"lake{number:04d}", batch_tables(number, per_batch))
    warehouse = cfg.warehouse
    print(f"START {time.time():.3f}", flush=True)
    with warehouse.writer_lock(cfg.data_dir):
        batches = pending_batches(cfg.data_dir)
        with warehouse.open_for_writing() as conn:
            for batch in batches:
                counts = load_batch(conn, batch)
                print(f"LOADED {batch.name} {counts.new}", flush=True)
        for batch in batches:
            discard_batch(batch)
    print(f"DONE {time.time():.3f}", flush=True)


if __name__ == "__main__":
    main()
