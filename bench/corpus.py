"""A local news corpus for benchmarks: N article pages of nine outlets, with feeds and sitemaps.

    python bench/corpus.py generate DIR --pages 10000 [--seed 7] [--jobs 2]
    python bench/corpus.py serve DIR --latency-ms 50 [--log requests.tsv] [--ready-file F]

``generate`` writes, deterministically for a seed:

- ``DIR/www/<outlet>/…``: article pages (50–150 KB of HTML each, five layouts, nine
  languages, text from :mod:`bench.corpus_text`), an RSS or Atom feed of the latest 50
  articles, a sitemap index with monthly Google-News sitemaps (≤ 1,000 URLs each) that
  list every article, robots.txt and a home page;
- ``DIR/pages.jsonl``: one line per article (URL path, outlet, file, language, relevant,
  published, title, words, bytes): the ground truth and the file list the extraction
  limit reads;
- ``DIR/manifest.json``: the outlets (layout, languages, feed, sitemap index).

``serve`` puts every outlet on its own 127.0.0.1 port (see :mod:`bench.corpus_server`),
prints ``{outlet: base_url}`` as JSON (and writes it to ``--ready-file``), and runs until
interrupted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import sys
import time
import unicodedata
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus_pages import PagePlan, render, script_bundle
from bench.corpus_server import CorpusServer
from bench.corpus_text import POOLS, headline, paragraphs, word_count

# Bumped whenever generation changes, so a cached corpus of an older version is rebuilt.
CORPUS_VERSION = 3
FEED_ITEMS = 50
SITEMAP_CHUNK = 1000
# Publication dates spread over the year before this instant.
ANCHOR = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)
SECTION_KEYS = ("world", "politics", "business", "tech", "sport", "culture", "opinion", "science")


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    layout: str
    languages: tuple[tuple[str, float], ...]  # (language, share of the outlet's articles)
    feed_kind: str  # rss | atom
    utc_offset_h: int
    relevant_share: float  # share of articles about Russia–China relations

    @property
    def feed_path(self) -> str:
        return "/rss.xml" if self.feed_kind == "rss" else "/atom.xml"


OUTLETS = (
    Outlet("meridian-wire", "Meridian Wire", "wire", (("en", 0.9), ("zh", 0.1)), "rss", 0, 0.3),
    Outlet("volga-courier", "Volga Courier", "portal", (("ru", 1.0),), "rss", 3, 0.35),
    Outlet("jade-river-daily", "Jade River Daily", "magazine", (("zh", 1.0),), "atom", 8, 0.35),
    Outlet("courrier-de-l-est", "Le Courrier de l'Est", "classic", (("fr", 1.0),), "atom", 1,
           0.2),
    Outlet("nordblick", "Nordblick", "minimal", (("de", 1.0),), "rss", 1, 0.2),
    Outlet("el-mirador-global", "El Mirador Global", "portal", (("es", 1.0),), "atom", -3, 0.2),
    Outlet("al-mashriq-review", "Al-Mashriq Review", "classic", (("ar", 1.0),), "rss", 3, 0.25),
    Outlet("higashi-shimbun", "Higashi Shimbun", "magazine", (("ja", 1.0),), "rss", 9, 0.25),
    Outlet("warta-timur", "Warta Timur", "wire", (("id", 0.8), ("en", 0.2)), "atom", 7, 0.25),
)


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_title.lower()).split()
    return "-".join(words[:8]) or "article"


def _path(outlet: Outlet, index: int, section: int, when: datetime, title: str) -> tuple[str, str]:
    """URL path and file (relative to the outlet's directory): dates in every path."""
    slug, key = _slug(title), SECTION_KEYS[section]
    y, m, d = f"{when.year:04d}", f"{when.month:02d}", f"{when.day:02d}"
    if outlet.layout == "portal":
        path = f"/news/{y}-{m}-{d}/{index}/"
        return path, f"news/{y}-{m}-{d}/{index}/index.html"
    path = {
        "classic": f"/{key}/{y}/{m}/{d}/{slug}-{index}.html",
        "magazine": f"/{y}/{m}/{d}/{slug}-{index}.html",
        "minimal": f"/archives/{y}{m}{d}/{index}.html",
        "wire": f"/article/{y}/{m}/{d}/{key}/{slug}-id{index}.html",
    }[outlet.layout]
    return path, path.lstrip("/")


def plan_corpus(pages: int, seed: int) -> list[PagePlan]:
    """What every page will be, decided up front (related links need other pages' titles)."""
    rng = random.Random(seed)
    plans = []
    for index in range(pages):
        outlet = OUTLETS[index % len(OUTLETS)] if index < len(OUTLETS) else rng.choice(OUTLETS)
        langs, shares = zip(*outlet.languages, strict=True)
        language = rng.choices(langs, shares)[0]
        relevant = rng.random() < outlet.relevant_share
        tz = timezone(timedelta(hours=outlet.utc_offset_h))
        published = (ANCHOR - timedelta(seconds=rng.randint(0, 365 * 86400))).astimezone(tz)
        published = published.replace(microsecond=0)
        section = 0 if relevant and rng.random() < 0.6 else rng.randrange(len(SECTION_KEYS))
        title = headline(language, relevant, rng)
        path, file = _path(outlet, index, section, published, title)
        plans.append(PagePlan(index, outlet.slug, outlet.name, outlet.layout, language, relevant,
                              published, section, title, path, file,
                              rng.randint(50_000, 150_000)))
    return plans


# Set before the worker pool forks, so every worker renders from the same plan.
_STATE: dict[str, object] = {}


def _render_range(bounds: tuple[int, int]) -> list[dict[str, object]]:
    plans: list[PagePlan] = _STATE["plans"]  # type: ignore[assignment]
    by_outlet: dict[str, list[int]] = _STATE["by_outlet"]  # type: ignore[assignment]
    bundles: dict[str, str] = _STATE["bundles"]  # type: ignore[assignment]
    root: Path = _STATE["root"]  # type: ignore[assignment]
    seed: int = _STATE["seed"]  # type: ignore[assignment]
    position: dict[int, int] = _STATE["position"]  # type: ignore[assignment]
    rows = []
    for index in range(*bounds):
        plan = plans[index]
        rng = random.Random(f"{seed}:{index}")
        words = rng.randint(300, 1200)
        paras = paragraphs(plan.language, plan.relevant, words, rng)
        pool = POOLS[plan.language]
        authors = rng.sample(pool.authors, rng.choice((1, 1, 1, 2)))
        siblings = by_outlet[plan.outlet]
        pos = position[index]
        related = [plans[siblings[(pos + k) % len(siblings)]] for k in range(1, 9)
                   if siblings[(pos + k) % len(siblings)] != index]
        html = render(plan, paras, authors, related, bundles[plan.outlet], rng).encode("utf-8")
        target = root / "www" / plan.outlet / plan.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(html)
        rows.append({"path": plan.path, "outlet": plan.outlet,
                     "file": f"www/{plan.outlet}/{plan.file}", "language": plan.language,
                     "relevant": plan.relevant, "published": plan.published.isoformat(),
                     "title": plan.title, "authors": authors,
                     "words": sum(word_count(plan.language, p) for p in paras),
                     "bytes": len(html), "layout": plan.layout})
    return rows


def _rss(outlet: Outlet, items: list[PagePlan]) -> str:
    lang = outlet.languages[0][0]
    entries = "".join(
        f"<item><title>{escape(p.title)}</title><link>{{{{BASE}}}}{escape(p.path)}</link>"
        f"<guid isPermaLink='true'>{{{{BASE}}}}{escape(p.path)}</guid>"
        f"<pubDate>{p.published.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>"
        for p in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>{escape(outlet.name)}</title><link>{{{{BASE}}}}/</link>"
            f"<description>{escape(outlet.name)}</description><language>{lang}</language>"
            f"{entries}</channel></rss>\n")


def _atom(outlet: Outlet, items: list[PagePlan]) -> str:
    lang = outlet.languages[0][0]
    updated = items[0].published.isoformat() if items else ANCHOR.isoformat()
    entries = "".join(
        f"<entry xml:lang='{p.language}'><title>{escape(p.title)}</title>"
        f"<link rel='alternate' href='{{{{BASE}}}}{escape(p.path)}'/>"
        f"<id>{{{{BASE}}}}{escape(p.path)}</id><published>{p.published.isoformat()}</published>"
        f"<updated>{p.published.isoformat()}</updated></entry>"
        for p in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'"
            f" xml:lang='{lang}'><title>{escape(outlet.name)}</title><id>{{{{BASE}}}}/</id>"
            f"<updated>{updated}</updated><link rel='self' href='{{{{BASE}}}}{outlet.feed_path}'/>"
            f"{entries}</feed>\n")


def _news_sitemap(outlet: Outlet, items: list[PagePlan]) -> str:
    urls = "".join(
        f"<url><loc>{{{{BASE}}}}{escape(p.path)}</loc><news:news><news:publication>"
        f"<news:name>{escape(outlet.name)}</news:name><news:language>{p.language}"
        f"</news:language></news:publication><news:publication_date>{p.published.isoformat()}"
        f"</news:publication_date><news:title>{escape(p.title)}</news:title></news:news></url>"
        for p in items)
    return ("<?xml version='1.0' encoding='UTF-8'?><urlset "
            "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
            "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
            f"{urls}</urlset>\n")


def _write_outlet_documents(root: Path, outlet: Outlet, items: list[PagePlan]) -> None:
    """Feed, sitemaps, robots.txt and home page of one outlet (``items`` newest first)."""
    base = root / "www" / outlet.slug
    base.mkdir(parents=True, exist_ok=True)
    feed = _rss if outlet.feed_kind == "rss" else _atom
    (base / outlet.feed_path.lstrip("/")).write_text(feed(outlet, items[:FEED_ITEMS]), "utf-8")
    months: dict[str, list[PagePlan]] = {}
    for p in items:
        months.setdefault(p.published.strftime("%Y-%m"), []).append(p)
    children = []
    (base / "sitemaps").mkdir(exist_ok=True)
    for month, month_items in sorted(months.items(), reverse=True):
        for k in range(0, len(month_items), SITEMAP_CHUNK):
            name = f"sitemaps/news-{month}-{k // SITEMAP_CHUNK + 1}.xml"
            (base / name).write_text(_news_sitemap(outlet, month_items[k:k + SITEMAP_CHUNK]),
                                     "utf-8")
            lastmod = month_items[k].published.isoformat()
            children.append(f"<sitemap><loc>{{{{BASE}}}}/{name}</loc>"
                            f"<lastmod>{lastmod}</lastmod></sitemap>")
    (base / "sitemap_index.xml").write_text(
        "<?xml version='1.0' encoding='UTF-8'?><sitemapindex "
        "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>" + "".join(children) +
        "</sitemapindex>\n", "utf-8")
    (base / "robots.txt").write_text(
        "User-agent: *\nDisallow: /search\nDisallow: /s/*/print\n\n"
        "Sitemap: {{BASE}}/sitemap_index.xml\n", "utf-8")
    links = "".join(f"<li><a href='{escape(p.path)}'>{escape(p.title)}</a></li>"
                    for p in items[:30])
    (base / "index.html").write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(outlet.name)}"
        f"</title></head><body><h1>{escape(outlet.name)}</h1><ul>{links}</ul></body></html>\n",
        "utf-8")


def generate(root: Path, pages: int, seed: int = 7, jobs: int | None = None) -> Path:
    """Write a corpus of ``pages`` articles under ``root``; returns the pages.jsonl path."""
    root = Path(root)
    (root / "www").mkdir(parents=True, exist_ok=True)
    plans = plan_corpus(pages, seed)
    by_outlet: dict[str, list[int]] = {o.slug: [] for o in OUTLETS}
    position: dict[int, int] = {}
    for p in plans:
        position[p.index] = len(by_outlet[p.outlet])
        by_outlet[p.outlet].append(p.index)
    bundle_rng = random.Random(f"{seed}:bundles")
    _STATE.update(plans=plans, by_outlet=by_outlet, position=position, root=root, seed=seed,
                  bundles={o.slug: script_bundle(bundle_rng, 160_000) for o in OUTLETS})
    step = 250
    ranges = [(i, min(i + step, pages)) for i in range(0, pages, step)]
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and pages > step:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            chunks = pool.map(_render_range, ranges, chunksize=1)
    else:
        chunks = [_render_range(r) for r in ranges]
    with (root / "pages.jsonl").open("w", encoding="utf-8") as fh:
        for chunk in chunks:
            for row in chunk:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    outlets = []
    for outlet in OUTLETS:
        items = sorted((plans[i] for i in by_outlet[outlet.slug]),
                       key=lambda p: (p.published, p.index), reverse=True)
        _write_outlet_documents(root, outlet, items)
        outlets.append({**asdict(outlet), "feed": outlet.feed_path,
                        "sitemap": "/sitemap_index.xml", "pages": len(items)})
    manifest = {"version": CORPUS_VERSION, "seed": seed, "pages": pages, "outlets": outlets}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        "utf-8")
    _STATE.clear()
    return root / "pages.jsonl"


def read_pages(root: Path) -> list[dict[str, object]]:
    """The rows of ``pages.jsonl``."""
    with (Path(root) / "pages.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def serve(root: Path, latency_ms: float, log: Path | None, ready_file: Path | None) -> None:
    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    server = CorpusServer(root, latency_ms, log).start()
    urls = json.dumps(server.base_urls)
    print(urls, flush=True)
    if ready_file:
        tmp = ready_file.with_suffix(".tmp")
        tmp.write_text(urls, "utf-8")
        tmp.rename(ready_file)
    try:
        while True:
            time.sleep(1.0)
            server.log.flush()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a corpus")
    gen.add_argument("dir", type=Path)
    gen.add_argument("--pages", type=int, default=1000)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--jobs", type=int, default=None, help="processes (default: all cores)")
    srv = sub.add_parser("serve", help="serve a corpus on 127.0.0.1")
    srv.add_argument("dir", type=Path)
    srv.add_argument("--latency-ms", type=float, default=50.0)
    srv.add_argument("--log", type=Path, default=None, help="request log (TSV), appended")
    srv.add_argument("--ready-file", type=Path, default=None,
                     help="where to write {outlet: base_url} once listening")
    args = parser.parse_args(argv)
    if args.command == "generate":
        started = time.perf_counter()
        generate(args.dir, args.pages, args.seed, args.jobs)
        print(f"{args.pages} pages in {args.dir} ({time.perf_counter() - started:.1f} s)")
    else:
        serve(args.dir, args.latency_ms, args.log, args.ready_file)


if __name__ == "__main__":
    main()
