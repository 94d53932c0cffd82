"""The load on its own: publish one kept staged batch into a fresh warehouse (not a test).

    PYTHONPATH=. python bench/bench_load.py STAGED_BATCH_DIR [--workdir DIR]
                                            [--memory-limit 256MB]

A run stages its pages as Parquet parts and loads them once at its end
(``flows.nightly.publish_pending``); this times that step alone, on a copy of a batch kept
from a real run (``bench/e2e.py`` removes it after loading, so copy or hard-link the run's
``run/staging/<batch>`` directory while it runs). Reports wall time, CPU seconds of the
process (DuckDB's threads included) and its peak RSS (``ru_maxrss``), for the whole
publish: load, dedup, derived tables, full-text index, checkpoint.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from flows import nightly
from warehouse.stage import staging_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batch", type=Path, help="a staged batch directory (Parquet parts)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--memory-limit", default=None,
                        help=f"the writer's DuckDB budget (default {nightly.WRITER_MEMORY_LIMIT})")
    args = parser.parse_args()
    if args.memory_limit:
        nightly.WRITER_MEMORY_LIMIT = args.memory_limit
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sinorus-load-"))
    data_dir = workdir / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    target = staging_dir(data_dir) / (args.batch.name if args.batch.name.startswith("2")
                                      else "20000101T000000Z-000000")
    shutil.copytree(args.batch, target)
    db = data_dir / "warehouse.duckdb"
    started, cpu0 = time.perf_counter(), time.process_time()
    counts = nightly.publish_pending(db, data_dir)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    articles = sum(c.new + c.updated + c.unchanged for c in counts.values())
    print(f"budget {nightly.WRITER_MEMORY_LIMIT}  articles {articles:,}  wall {wall:.1f} s  "
          f"CPU {cpu:.1f} s  peak RSS {peak_mb:,.0f} MB  "
          f"warehouse {db.stat().st_size / 1e6:,.0f} MB")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
