"""``sinorus demo``: the bundled sample site as a configuration, and queries to try after."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from rich.console import Console

from flows.sample_site import sources

DEMO_QUERIES = (
    ("Relevant articles, newest first",
     "SELECT published_at, language, source, title FROM articles "
     "WHERE is_relevant ORDER BY published_at DESC NULLS LAST LIMIT 10"),
    ("Articles per language and outlet",
     "SELECT language, source, count(*) AS n FROM articles GROUP BY ALL ORDER BY n DESC"),
    ("The fetch log of the last run",
     "SELECT outcome, count(*) AS n FROM fetches "
     "WHERE run_id = (SELECT max(run_id) FROM runs) GROUP BY outcome"),
)


def demo_config_text(base_url: str, db_path: Path) -> str:
    """A configuration for the sample site: loopback allowed, no politeness delay."""
    lines = [
        "# Written by `sinorus demo` for the bundled sample site.",
        "[warehouse]",
        f"path = {json.dumps(str(db_path))}",
        "",
        "[fetch]",
        'user_agent = "sinorus-demo/0.1 (+https://github.com/sinorus/sinorus)"',
        "per_host_delay_s = 0.0",
        "per_host_concurrency = 4",
        "timeout_s = 10",
        'allowed_private_networks = ["127.0.0.1/32"]',
    ]
    for src in sources(base_url):
        lines += ["", "[[sources]]"] + [f"{k} = {json.dumps(v)}" for k, v in src.items()]
    return "\n".join(lines) + "\n"


def _program() -> str:
    """How the user can call sinorus again: by name when it is on PATH, else its path."""
    argv0 = sys.argv[0]
    if shutil.which("sinorus") or not argv0.endswith("sinorus"):
        return "sinorus"
    return os.path.relpath(argv0)


def print_demo_queries(console: Console, db_path: Path) -> None:
    console.print("\n[bold]Try these:[/]")
    program = _program()
    for title, query in DEMO_QUERIES:
        console.print(f"  # {title}")
        console.print(f'  {program} sql --db {db_path} "{query}"', highlight=False,
                      soft_wrap=True)
