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
from ingest.shards import parse_shard

DEPLOYMENT_NAME = "nightly-ingest"


def deployment_name(shard: str | None = None) -> str:
    """``nightly-ingest``, or ``nightly-ingest-shard-<i>-of-<n>``: one deployment per shard."""
    if shard is None:
        return DEPLOYMENT_NAME
    spec = parse_shard(shard)
    return f"{DEPLOYMENT_NAME}-shard-{spec.index}-of-{spec.count}"


def build_deployment(config: Config, config_path: Path, db: Path | None = None,
                     shard: str | None = None) -> RunnerDeployment:
    """The deployment for a configuration; its parameters point at that file.

    A sharded deployment is named after its shard, so each shard keeps its own limit of
    one run at a time while the shards run side by side.
    """
    name = deployment_name(shard)
    try:
        schedule = Cron(config.schedule.cron, timezone=config.schedule.timezone)
    except ValueError as exc:
        raise ConfigError(f"[schedule]: {exc}".splitlines()[0]) from None
    parameters: dict[str, str] = {"config_path": str(config_path.resolve())}
    if db is not None:
        parameters["db_path"] = str(db.resolve())
    if shard is not None:
        parameters["shard"] = str(parse_shard(shard))
    return nightly_ingest.to_deployment(
        name=name,
        schedules=[schedule],
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
        parameters=parameters,
        description="One sinorus ingestion run: discover, fetch, extract, annotate, load.",
        tags=["sinorus"],
        # The installed package is importable from anywhere; a file path is not.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def serve_nightly(config: Config, config_path: Path, db: Path | None = None,
                  shard: str | None = None) -> None:
    """Register the deployment and run its flow runs in this process until stopped."""
    from prefect import serve

    serve(build_deployment(config, config_path, db, shard), pause_on_shutdown=False)
