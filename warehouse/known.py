"""What the warehouse (and batches not yet published) already holds, for discovery to skip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from warehouse.backend import Warehouse, as_warehouse
from warehouse.stage import pending_batches, table_files


def known_urls(db: Warehouse | Path, data_dir: Path, refetch_days: float = 0.0,
               now: datetime | None = None) -> set[str]:
    """Every URL and canonical URL of stored or staged articles, for discovery to skip.

    Articles first seen less than ``refetch_days`` ago are left out, so that a feed that
    still lists them has them fetched again: that is how edits of fresh articles are caught
    (and kept as versions). Older articles are not refetched.
    """
    cutoff = (now or datetime.now(UTC)) - timedelta(days=refetch_days)
    urls: set[str] = set()
    warehouse = as_warehouse(db)
    if warehouse.exists():
        conn = warehouse.connect_read_only()
        try:
            has_table = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'articles' "
                "AND table_catalog = current_database()").fetchone()
            if has_table and has_table[0]:
                for url, canonical in conn.execute(
                        "SELECT url, canonical_url FROM articles WHERE first_seen_at < ?",
                        [cutoff]).fetchall():
                    urls.update((url, canonical))
        finally:
            conn.close()
    for batch in pending_batches(data_dir):
        files = table_files(batch, "articles")
        if files:
            frame = pl.read_parquet(files, columns=["url", "canonical_url"])
            urls.update(frame["url"].to_list())
            urls.update(frame["canonical_url"].to_list())
    return urls
