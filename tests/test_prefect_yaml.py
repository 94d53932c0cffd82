"""prefect.yaml (for work pools) registers what `sinorus serve` registers."""

from __future__ import annotations

from pathlib import Path

import yaml

from flows.serve import deployment_name
from ingest.config import load_config
from ingest.shards import parse_shard

ROOT = Path(__file__).resolve().parents[1]


def test_prefect_yaml_matches_the_shipped_config_and_the_served_deployment() -> None:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    config = load_config(ROOT / "sources.toml")
    by_name = {d["name"]: d for d in spec["deployments"]}
    for deployment in by_name.values():
        (schedule,) = deployment["schedules"]
        assert (schedule["cron"], schedule["timezone"]) == (config.schedule.cron,
                                                            config.schedule.timezone)
        assert deployment["concurrency_limit"] == {"limit": 1,
                                                   "collision_strategy": "CANCEL_NEW"}
        module, function = deployment["entrypoint"].split(":")
        assert (ROOT / module).is_file()
        assert function == "nightly_ingest"
        assert deployment["work_pool"] == {"name": "sinorus"}
    assert by_name["nightly-ingest"]["parameters"] == {"config_path": "sources.toml"}


def test_the_shard_deployments_cover_every_shard_once_under_the_served_names() -> None:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    sharded = [d for d in spec["deployments"] if "shard" in d["parameters"]]
    specs = [parse_shard(d["parameters"]["shard"]) for d in sharded]
    assert len(specs) >= 2
    (count,) = {s.count for s in specs}
    assert sorted(s.index for s in specs) == list(range(count))
    for deployment in sharded:
        assert deployment["name"] == deployment_name(deployment["parameters"]["shard"])
        assert deployment["parameters"]["config_path"] == "sources.toml"
