"""``sinorus serve``: the ``nightly-ingest`` deployment with its cron schedule, served here.

The deployment allows one run at a time and cancels a run that would start while another
is still going (never two writers). Stopping ``serve`` leaves the schedule active
(``pause_on_shutdown=False``): scheduled runs then wait, Late, until a server process or a
worker picks them up again, instead of the schedule silently going quiet.
"""

from __future__ import annotations

from pathlib import Path

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.nightly import nightly_ingest
from ingest.config import Config, ConfigError

DEPLOYMENT_NAME = "nightly-ingest"


def build_deployment(config: Config, config_path: Path, db: Path | None = None
                     ) -> RunnerDeployment:
    """The deployment for a configuration; its parameters point at that file."""
    try:
        schedule = Cron(config.schedule.cron, timezone=config.schedule.timezone)
    except ValueError as exc:
        raise ConfigError(f"[schedule]: {exc}".splitlines()[0]) from None
    parameters: dict[str, str] = {"config_path": str(config_path.resolve())}
    if db is not None:
        parameters["db_path"] = str(db.resolve())
    return nightly_ingest.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[schedule],
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
        parameters=parameters,
        description="One sinorus ingestion run: discover, fetch, extract, annotate, load.",
        tags=["sinorus"],
        # The installed package is importable from anywhere; a file path is not.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def serve_nightly(config: Config, config_path: Path, db: Path | None = None) -> None:
    """Register the deployment and run its flow runs in this process until stopped."""
    from prefect import serve

    serve(build_deployment(config, config_path, db), pause_on_shutdown=False)
