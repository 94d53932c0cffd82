"""Score dates found inside texts on an evaluation set (JSON lines), or time the extractor.

Usage: python bench/eval_text_dates.py [PATH]      (default: ../shared/eval/dates-in-text-dev.jsonl)
       python bench/eval_text_dates.py --bench [PATH]   texts/s on ~5 KB texts: the eval
           texts repeated to 5 KB (far denser in dates than articles), and real English
           article bodies from ../shared/eval/fundus-body when present
Each line: {"id", "lang", "published", "text", "expect": [[value, granularity]],
"optional": [...]}. Recall = expected pairs found / expected; precision = reported pairs in
expect ∪ optional / reported (both pooled over texts). Every miss and extra is printed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transform.textdates import dates_column, find_dates

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"
DEFAULT = EVAL / "dates-in-text-dev.jsonl"
FUNDUS = EVAL / "fundus-body" / "ground_truth.json"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def evaluate(items: list[dict]) -> tuple[float, float]:
    expected = found = reported = right = 0
    for it in items:
        got = find_dates(it["text"], it.get("lang"), it.get("published"))
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


def bench(items: list[dict], size: int = 5000, rounds: int = 3) -> float:
    """texts/s through dates_column on texts of about ``size`` characters."""
    import polars as pl

    texts, langs, pubs = [], [], []
    for it in items:
        reps = max(1, size // max(1, len(it["text"])))
        texts.append(((it["text"] + "\n") * reps)[:size])
        langs.append(it.get("lang"))
        pubs.append(it.get("published"))
    n = max(1, 2000 // len(texts))
    frame = pl.DataFrame({"text": texts * n, "language": langs * n, "published_at": pubs * n})
    dates_column(frame.head(len(texts)))  # compile the patterns outside the timing
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        dates_column(frame)
        best = min(best, time.perf_counter() - t0)
    rate = frame.height / best
    kb = sum(len(t.encode()) for t in texts) / len(texts) / 1024
    print(f"{frame.height} texts of ~{kb:.1f} KB (eval texts repeated): {rate:.0f} texts/s")
    if FUNDUS.exists():
        bodies = ["\n".join(p.strip("[]") for p in page["body"])[:size]
                  for page in json.loads(FUNDUS.read_text(encoding="utf-8")).values()]
        bodies = [b for b in bodies if len(b) > 3000]
        real = pl.DataFrame({"text": bodies * 10, "language": ["en"] * len(bodies) * 10,
                             "published_at": ["2024-03-01T12:00:00Z"] * len(bodies) * 10})
        t0 = time.perf_counter()
        dates_column(real)
        kb = sum(len(b.encode()) for b in bodies) / len(bodies) / 1024
        print(f"{real.height} real English article bodies of ~{kb:.1f} KB: "
              f"{real.height / (time.perf_counter() - t0):.0f} texts/s")
    return rate


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT
    items = load(path)
    if "--bench" in argv:
        bench(items)
        return 0
    recall, precision = evaluate(items)
    return 0 if recall >= 0.9 and precision >= 0.9 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
