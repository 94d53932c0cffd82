"""A reader process for the reader test: holds one read-only connection open.

    python tests/warehouse_reader.py DB

Reads commands on stdin, one per line: ``count`` prints the article count seen through the
open connection; ``reconnect`` closes and reopens it; ``quit`` exits.
"""

from __future__ import annotations

import sys

import duckdb


def main() -> None:
    db = sys.argv[1]
    conn = duckdb.connect(db, read_only=True)
    print("READY", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "count":
            # A real query: join and aggregate, touching blocks the writer rewrites.
            row = conn.execute("""
                SELECT count(DISTINCT a.article_id), count(m.entity_id)
                FROM articles a LEFT JOIN mentions m USING (article_id)""").fetchone()
            print(f"{row[0]} {row[1]}", flush=True)
        elif command == "reconnect":
            conn.close()
            conn = duckdb.connect(db, read_only=True)
            print("READY", flush=True)
        elif command == "quit":
            break
    conn.close()


if __name__ == "__main__":
    main()
