"""Score entity normalisation and relevance on an evaluation set (JSON lines).

Usage: python bench/eval_entities.py [PATH]   (default: ../shared/eval/entities-dev.jsonl)
Each line: {"id", "lang", "title", "text", "expect": [names], "must_not": [names],
"relevant": bool}. Prints recall of expect, must_not hits, is_relevant accuracy, and
every miss, so a maintainer sees what to add to the gazetteer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transform.annotate import annotate_records

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "entities-dev.jsonl"


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    results = annotate_records(
        {"id": it["id"], "title": it.get("title"), "text": it["text"], "language": it.get("lang")}
        for it in items
    )
    expected = found = bad = right = 0
    for it, res in zip(items, results, strict=True):
        names = {e["name"] for e in res["entities"]}
        missing = [n for n in it["expect"] if n not in names]
        wrong = [n for n in it.get("must_not", []) if n in names]
        expected += len(it["expect"])
        found += len(it["expect"]) - len(missing)
        bad += len(wrong)
        ok = res["is_relevant"] == it["relevant"]
        right += ok
        if missing or wrong or not ok:
            print(f"{it['id']} [{res['language']}] relevance={res['relevance']:.2f} "
                  f"(expected relevant={it['relevant']}) missing={missing} must_not={wrong}")
    recall = found / expected if expected else 1.0
    print(f"recall {found}/{expected} = {recall:.3f}; must_not hits {bad}; "
          f"is_relevant {right}/{len(items)} = {right / len(items):.3f}")
    return 0 if recall >= 0.95 and bad == 0 and right == len(items) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
