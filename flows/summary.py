"""The table every run ends with: one row per source."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from flows.nightly import RunSummary


def print_summary(console: Console, summary: RunSummary) -> None:
    table = Table(title=f"run {summary.run_id}", title_justify="left")
    for column in ("source", "discovered", "known", "fetched", "failed", "new", "updated",
                   "relevant", "status"):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for s in summary.sources:
        failed = ", ".join(f"{k} {v}" for k, v in sorted(s.failed.items())) or "0"
        status = "[green]ok[/]" if s.ok else "[red]failed[/]"
        table.add_row(s.name, str(s.discovered), str(s.skipped_known), str(s.fetched), failed,
                      str(s.new), str(s.updated), str(s.relevant), status)
    console.print(table)
    failed = summary.failed_sources
    if failed:
        console.print(f"[yellow]{len(failed)} of {len(summary.sources)} sources failed:[/]")
        for s in failed:
            console.print(f"  {s.name}: {s.error}", highlight=False, soft_wrap=True)
    console.print(f"warehouse: {summary.db_path}")
