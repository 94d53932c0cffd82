"""Candidates found by one shard on hosts another shard owns, handed over through files.

A shard never fetches a host it does not own, so an aggregator's or GDELT's candidates on
other hosts are written to ``<handoff_dir>/shard-<j>/`` for their owner ``j``, which reads
them at the start of its next run and fetches them as the original source's pages. A file
is removed only after the run that read it has staged its batch; candidates that its host
asked to come back for later are written back for the next run.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ingest.discover import Candidate
from ingest.shards import ShardSpec


@dataclass(frozen=True, slots=True)
class HandedOver:
    """A candidate as handed over: the page and the source it was discovered by."""

    candidate: Candidate
    source_language: str | None = None


@dataclass(slots=True)
class Inbox:
    """What a shard found handed over to it at the start of a run."""

    files: list[Path]
    items: list[HandedOver]

    def settle(self) -> None:
        """The run has staged what it fetched: the files are done with."""
        for path in self.files:
            path.unlink(missing_ok=True)


def inbox_dir(root: Path, shard: int) -> Path:
    return root / f"shard-{shard}"


def _row(item: HandedOver) -> dict[str, str | None]:
    c = item.candidate
    return {"url": c.url, "source": c.source, "title": c.title,
            "published_at": c.published_at, "language": c.language,
            "source_language": item.source_language}


def write_handoff(root: Path, spec: ShardSpec, run_id: str, items: list[HandedOver]
                  ) -> dict[int, int]:
    """Write ``items`` to the inboxes of the shards that own their hosts; counts per shard.

    One file per receiving shard and run, written under a temporary name and renamed, so a
    reader never sees half a file.
    """
    by_shard: dict[int, list[HandedOver]] = defaultdict(list)
    for item in items:
        by_shard[spec.owner(item.candidate.url)].append(item)
    for shard, group in by_shard.items():
        directory = inbox_dir(root, shard)
        directory.mkdir(parents=True, exist_ok=True)
        final = directory / f"{run_id}-from-{spec.index}-of-{spec.count}.json"
        temporary = directory / f".{final.name}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump([_row(i) for i in group], handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(final)
    return {shard: len(group) for shard, group in by_shard.items()}


def read_inbox(root: Path, spec: ShardSpec) -> Inbox:
    """Everything handed over to this shard so far, without repeats, oldest file first.

    A file that cannot be read is left where it is and skipped (an operator can look at
    it); it does not stop the run.
    """
    directory = inbox_dir(root, spec.index)
    if not directory.is_dir():
        return Inbox([], [])
    files: list[Path] = []
    items: dict[str, HandedOver] = {}
    for path in sorted(p for p in directory.glob("*.json") if not p.name.startswith(".")):
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            parsed = [HandedOver(Candidate(r["url"], r["source"], r.get("title"),
                                           r.get("published_at"), r.get("language")),
                                 r.get("source_language")) for r in rows]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        files.append(path)
        for item in parsed:
            items.setdefault(item.candidate.url, item)
    return Inbox(files, list(items.values()))
