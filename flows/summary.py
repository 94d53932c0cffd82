"""The table every run ends with: one row per source."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from flows.nightly import FAILING_STREAK, RunSummary


def print_summary(console: Console, summary: RunSummary) -> None:
    shard = f" (shard {summary.shard})" if summary.shard else ""
    table = Table(title=f"run {summary.run_id}{shard}", title_justify="left")
    for column in ("source", "discovered", "known", "fetched", "failed", "new", "updated",
                   "relevant", "status"):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for s in summary.sources:
        failed = ", ".join(f"{k} {v}" for k, v in sorted(s.failed.items())) or "0"
        status = {"ok": "[green]ok[/]", "deferred": "[yellow]deferred[/]"}.get(
            s.status, "[red]failed[/]")
        if s.failing_streak > 1:
            status += f" ({s.failing_streak} runs)"
        name = f"{s.name} (handed over)" if s.from_handoff else s.name
        table.add_row(name, str(s.discovered), str(s.skipped_known), str(s.fetched), failed,
                      str(s.new), str(s.updated), str(s.relevant), status)
    console.print(table)
    failed = summary.failed_sources
    if failed:
        console.print(f"[yellow]{len(failed)} of {len(summary.sources)} sources failed:[/]")
        for s in failed:
            console.print(f"  {s.name}: {s.error}", highlight=False, soft_wrap=True)
    for s in summary.sources:
        if s.deferred:
            console.print(f"[yellow]{s.name} deferred to the next run:[/] {s.deferred}",
                          highlight=False, soft_wrap=True)
    for s in summary.chronically_failing:
        assert s.health is not None
        since = (f"last success {s.health.last_success_at:%Y-%m-%d %H:%M} UTC"
                 if s.health.last_success_at else "never succeeded")
        console.print(f"[bold red]{s.name} has failed {s.failing_streak} runs in a row[/] "
                      f"(≥ {FAILING_STREAK}; {since}): {s.health.last_error or ''}",
                      highlight=False, soft_wrap=True)
    console.print(f"warehouse: {summary.db_path}")
