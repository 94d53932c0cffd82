"""Benchmark extraction on the fundus-body development set (80 English news pages).

Reports, for the project's ``extract`` and for plain trafilatura in the same run:
4-word-shingle F1 of the body text, exact-match title accuracy, exact-match author
list accuracy (labels in ``bench/data/fundus_meta.json``) and pages per CPU second.

    python bench/bench_extract_fundus.py [EVAL_DIR] [--limit N] [--show-errors]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transform.extract import extract  # noqa: E402

_WORD = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def page_scores(predicted: str, expected: str) -> tuple[float, float]:
    """Per-page precision and recall from tp/fp/fn normalised by their sum."""
    got, want = shingles(predicted), shingles(expected)
    tp = sum((got & want).values())
    fp = sum(got.values()) - tp
    fn = sum(want.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def f1(precisions: list[float], recalls: list[float]) -> float:
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    return 2 * p * r / (p + r) if p + r else 0.0


def norm(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def norm_authors(values: list[str]) -> list[str]:
    return [norm(v).casefold() for v in values]


def expected_body(paragraphs: list[str]) -> str:
    out = []
    for p in paragraphs:
        if p.startswith("[") and p.endswith("]"):
            p = p[1:-1]
        out.append(p)
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("eval_dir", nargs="?", default=str(ROOT / "../shared/eval/fundus-body"))
    parser.add_argument("--labels", default=str(ROOT / "bench/data/fundus_meta.json"))
    parser.add_argument("--limit", type=int, default=0, help="every k-th page only (subset)")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    eval_dir = Path(args.eval_dir)
    truth = json.loads((eval_dir / "ground_truth.json").read_text())
    labels_path = Path(args.labels)
    labels = json.loads(labels_path.read_text()) if labels_path.exists() else {}
    names = sorted(truth)
    if args.limit:
        names = names[:: max(1, len(names) // args.limit)]
    pages = [(n, gzip.decompress((eval_dir / "html" / n).read_bytes()), truth[n]) for n in names]

    # Both extractors run page by page, alternating, timed in CPU seconds of this process,
    # so that other processes on the machine weigh on neither. One untimed warm-up page
    # first: imports and one-off compilations are not per-page costs.
    trafilatura.extract(pages[0][1].decode("utf-8", "replace"), url=pages[0][2]["url"])
    extract(pages[0][1], pages[0][2]["url"])
    base_out, ours = [], []
    base_time = our_time = 0.0
    for _, html, t in pages:
        t0 = time.process_time()
        base_out.append(trafilatura.extract(html.decode("utf-8", "replace"), url=t["url"]) or "")
        t1 = time.process_time()
        ours.append(extract(html, t["url"]))
        t2 = time.process_time()
        base_time += t1 - t0
        our_time += t2 - t1
    base_p, base_r = [], []
    for (_, _, t), text in zip(pages, base_out, strict=True):
        p, r = page_scores(text, expected_body(t["body"]))
        base_p.append(p)
        base_r.append(r)
    base_meta = [trafilatura.bare_extraction(html.decode("utf-8", "replace"), url=t["url"],
                                             with_metadata=True) for _, html, t in pages]

    our_p, our_r = [], []
    title_ok = author_ok = base_title_ok = base_author_ok = labelled = 0
    for (name, _, t), art, bm in zip(pages, ours, base_meta, strict=True):
        p, r = page_scores(art.text, expected_body(t["body"]))
        our_p.append(p)
        our_r.append(r)
        if args.show_errors and (p < 0.95 or r < 0.95):
            print(f"BODY {name}: p={p:.3f} r={r:.3f}")
        label = labels.get(name)
        if not label:
            continue
        labelled += 1
        if norm(art.title) == norm(label["title"]):
            title_ok += 1
        elif args.show_errors:
            print(f"TITLE {name}: got {art.title!r} want {label['title']!r}")
        if norm_authors(art.authors) == norm_authors(label["authors"]):
            author_ok += 1
        elif args.show_errors:
            print(f"AUTHORS {name}: got {art.authors!r} want {label['authors']!r}")
        if bm is not None and norm(bm.title) == norm(label["title"]):
            base_title_ok += 1
        base_authors = [a.strip() for a in (bm.author or "").split(";") if a.strip()] if bm else []
        if norm_authors(base_authors) == norm_authors(label["authors"]):
            base_author_ok += 1

    n = len(pages)
    print(f"pages: {n} (labelled for title/authors: {labelled})")
    print(f"{'metric':<22}{'sinorus':>10}{'trafilatura':>13}")
    print(f"{'body shingle F1':<22}{f1(our_p, our_r):>10.4f}{f1(base_p, base_r):>13.4f}")
    print(f"{'  precision':<22}{sum(our_p) / n:>10.4f}{sum(base_p) / n:>13.4f}")
    print(f"{'  recall':<22}{sum(our_r) / n:>10.4f}{sum(base_r) / n:>13.4f}")
    if labelled:
        print(f"{'title exact':<22}{title_ok / labelled:>10.4f}{base_title_ok / labelled:>13.4f}")
        print(f"{'authors exact':<22}{author_ok / labelled:>10.4f}"
              f"{base_author_ok / labelled:>13.4f}")
    print(f"{'pages/CPU-s':<22}{n / our_time:>10.2f}{n / base_time:>13.2f}")
    print(f"time ratio sinorus/trafilatura: {our_time / base_time:.3f}")


if __name__ == "__main__":
    main()
