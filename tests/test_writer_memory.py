"""The writer's memory budget: a publish that cannot fit in it is redone without it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from flows import nightly
from tests.dedup_helpers import articles, rows
from tests.dedup_texts import BYLINED, WIRE
from warehouse.stage import pending_batches, stage_batch


def _stage(data: Path) -> None:
    stage_batch(data, "20260101T020000Z-000001", {"articles": articles(
        dict(url="https://wire.test/gas", text=WIRE),
        dict(url="https://b.test/gas", text=BYLINED))})


def test_a_load_within_the_budget_is_published_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _stage(tmp_path)
    with caplog.at_level(logging.WARNING, logger="sinorus"):
        nightly.publish_pending(tmp_path / "w.duckdb", tmp_path)
    assert rows(tmp_path / "w.duckdb", "SELECT count(*) FROM articles") == [(2,)]
    assert "memory budget" not in caplog.text


def test_a_load_over_the_budget_is_loaded_again_without_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A budget no load fits in: the first attempt fails, the second publishes everything.
    monkeypatch.setattr(nightly, "WRITER_MEMORY_LIMIT", "1KB")
    _stage(tmp_path)
    db = tmp_path / "w.duckdb"
    with caplog.at_level(logging.WARNING, logger="sinorus"):
        counts = nightly.publish_pending(db, tmp_path)
    assert "over the writer's 1KB memory budget" in caplog.text
    assert [c.new for c in counts.values()] == [2]
    assert rows(db, "SELECT count(*), count(cluster_id) FROM articles") == [(2, 2)]
    assert rows(db, "SELECT kind FROM near_duplicates") == [("near",)]
    assert pending_batches(tmp_path) == []
    assert not (tmp_path / "w.duckdb.next").exists()
