"""Full-text index benchmark (not a test): a full build, then nights of changed articles.

    python bench/bench_search_index.py WAREHOUSE [--change 1000] [--nights 3]

Works on a copy of WAREHOUSE (any warehouse a run published, e.g. the one bench/e2e.py
leaves in its workdir): times ``update_search_index(force=True)``, then for each night marks
``--change`` articles as changed (a new content hash, as a re-fetched article with a new
text gets) and times the incremental update, which drops their old postings and adds new
ones, and rewrites the postings sorted when they are worn (``RESORT_SHARE``).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from warehouse.fts import update_search_index
from warehouse.migrations import migrate
from warehouse.publish import WRITER_MEMORY_LIMIT, connect


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--change", type=int, default=1000)
    parser.add_argument("--nights", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "w.duckdb"
        shutil.copyfile(args.warehouse, copy)
        conn = connect(copy)
        conn.execute("SET memory_limit = ?", [WRITER_MEMORY_LIMIT])  # as a publish runs
        migrate(conn)
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()
        print(f"articles: {articles[0] if articles else 0:,}")
        start = time.perf_counter()
        update_search_index(conn, force=True)
        print(f"full build: {time.perf_counter() - start:.2f} s")
        conn.execute("CHECKPOINT")  # as the publish does; each night below starts from it
        for night in range(args.nights):
            conn.execute("""
                UPDATE articles SET content_hash = content_hash || 'x' WHERE article_id IN (
                    SELECT article_id FROM articles WHERE duplicate_of IS NULL
                    ORDER BY hash(article_id, ?) LIMIT ?)""", [night, args.change])
            start = time.perf_counter()
            update_search_index(conn)
            took = time.perf_counter() - start
            conn.execute("CHECKPOINT")
            row = conn.execute("""SELECT sum(unsorted_postings),
                                         (SELECT count(*) FROM search_postings)
                                  FROM search_indexes""").fetchone()
            print(f"night {night + 1}: {args.change:,} changed in {took:.2f} s "
                  f"(unsorted {row[0]:,} of {row[1]:,} postings)" if row else "")
        conn.close()


if __name__ == "__main__":
    main()
