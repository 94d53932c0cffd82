"""A writer process for the crash and reader tests: stage one synthetic batch, publish.

    python tests/warehouse_worker.py DB DATA_DIR BATCH_NUMBER

``SINORUS_PAUSE_AT=<point>`` makes it print ``PAUSED <point>`` and sleep at that point so
the parent can SIGKILL it there. Points, in the order a run reaches them:
before_stage, stage_rename, load_in_txn, between_loads, fts_build, before_checkpoint,
before_publish_rename, after_publish_rename.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import warehouse.fts
import warehouse.load
import warehouse.publish
from tests.warehouse_fixtures import article, mentions, run_tables
from warehouse.load import load_batch
from warehouse.publish import open_for_writing, writer_lock
from warehouse.stage import discard_batch, pending_batches, stage_batch

PAUSE_AT = os.environ.get("SINORUS_PAUSE_AT", "")
PER_BATCH, OVERLAP = 12, 4


def pause(point: str) -> None:
    if point == PAUSE_AT:
        print(f"PAUSED {point}", flush=True)
        time.sleep(600)


def batch_urls(number: int) -> list[str]:
    """Batch n shares OVERLAP URLs with batch n-1: reloads must not duplicate them."""
    start = number * (PER_BATCH - OVERLAP)
    return [f"https://crash.example.test/a/{i}" for i in range(start, start + PER_BATCH)]


def batch_tables(number: int) -> dict[str, object]:
    run_id = f"run{number:04d}"
    started = datetime(2025, 6, 1, 2, tzinfo=UTC) + timedelta(days=number)
    arts = [article(url, source="crash", language=("ru", "id", "en")[i % 3],
                    title=f"Статья {url}", text=f"Россия Китай перечень {url} номер {number}",
                    published=started - timedelta(hours=3), fetched=started, run_id=run_id)
            for i, url in enumerate(batch_urls(number))]
    ments = [m for url in batch_urls(number)
             for m in mentions(url, ("Q148", "Китай", 1, False), ("Q159", "Россия", 1, False))]
    return run_tables(run_id, started, arts, ments, [("crash", u, "ok") for u in batch_urls(number)])


def _install_pauses() -> None:
    real_replace = os.replace

    def replace(src: object, dst: object) -> None:
        if Path(str(dst)).parent.name == "staging":
            pause("stage_rename")
        if str(dst).endswith(".duckdb"):
            pause("before_publish_rename")
            real_replace(src, dst)  # type: ignore[arg-type]
            pause("after_publish_rename")
            return
        real_replace(src, dst)  # type: ignore[arg-type]

    os.replace = replace  # type: ignore[assignment]

    real_dups = warehouse.load.update_clusters

    def dups(conn: object) -> None:
        pause("load_in_txn")  # articles inserted, transaction still open
        real_dups(conn)  # type: ignore[arg-type]

    warehouse.load.update_clusters = dups  # type: ignore[assignment]

    real_add = warehouse.fts._add_new

    def add_new(conn: object) -> dict[str, int]:
        added = real_add(conn)  # type: ignore[arg-type]
        pause("fts_build")  # postings and docs added, statistics not yet
        return added

    warehouse.fts._add_new = add_new  # type: ignore[assignment]

    real_update = warehouse.publish.update_search_index

    def update(conn: object) -> bool:
        done = real_update(conn)  # type: ignore[arg-type]
        pause("before_checkpoint")
        return done

    warehouse.publish.update_search_index = update  # type: ignore[assignment]


def main() -> None:
    db, data_dir, number = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    _install_pauses()
    pause("before_stage")
    stage_batch(data_dir, f"run{number:04d}", batch_tables(number))  # type: ignore[arg-type]
    with writer_lock(db):
        batches = pending_batches(data_dir)
        with open_for_writing(db) as conn:
            for i, batch in enumerate(batches):
                load_batch(conn, batch)
                if i == 0 and len(batches) > 1:
                    pause("between_loads")
            if len(batches) == 1:
                pause("between_loads")
        for batch in batches:
            discard_batch(batch)
    print("PUBLISHED", flush=True)


if __name__ == "__main__":
    main()
