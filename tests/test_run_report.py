"""What the Prefect UI shows for a run: the verdict and the two artifacts' contents."""

from __future__ import annotations

from flows.nightly import RunSummary, SourceSummary
from flows.report import headline_markdown, source_table, verdict


def _summary(failed: int, ok: int) -> RunSummary:
    sources = [SourceSummary(name=f"ok-{i}", discovered=5, fetched=5, new=4, relevant=2,
                             duplicate=1) for i in range(ok)]
    sources += [SourceSummary(name=f"bad-{i}", failed={"timeout": 2},
                              error="feed: timeout") for i in range(failed)]
    summary = RunSummary("20261129T020000Z-abcdef", "/tmp/w.duckdb", sources)
    summary.languages = [("ru", 3), ("zh", 1)]
    summary.top_entities = [("China", 4), ("Russia", 4)]
    summary.top_pairs = [("China", "Russia", 4)]
    return summary


def test_some_failed_sources_complete_most_failed_sources_fail() -> None:
    assert verdict(_summary(failed=1, ok=3)) is None
    assert verdict(_summary(failed=2, ok=2)) is None
    message = verdict(_summary(failed=3, ok=2))
    assert message is not None and message.startswith("3 of 5 sources failed (bad-0")


def test_source_table_counts_per_source() -> None:
    rows = {r["source"]: r for r in source_table(_summary(failed=1, ok=1))}
    assert rows["ok-0"] == {
        "source": "ok-0", "discovered": 5, "already_known": 0, "fetched": 5, "new": 4,
        "updated": 0, "unchanged": 0, "duplicate": 1, "failed": 0, "failed_by_outcome": "",
        "relevant": 2, "status": "ok"}
    assert rows["bad-0"]["failed_by_outcome"] == "timeout=2"
    assert rows["bad-0"]["status"] == "FAILED: feed: timeout"


def test_headline_markdown_has_languages_entities_pairs_and_failures() -> None:
    text = headline_markdown(_summary(failed=1, ok=2))
    assert "**8** new articles, **4** about Russia–China relations, from 2 of 3 sources." in text
    assert "| ru | 3 |" in text and "| China + Russia | 4 |" in text
    assert "- **bad-0**: feed: timeout" in text
