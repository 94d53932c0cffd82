"""Scheduling and monitoring against a real ``prefect server start`` on loopback.

One server for the module (its own temporary home, a generous start-up allowance), one
``sinorus serve`` process executing the deployment's runs against the sample site.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from flows.demo import demo_config_text
from flows.sample_site import SampleSite, expected_articles
from warehouse.publish import connect

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
DEPLOYMENT = "nightly-ingest/nightly-ingest"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(home: Path, api_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PYTHONPATH=str(ROOT), PREFECT_LOGGING_LEVEL="INFO")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def _stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    log = open(home / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(port)], env=_env(home), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert proc.poll() is None, (home / "server.log").read_text()
        time.sleep(1)
    else:
        _stop(proc)
        pytest.fail("prefect server did not start within 240 s")
    yield url
    _stop(proc)
    log.close()


@pytest.fixture(scope="module")
def served(prefect_server: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[dict[str, Any]]:
    """`sinorus serve` for a sample-site config, slow enough per page to overlap two runs."""
    root = tmp_path_factory.mktemp("served")
    with SampleSite() as site:
        db = root / "data" / "w.duckdb"
        config = root / "sources.toml"
        text = demo_config_text(site.base_url, db).replace(
            "per_host_delay_s = 0.0", "per_host_delay_s = 0.25").replace(
            "per_host_concurrency = 4", "per_host_concurrency = 1")
        config.write_text(text + '\n[schedule]\ncron = "15 3 * * *"\n'
                          'timezone = "Europe/Moscow"\n', encoding="utf-8")
        log = open(root / "serve.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--config", str(config)],
            env=_env(root / "home", f"{prefect_server}/api"), cwd=root,
            stdout=log, stderr=subprocess.STDOUT)
        try:
            yield {"api": f"{prefect_server}/api", "ui": prefect_server, "db": db,
                   "base": site.base_url, "proc": proc, "log": root / "serve.log"}
        finally:
            _stop(proc)
            log.close()


def _client_call(api: str, fn: Any) -> Any:
    """Run ``fn(client)`` with a Prefect client pointed at the real server."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    async def main() -> Any:
        with temporary_settings({PREFECT_API_URL: api}):
            async with get_client() as client:
                return await fn(client)

    return asyncio.run(main())


def _wait_deployment(api: str, proc: subprocess.Popen[Any], log: Path) -> Any:
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            return _client_call(api, lambda c: c.read_deployment_by_name(DEPLOYMENT))
        except ObjectNotFound:
            time.sleep(1)
    pytest.fail("deployment was not registered: " + log.read_text())


def _wait_final(api: str, run_id: UUID, timeout: float = 300) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = _client_call(api, lambda c: c.read_flow_run(run_id))
        if run.state is not None and run.state.is_final():
            return run
        time.sleep(1)
    pytest.fail(f"flow run {run_id} did not finish")


def _trigger(api: str, deployment_id: UUID) -> UUID:
    run = _client_call(api, lambda c: c.create_flow_run_from_deployment(deployment_id))
    return run.id


def test_deployment_has_the_configured_schedule_and_one_run_at_a_time(
        served: dict[str, Any]) -> None:
    dep = _wait_deployment(served["api"], served["proc"], served["log"])
    (schedule,) = dep.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("15 3 * * *",
                                                                   "Europe/Moscow")
    assert schedule.active
    assert dep.concurrency_options.collision_strategy.value == "CANCEL_NEW"
    assert dep.global_concurrency_limit.limit == 1
    assert dep.entrypoint == "flows.nightly.nightly_ingest"


def test_a_triggered_run_completes_with_task_runs_and_artifacts(
        served: dict[str, Any]) -> None:
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
    )

    api = served["api"]
    dep = _wait_deployment(api, served["proc"], served["log"])
    first = _trigger(api, dep.id)
    # Wait until the first run holds the deployment's only slot, then try a second.
    deadline = time.monotonic() + 180
    while _client_call(api, lambda c: c.read_flow_run(first)).state.type.value != "RUNNING":
        assert time.monotonic() < deadline, served["log"].read_text()
        time.sleep(0.5)
    second = _trigger(api, dep.id)

    run = _wait_final(api, first)
    assert run.state.type.value == "COMPLETED", served["log"].read_text()
    other = _wait_final(api, second)
    assert other.state.type.value == "CANCELLED", other.state

    tasks = _client_call(api, lambda c: c.read_task_runs(
        flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[first]))))
    names = {t.name for t in tasks}
    assert {"harvest-meridian-post", "harvest-baikal-vestnik", "harvest-orient-observer",
            "harvest-kabar-nusantara", "stage-part-1"} <= names
    assert any(n.startswith("load-") for n in names)

    artifacts = _client_call(api, lambda c: c.read_artifacts(
        artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[first]))))
    by_key = {a.key: a for a in artifacts}
    assert set(by_key) == {"nightly-ingest-sources", "nightly-ingest-headlines"}
    import json

    table = by_key["nightly-ingest-sources"].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert sum(r["new"] for r in rows) == len(expected_articles())
    assert {r["source"] for r in rows} == {"meridian-post", "baikal-vestnik",
                                           "orient-observer", "kabar-nusantara"}
    headlines = by_key["nightly-ingest-headlines"].data
    assert f"**{len(expected_articles())}** new articles" in headlines
    assert "| China |" in headlines

    conn = connect(served["db"], read_only=True)
    try:
        total, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT url) FROM articles").fetchone()
    finally:
        conn.close()
    assert total == distinct == len(expected_articles())


def test_the_ui_and_its_api_are_served(served: dict[str, Any]) -> None:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    index = httpx.get(served["ui"] + "/", timeout=10)
    assert index.status_code == 200
    assert "<!DOCTYPE html>" in index.text and "<div id=\"app\"" in index.text
    runs = _client_call(served["api"], lambda c: c.read_flow_runs(
        deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["nightly-ingest"]))))
    assert runs, "no flow run to look at"
    # The same JSON the UI's run page asks for.
    page = httpx.post(f"{served['api']}/flow_runs/filter", json={"limit": 5}, timeout=10)
    assert page.status_code == 200
    assert {r["name"] for r in page.json()} & {r.name for r in runs}
