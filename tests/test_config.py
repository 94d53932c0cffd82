"""The configuration file: parsing, validation, and one-line errors at the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.config import ConfigError, load_config, parse_config

GOOD = """
[warehouse]
path = "data/w.duckdb"

[fetch]
user_agent = "sinorus-test/0.1 (+https://example.org/contact)"
max_bytes = 1_000
per_host_delay_s = 0.5
allowed_private_networks = ["127.0.0.1/32"]

[[sources]]
name = "one"
kind = "rss"
url = "https://example.org/rss.xml"
language = "en"

[[sources]]
name = "two"
kind = "sitemap"
url = "https://example.org/sitemap.xml"
"""


def test_parses_a_complete_config(tmp_path: Path) -> None:
    cfg = parse_config(GOOD, base_dir=tmp_path)
    assert cfg.warehouse_path == tmp_path / "data/w.duckdb"
    assert cfg.fetch.max_bytes == 1000
    assert cfg.fetch.per_host_delay_s == 0.5
    assert cfg.fetch.user_agent.startswith("sinorus-test")
    assert [str(n) for n in cfg.fetch.allowed_networks()] == ["127.0.0.1/32"]
    assert [(s.name, s.kind, s.language) for s in cfg.sources] == [
        ("one", "rss", "en"), ("two", "sitemap", None)]
    assert (cfg.schedule.cron, cfg.schedule.timezone) == ("0 2 * * *", "UTC")


def test_schedule_is_read_and_its_time_zone_checked() -> None:
    cfg = parse_config('[schedule]\ncron = "30 4 * * 1-5"\ntimezone = "Asia/Jakarta"\n')
    assert (cfg.schedule.cron, cfg.schedule.timezone) == ("30 4 * * 1-5", "Asia/Jakarta")
    with pytest.raises(ConfigError, match="unknown time zone"):
        parse_config('[schedule]\ntimezone = "Mars/Olympus_Mons"\n')


@pytest.mark.parametrize(("text", "message"), [
    ("[[sources]]\nname = 'x'\nkind = 'telepathy'\nurl = 'https://a.b/'", "kind must be one of"),
    ("[[sources]]\nname = 'x'\nkind = 'rss'", "needs a 'url'"),
    ("[[sources]]\nname = 'x'\nkind = 'rss'\nurl = 'ftp://a.b/'", "must start with http"),
    ("[fetch]\nmax_bytes = 'lots'", "fetch.max_bytes must be a number"),
    ("[fetch]\nspeed = 3", "unknown key"),
    ("[fetch]\nallowed_private_networks = ['not-a-net']", "allowed_private_networks"),
    ("[[sources]]\nname='a'\nkind='rss'\nurl='https://a/'\n"
     "[[sources]]\nname='a'\nkind='rss'\nurl='https://b/'", "unique"),
    ("this is = = not toml", "not valid TOML"),
])
def test_rejects_invalid_configs(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(text)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(Path(__file__).parents[1]), "PATH": "/usr/bin",
                               "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                               "HOME": str(cwd)})


@pytest.mark.parametrize("content", [None, "[[sources]\nbroken"])
def test_cli_exits_2_with_one_line_on_bad_config(tmp_path: Path, content: str | None) -> None:
    config = tmp_path / "sources.toml"
    if content is not None:
        config.write_text(content)
    proc = _cli("run", "--config", str(config), cwd=tmp_path)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(config) in lines[0]
