"""The benchmark corpus: a tiny one generated, served on 127.0.0.1 with latency, and checked."""

from __future__ import annotations

import asyncio
import itertools
import random
from pathlib import Path

import httpx
import pytest
from lxml import etree, html

from bench.corpus import OUTLETS, generate, read_pages
from bench.corpus_server import CorpusServer, max_in_flight, read_log
from bench.corpus_text import LANGUAGES, paragraphs
from ingest.discover import parse_feed
from transform.fingerprint import NEAR_DUPLICATE_THRESHOLD, signature, similarity

PAGES = 30
LATENCY_MS = 40


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate(root, PAGES, seed=3, jobs=1)
    return root


def test_generation_is_deterministic(corpus: Path, tmp_path: Path) -> None:
    generate(tmp_path, PAGES, seed=3, jobs=1)
    assert (tmp_path / "pages.jsonl").read_bytes() == (corpus / "pages.jsonl").read_bytes()
    first = read_pages(corpus)[7]["file"]
    assert (tmp_path / first).read_bytes() == (corpus / first).read_bytes()


def test_pages_are_news_sized_and_parse(corpus: Path) -> None:
    rows = read_pages(corpus)
    assert len(rows) == PAGES
    assert {r["language"] for r in rows} >= {"en", "ru", "zh", "fr", "de", "es", "ar", "ja"}
    assert len({r["layout"] for r in rows}) == 5
    assert any(r["relevant"] for r in rows) and not all(r["relevant"] for r in rows)
    for row in rows:
        body = (corpus / row["file"]).read_bytes()
        assert 40_000 <= len(body) <= 160_000
        tree = html.fromstring(body)
        assert row["title"] in tree.findtext(".//title")
        assert row["published"][:4] in row["path"]  # dates in the URL path
        assert 300 <= row["words"] <= 1400


def _listed(base_urls: dict[str, str]) -> tuple[set[str], set[str]]:
    """URLs listed by the sitemaps (following each index) and by the feeds, over HTTP."""

    async def one(client: httpx.AsyncClient, slug: str, feed_path: str) -> tuple[set, set]:
        base = base_urls[slug]
        robots = (await client.get(base + "/robots.txt")).text
        assert f"Sitemap: {base}/sitemap_index.xml" in robots
        index = parse_feed((await client.get(base + "/sitemap_index.xml")).content, base)
        children = await asyncio.gather(*(client.get(c) for c in index.sitemaps))
        in_sitemaps = {c.url for r in children for c in parse_feed(r.content, base).entries}
        feed = parse_feed((await client.get(base + feed_path)).content, base)
        return in_sitemaps, {c.url for c in feed.entries}

    async def every() -> list[tuple[set, set]]:
        async with httpx.AsyncClient(timeout=5) as client:
            return list(await asyncio.gather(*(one(client, o.slug, o.feed_path)
                                               for o in OUTLETS)))

    results = asyncio.run(every())
    return set().union(*(r[0] for r in results)), set().union(*(r[1] for r in results))


def test_served_with_latency_feeds_and_sitemaps_list_every_page(corpus: Path,
                                                               tmp_path: Path) -> None:
    log_path = tmp_path / "requests.tsv"
    rows = read_pages(corpus)
    with CorpusServer(corpus, latency_ms=LATENCY_MS, log_path=log_path) as server:
        base_urls = server.base_urls
        assert all(u.startswith("http://127.0.0.1:") for u in base_urls.values())
        in_sitemaps, in_feeds = _listed(base_urls)
        expected = {base_urls[r["outlet"]] + r["path"] for r in rows}
        assert in_sitemaps == expected
        assert in_feeds == expected  # under 50 per outlet: the feeds list them all too

        async def fetch_all() -> list[httpx.Response]:
            async with httpx.AsyncClient(timeout=10) as client:
                return list(await asyncio.gather(*(client.get(u) for u in sorted(expected))))

        responses = asyncio.run(fetch_all())
        for response in responses:
            row = next(r for r in rows if str(response.url).endswith(r["path"]))
            assert response.status_code == 200
            assert response.content == (corpus / row["file"]).read_bytes()  # byte for byte

        with httpx.Client(timeout=5) as client:
            url = sorted(expected)[0]
            first = client.get(url)
            assert first.elapsed.total_seconds() >= LATENCY_MS / 1000 * 0.9
            again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
            assert again.status_code == 304 and again.content == b""
            assert client.get(base_urls[OUTLETS[0].slug] + "/nope.html").status_code == 404
        server.log.flush()
        logged = read_log(log_path)
    page_rows = [r for r in logged if r[1].endswith((".html", "/")) and r[2] == 200]
    assert {r[0] + r[1] for r in page_rows} >= expected
    assert all(end - start >= LATENCY_MS / 1000 * 0.9 for *_, start, end in logged)
    peaks = max_in_flight(logged)
    assert set(peaks) == set(base_urls.values())
    assert max(peaks.values()) >= 2  # the gather above had several requests per host at once


def test_max_in_flight_counts_overlaps() -> None:
    rows = [("h", "/a", 200, 1, 0.0, 1.0), ("h", "/b", 200, 1, 0.5, 1.5),
            ("h", "/c", 200, 1, 1.0, 2.0), ("g", "/d", 200, 1, 0.0, 3.0)]
    assert max_in_flight(rows) == {"h": 2, "g": 1}
    assert max_in_flight(rows, since=0.9) == {"h": 1}


def test_sitemap_is_well_formed_xml(corpus: Path) -> None:
    for outlet in OUTLETS:
        for path in (corpus / "www" / outlet.slug / "sitemaps").iterdir():
            etree.fromstring(path.read_bytes())


@pytest.mark.parametrize("language", LANGUAGES)
def test_articles_of_one_language_are_not_near_duplicates(language: str) -> None:
    # The corpus stands for a feed of distinct stories: pages of one language share
    # phrases, but no two may look like copies to the near-duplicate layer (with small
    # sentence pools, Japanese pages once did by the hundred).
    texts = []
    for i in range(30):
        rng = random.Random(f"{language}:{i}")
        texts.append("\n".join(paragraphs(language, i % 2 == 0, rng.randint(300, 1200), rng)))
    signatures = [signature(t) for t in texts]
    closest = max(similarity(a, b) for a, b in itertools.combinations(signatures, 2))
    assert closest < NEAR_DUPLICATE_THRESHOLD - 0.1
