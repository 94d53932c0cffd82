"""What an operator sees in the Prefect UI for one run: two artifacts and a verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flows.nightly import RunSummary

# A run fails (rather than completing with failures listed) when more than this share of
# its sources failed: one dead outlet is news, most of them dead is an outage.
FAILED_SHARE_LIMIT = 0.5


def source_table(summary: RunSummary) -> list[dict[str, Any]]:
    """One row per source: the table artifact."""
    rows = []
    for s in summary.sources:
        rows.append({
            "source": s.name, "discovered": s.discovered, "already_known": s.skipped_known,
            "fetched": s.fetched, "new": s.new, "updated": s.updated,
            "unchanged": s.unchanged, "duplicate": s.duplicate,
            "failed": sum(s.failed.values()),
            "failed_by_outcome": ", ".join(f"{k}={v}" for k, v in sorted(s.failed.items())),
            "relevant": s.relevant, "status": "ok" if s.ok else f"FAILED: {s.error}",
        })
    return rows


def headline_markdown(summary: RunSummary) -> str:
    """The night's headline figures: the markdown artifact."""
    lines = [f"# sinorus run {summary.run_id}", ""]
    new = sum(s.new for s in summary.sources)
    relevant = sum(s.relevant for s in summary.sources)
    failed = summary.failed_sources
    lines.append(f"**{new}** new articles, **{relevant}** about Russia–China relations, "
                 f"from {len(summary.sources) - len(failed)} of {len(summary.sources)} sources.")
    if summary.languages:
        lines += ["", "## Articles by language", "", "| language | articles |", "|---|---|"]
        lines += [f"| {lang} | {n} |" for lang, n in summary.languages]
    if summary.top_entities:
        lines += ["", "## Top entities", "", "| entity | articles |", "|---|---|"]
        lines += [f"| {name} | {n} |" for name, n in summary.top_entities]
    if summary.top_pairs:
        lines += ["", "## Top entity pairs", "", "| pair | articles |", "|---|---|"]
        lines += [f"| {a} + {b} | {n} |" for a, b, n in summary.top_pairs]
    if failed:
        lines += ["", "## Failed sources", ""]
        lines += [f"- **{s.name}**: {s.error}" for s in failed]
    return "\n".join(lines) + "\n"


def verdict(summary: RunSummary) -> str | None:
    """A failure message when the run as a whole should end Failed, else None."""
    total = len(summary.sources)
    failed = len(summary.failed_sources)
    if total and failed / total > FAILED_SHARE_LIMIT:
        names = ", ".join(s.name for s in summary.failed_sources[:5])
        more = f" and {failed - 5} more" if failed > 5 else ""
        return f"{failed} of {total} sources failed ({names}{more})"
    return None
