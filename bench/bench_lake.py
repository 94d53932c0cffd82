"""Load time on each warehouse backend (not a test): the same staged batches, both ways.

    PYTHONPATH=. python bench/bench_lake.py [--articles 2000] [--batch 500] [--dir /tmp/bl]

Stages ``--articles`` synthetic articles (two mentions each; the generator of
tests/lake_worker.py) in batches of ``--batch``, then loads them through the real path
(backend → writer_lock → open_for_writing → load_batch, one transaction per batch) into
a DuckDB file (publish by copy, derived tables, full-text index) and into a DuckLake with
a SQLite catalog (one commit per batch, derived tables). Reports CPU seconds of this
process (``time.process_time``; DuckDB's threads included) and wall seconds, then one
search on each (index vs. scan).
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from ingest.config import parse_config
from tests.lake_worker import batch_tables
from warehouse.backend import Warehouse
from warehouse.fts import search
from warehouse.load import load_batch
from warehouse.query import open_read_only
from warehouse.stage import discard_batch, pending_batches, stage_batch


def load_all(warehouse: Warehouse, run_dir: Path, batches: int, per_batch: int
             ) -> tuple[float, float]:
    for number in range(batches):
        stage_batch(run_dir, f"b{number:04d}", batch_tables(number, per_batch))  # type: ignore[arg-type]
    cpu, wall = time.process_time(), time.perf_counter()
    with warehouse.writer_lock(run_dir):
        staged = pending_batches(run_dir)
        with warehouse.open_for_writing() as conn:
            for batch in staged:
                load_batch(conn, batch)
        for batch in staged:
            discard_batch(batch)
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-lake"))
    args = parser.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    batches = args.articles // args.batch
    configs = {
        "duckdb file": '[warehouse]\npath = "w.duckdb"\n',
        "ducklake (sqlite catalog)": '[warehouse]\nbackend = "ducklake"\n'
                                     'catalog = "catalog.sqlite"\ndata_path = "lake"\n',
    }
    for name, text in configs.items():
        root = args.dir / name.split()[0]
        root.mkdir()
        cfg = parse_config(text, base_dir=root)
        cpu, wall = load_all(cfg.warehouse, root / "run", batches, args.batch)
        conn = open_read_only(cfg.warehouse, with_search=True)
        n = conn.execute("SELECT count(*) FROM articles").fetchone()
        start = time.perf_counter()
        hits = search(conn, "Россия talks", limit=20)
        searched = time.perf_counter() - start
        conn.close()
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        print(f"{name}: {n[0] if n else 0} articles in {batches} batches: load cpu {cpu:.1f} s, "
              f"wall {wall:.1f} s ({1000 * cpu / args.articles:.1f} ms cpu/article); "
              f"search {searched * 1000:.0f} ms ({len(hits)} hits); on disk {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
