"""prefect.yaml (for work pools) registers what `sinorus serve` registers."""

from __future__ import annotations

from pathlib import Path

import yaml

from ingest.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def test_prefect_yaml_matches_the_shipped_config_and_the_served_deployment() -> None:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (deployment,) = spec["deployments"]
    config = load_config(ROOT / "sources.toml")
    assert deployment["name"] == "nightly-ingest"
    (schedule,) = deployment["schedules"]
    assert (schedule["cron"], schedule["timezone"]) == (config.schedule.cron,
                                                        config.schedule.timezone)
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "CANCEL_NEW"}
    module, function = deployment["entrypoint"].split(":")
    assert (ROOT / module).is_file()
    assert function == "nightly_ingest"
    assert deployment["parameters"] == {"config_path": "sources.toml"}
