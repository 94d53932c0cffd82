"""Benchmark publication dates on the news-dates development set (200 pages, ~30 languages).

Reports the share of labelled pages whose ``published_at`` day (in the page's own time
zone) equals the label, and the share of pages with no date, for the project's
``extract`` and for plain htmldate (extensive search) in the same run.

    python bench/bench_extract_dates.py [EVAL_DIR] [--limit N] [--show-errors]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

from htmldate import find_date

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transform.extract import extract  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("eval_dir", nargs="?", default=str(ROOT / "../shared/eval/news-dates"))
    parser.add_argument("--limit", type=int, default=0, help="every k-th page only (subset)")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    eval_dir = Path(args.eval_dir)
    truth = json.loads((eval_dir / "ground_truth.json").read_text())
    items = sorted((url, v) for url, v in truth.items() if v["date"])
    if args.limit:
        items = items[:: max(1, len(items) // args.limit)]
    pages = [(url, gzip.decompress((eval_dir / v["file"]).read_bytes()), v["date"])
             for url, v in items]

    t0 = time.process_time()
    base = [find_date(html.decode("utf-8", "replace"), url=url, original_date=True,
                      extensive_search=True) for url, html, _ in pages]
    base_time = time.process_time() - t0
    t0 = time.process_time()
    ours = [extract(html, url) for url, html, _ in pages]
    our_time = time.process_time() - t0

    ok = base_ok = missing = base_missing = 0
    sources: Counter[str | None] = Counter()
    for (url, _, want), art, b in zip(pages, ours, base, strict=True):
        got = art.published_at[:10] if art.published_at else None
        sources[art.published_at_source] += 1
        ok += got == want
        missing += got is None
        base_ok += b == want
        base_missing += b is None
        if args.show_errors and got != want:
            print(f"{want} got={art.published_at} ({art.published_at_source}) "
                  f"htmldate={b} {url}")
    n = len(pages)
    print(f"labelled pages: {n}")
    print(f"{'metric':<22}{'sinorus':>10}{'htmldate':>11}")
    print(f"{'day accuracy':<22}{ok / n:>10.4f}{base_ok / n:>11.4f}")
    print(f"{'no date':<22}{missing / n:>10.4f}{base_missing / n:>11.4f}")
    print(f"{'pages/CPU-s':<22}{n / our_time:>10.2f}{n / base_time:>11.2f}")
    print("sources:", dict(sources.most_common()))
    print("titles: not labelled in this set (reported on fundus only)")


if __name__ == "__main__":
    main()
