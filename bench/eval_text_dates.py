"""Score dates found inside texts on an evaluation set (JSON lines), or time the extractor.

Usage: python bench/eval_text_dates.py [PATH]      (default: ../shared/eval/dates-in-text-dev.jsonl)
       python bench/eval_text_dates.py --dateparser [PATH]   the same score for dateparser's
           search_dates (each hit as a day; what it finds for "May 2024" is a day too)
Each line: {"id", "lang", "published", "text", "expect": [[value, granularity]],
"optional": [...]}. Recall = expected pairs found / expected; precision = reported pairs in
expect ∪ optional / reported (both pooled over texts). Every miss and extra is printed.
Speed: bench/bench_text_dates.py.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transform.textdates import find_dates

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"
DEFAULT = EVAL / "dates-in-text-dev.jsonl"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def dateparser_dates(text: str, lang: str | None, published: str | None) -> list[dict]:
    """dateparser's search_dates as [{surface, value, granularity}], relative to the
    publication time (naive, in its own zone)."""
    from datetime import datetime

    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": datetime.fromisoformat(published).replace(tzinfo=None)
                } if published else {}
    hits = search_dates(text, languages=[lang] if lang else None, settings=settings) or []
    return [{"surface": s, "value": d.date().isoformat(), "granularity": "day"}
            for s, d in hits]


def evaluate(items: list[dict], finder: Callable[..., list[dict]] = find_dates
             ) -> tuple[float, float]:
    expected = found = reported = right = 0
    for it in items:
        got = finder(it["text"], it.get("lang"), it.get("published"))
        pairs = {(d["value"], d["granularity"]) for d in got}
        expect = {tuple(p) for p in it["expect"]}
        allowed = expect | {tuple(p) for p in it.get("optional", [])}
        missing = sorted(expect - pairs)
        extra = [d for d in got if (d["value"], d["granularity"]) not in allowed]
        expected += len(expect)
        found += len(expect & pairs)
        reported += len(pairs)
        right += len(pairs & allowed)
        if missing or extra:
            print(f"{it['id']} [{it.get('lang')}] missing={missing} "
                  f"extra={[(d['surface'], d['value'], d['granularity']) for d in extra]}")
    recall = found / expected if expected else 1.0
    precision = right / reported if reported else 1.0
    print(f"recall {found}/{expected} = {recall:.3f}; precision {right}/{reported} = "
          f"{precision:.3f} ({len(items)} texts)")
    return recall, precision


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT
    items = load(path)
    if "--dateparser" in argv:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            evaluate(items, dateparser_dates)
        return 0
    recall, precision = evaluate(items)
    return 0 if recall >= 0.9 and precision >= 0.9 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
