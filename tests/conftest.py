"""Shared fixtures: a real Prefect test harness and the bundled sample site on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from flows.sample_site import SampleSite

# The fault-injection site's fixtures live beside their server.
pytest_plugins = ("tests.conftest_fetch",)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect server for the whole session (a generous start-up allowance)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def sample_site() -> Iterator[SampleSite]:
    with SampleSite() as site:
        yield site


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None,
                   sample_site: SampleSite) -> Path:
    """A warehouse built as `sinorus demo` builds it: one run of the flow on the sample site."""
    from flows.demo import demo_config_text
    from flows.nightly import nightly_ingest, summary_of

    root = tmp_path_factory.mktemp("demo")
    db = root / "data" / "demo.duckdb"
    config = root / "demo.sources.toml"
    config.write_text(demo_config_text(sample_site.base_url, db), encoding="utf-8")
    summary_of(asyncio.run(nightly_ingest(str(config), return_state=True)))
    return db
