"""Speed of the dates-in-text tagger on ~5 KB article texts, beside dateparser's search_dates.

Usage: python bench/bench_text_dates.py [--eval-dir ../shared/eval] [--size 5000]
           [--rounds 3] [--dateparser-texts 150]

Texts (nothing here is written for the tagger):
- real: article bodies of the news-dates pages (trafilatura's text) in the nine languages
  the tagger reads, language told by sinorus' identifier; each repeated to ``--size``
  bytes of UTF-8 and cut there;
- fundus: English article bodies of fundus-body, cut to ``--size`` bytes;
- dense: the dates-in-text dev texts repeated to ``--size`` (a date in every sentence: far
  denser than news, the worst case).
Each text is published at its page's labelled date (or 2024-03-01 12:00 UTC).

sinorus runs ``dates_column`` over the whole batch on one core (POLARS_MAX_THREADS=1);
dateparser runs ``search_dates(text, languages=[lang], settings={"RELATIVE_BASE": …})`` per
text on the first ``--dateparser-texts`` texts of each set. Reported: texts per second of
CPU time (process time: what a core does), and the wall-clock rate.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"  # per core: polars would use every core otherwise

import argparse
import gzip
import json
import sys
import time
import warnings
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from transform.language import identify
from transform.textdates import dates_column

LANGUAGES = ("en", "ru", "zh", "id", "fr", "de", "es", "ar", "ja")
DEFAULT_EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"
DEFAULT_PUB = "2024-03-01T12:00:00+00:00"


def _sized(text: str, size: int) -> str:
    """``text`` repeated (paragraph-separated) to at least ``size`` UTF-8 bytes, cut there."""
    data = text.encode()
    reps = -(-size // max(1, len(data) + 1))
    return ("\n".join([text] * reps)).encode()[:size].decode("utf-8", "ignore")


def real_texts(eval_dir: Path, size: int) -> pl.DataFrame:
    import trafilatura

    truth = json.loads((eval_dir / "news-dates" / "ground_truth.json").read_text())
    rows = []
    for url, item in truth.items():
        html = gzip.decompress((eval_dir / "news-dates" / item["file"]).read_bytes())
        body = trafilatura.extract(html, url=url) or ""
        lang = identify(body) if len(body) >= 400 else ""
        if lang in LANGUAGES:
            pub = f"{item['date']}T12:00:00+00:00" if item.get("date") else DEFAULT_PUB
            rows.append({"text": _sized(body, size), "language": lang, "published_at": pub})
    return pl.DataFrame(rows)


def fundus_texts(eval_dir: Path, size: int) -> pl.DataFrame:
    truth = json.loads((eval_dir / "fundus-body" / "ground_truth.json").read_text())
    bodies = ["\n".join(p.strip("[]") for p in page["body"]) for page in truth.values()]
    texts = [b.encode()[:size].decode("utf-8", "ignore") for b in bodies
             if len(b.encode()) >= size * 0.6]
    return pl.DataFrame({"text": texts, "language": ["en"] * len(texts),
                         "published_at": [DEFAULT_PUB] * len(texts)})


def dense_texts(eval_dir: Path, size: int) -> pl.DataFrame:
    items = [json.loads(line) for line in
             (eval_dir / "dates-in-text-dev.jsonl").read_text().splitlines() if line]
    return pl.DataFrame({"text": [_sized(i["text"], size) for i in items],
                         "language": [i["lang"] for i in items],
                         "published_at": [i["published"] for i in items]})


def time_sinorus(frame: pl.DataFrame, rounds: int) -> tuple[float, float, int]:
    """(texts per CPU second, texts per wall second, dates found), best of ``rounds`` over
    the frame repeated to at least 1,000 texts."""
    big = pl.concat([frame] * max(1, -(-1000 // frame.height)))
    dates_column(big.head(20))  # compile the patterns outside the timing
    best_cpu = best_wall = float("inf")
    found = 0
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        out = dates_column(big)
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
        found = int(out.list.len().sum())
    copies = max(1, big.height // frame.height)
    return big.height / best_cpu, big.height / best_wall, found // copies


def time_dateparser(frame: pl.DataFrame, limit: int) -> tuple[float, float, int]:
    from dateparser.search import search_dates

    rows = frame.head(limit).to_dicts()
    search_dates("warm up on 5 May 2024", languages=["en"])
    found = 0
    c0, w0 = time.process_time(), time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row in rows:
            base = datetime.fromisoformat(row["published_at"]).replace(tzinfo=None)
            hits = search_dates(row["text"], languages=[row["language"]],
                                settings={"RELATIVE_BASE": base})
            found += len(hits or [])
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return len(rows) / cpu, len(rows) / wall, found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dateparser-texts", type=int, default=150)
    args = parser.parse_args(argv[1:])
    sets = {"real (9 languages)": real_texts(args.eval_dir, args.size),
            "fundus (English)": fundus_texts(args.eval_dir, args.size),
            "dense (dev texts)": dense_texts(args.eval_dir, args.size)}
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; texts of {args.size} bytes")
    print("| texts | n | languages | sinorus texts/CPU-s | sinorus texts/s wall | dates/text "
          "| dateparser texts/CPU-s | dateparser dates/text |")
    print("|---|---|---|---|---|---|---|---|")
    for name, frame in sets.items():
        langs = ", ".join(f"{k} {v}" for k, v in
                          frame["language"].value_counts(sort=True).iter_rows())
        cpu, wall, found = time_sinorus(frame, args.rounds)
        dp_cpu, _, dp_found = time_dateparser(frame, args.dateparser_texts)
        n_dp = min(args.dateparser_texts, frame.height)
        print(f"| {name} | {frame.height} | {langs} | {cpu:,.0f} | {wall:,.0f} | "
              f"{found / frame.height:.1f} | {dp_cpu:,.1f} | {dp_found / n_dp:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
