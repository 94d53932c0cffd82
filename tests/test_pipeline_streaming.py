"""The streaming run: the same warehouse whatever the runner (local pool or Dask), pool and
batch sizes, and a run interrupted with Ctrl-C stops its workers and loses nothing it had
extracted."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from flows.demo import demo_config_text
from flows.nightly import nightly_ingest, summary_of
from flows.sample_site import SampleSite
from tests.faultsite import FaultSite, Reply, Request, Route, html_page
from tests.warehouse_fixtures import rows

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

COMPARED = {
    "articles": "SELECT article_id, url, title, authors, text, published_at, language, "
                "relevance, is_relevant, topics, duplicate_of FROM articles",
    "mentions": "SELECT article_id, entity_id, surface, count, in_title FROM mentions",
    "date_mentions": "SELECT article_id, value, granularity, surface, resolved_from "
                     "FROM date_mentions",
}


@pytest.mark.parametrize("extract", [
    # the local pool, tiny batches, two of them staged as one part
    "workers = 1\nbatch_size = 3\npart_size = 6\nmax_pending = 1",
    'runner = "dask"\nworkers = 2\nbatch_size = 10',  # a real distributed.LocalCluster
], ids=["one-worker-tiny-batches", "dask-local-cluster"])
def test_same_warehouse_whatever_runner_pool_and_batch_size(
        extract: str, demo_warehouse: Path, sample_site: SampleSite, prefect_harness: None,
        tmp_path: Path) -> None:
    """The default run (the local pool, both cores, batches of 200) is the reference."""
    db = tmp_path / "data" / "other.duckdb"
    config = tmp_path / "sources.toml"
    config.write_text(demo_config_text(sample_site.base_url, db) + f"\n[extract]\n{extract}\n",
                      encoding="utf-8")
    summary_of(asyncio.run(nightly_ingest(str(config), return_state=True)))
    for table, query in COMPARED.items():
        ours = sorted(rows(db, query), key=repr)
        default = sorted(rows(demo_warehouse, query), key=repr)
        assert ours and ours == default, table


PAGES = 60


@pytest.fixture()
def slow_site() -> Iterator[str]:
    """A feed of PAGES articles, each answered after a delay, as a slow host would."""
    site = FaultSite()

    def article(n: int) -> Route:
        def reply(_request: Request) -> Reply:
            time.sleep(0.25)
            return Reply(body=html_page(f"Moscow and Beijing open border crossing number {n}",
                                        f"Crossing {n} opened on the Amur. " * 40))
        return reply

    site.feed("/rss.xml", [site.add(f"/news/{n}", article(n)) for n in range(PAGES)])
    yield site.url("")
    site.close()


def _run(config: Path, home: Path, **popen: Any) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PYTHONPATH=str(ROOT), PREFECT_HOME=str(home),
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--config", str(config)],
                            env=env, cwd=config.parent, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, **popen)


def test_ctrl_c_stops_the_workers_and_the_next_run_keeps_what_was_extracted(
        slow_site: str, tmp_path: Path) -> None:
    db = tmp_path / "data" / "w.duckdb"
    config = tmp_path / "sources.toml"
    config.write_text(f"""
[warehouse]
path = "{db}"
[fetch]
per_host_delay_s = 0
per_host_concurrency = 2
allowed_private_networks = ["127.0.0.1/32"]
[extract]
workers = 2
batch_size = 4
part_size = 4
[[sources]]
name = "slow"
kind = "rss"
url = "{slow_site}/rss.xml"
""", encoding="utf-8")
    first = _run(config, tmp_path / "prefect", start_new_session=True)
    staging = tmp_path / "data" / "staging"
    deadline = time.monotonic() + 240
    while not list(staging.glob(".*.tmp/articles.part-*.parquet")):
        assert first.poll() is None, first.communicate()[0]
        assert time.monotonic() < deadline, "no batch was staged"
        time.sleep(0.2)
    family = psutil.Process(first.pid).children(recursive=True)
    assert len(family) >= 3  # at least the Prefect server and two extraction workers
    os.killpg(first.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    output = first.communicate(timeout=120)[0]
    assert first.returncode != 0, output
    assert "Traceback" not in output
    _, alive = psutil.wait_procs(family, timeout=30)
    assert alive == [], [p.cmdline() for p in alive]
    assert not db.exists()  # interrupted before publishing: the warehouse was never written
    staged = {p.name for p in staging.glob(".*.tmp/articles.part-*.parquet")}
    assert staged

    second = _run(config, tmp_path / "prefect")
    output = second.communicate(timeout=600)[0]
    assert second.returncode == 0, output
    urls = [u for (u,) in rows(db, "SELECT url FROM articles")]
    assert sorted(urls) == sorted(f"{slow_site}/news/{n}" for n in range(PAGES))
    assert list(staging.iterdir()) == []


def test_fetch_log_and_captures_staged_in_parts_are_loaded_whole(
        demo_warehouse: Path, sample_site: SampleSite, prefect_harness: None,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that stages its fetch log every 3 pages loads the same log as one that does not.

    The demo run (one part: the sample site has fewer pages than ROWS_PER_PART) is the
    reference; here every page row and WARC capture goes through a part of its own.
    """
    from flows import fetch_log
    from ingest.archive import read_payload
    from warehouse.stage import write_tables

    parts: list[str] = []

    def spy(directory: Path, tables: dict[str, Any], suffix: str = "") -> None:
        parts.extend(f"{name}{suffix}" for name in tables)
        write_tables(directory, tables, suffix)

    monkeypatch.setattr(fetch_log, "ROWS_PER_PART", 3)
    monkeypatch.setattr(fetch_log, "write_tables", spy)
    db = tmp_path / "data" / "parts.duckdb"
    config = tmp_path / "sources.toml"
    config.write_text(demo_config_text(sample_site.base_url, db), encoding="utf-8")
    summary_of(asyncio.run(nightly_ingest(str(config), return_state=True)))

    assert sum(p.startswith("fetches.part-") for p in parts) >= 5
    log = ("SELECT source, kind, url, final_url, status, outcome, attempts FROM fetches")
    ours, default = rows(db, log), rows(demo_warehouse, log)
    assert ours and sorted(ours, key=repr) == sorted(default, key=repr)
    ids = rows(db, "SELECT count(*), count(DISTINCT fetch_id) FROM fetches")[0]
    assert ids[0] == ids[1] == len(ours)
    capture = "SELECT url, final_url, status, kind, source FROM captures"
    assert sorted(rows(db, capture), key=repr) == sorted(rows(demo_warehouse, capture), key=repr)
    # Every staged capture still points at its own response in the run's WARC file.
    archive = db.parent / "archive"
    for warc_file, offset, digest in rows(db, "SELECT warc_file, \"offset\", digest "
                                               "FROM captures WHERE kind = 'page'"):
        body = read_payload(archive, warc_file, offset)
        assert body and digest.startswith("sha1:")
    runs = rows(db, "SELECT fetched, fetch_failed FROM runs")
    assert runs == rows(demo_warehouse, "SELECT fetched, fetch_failed FROM runs")
