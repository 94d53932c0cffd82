"""One peer (news-please, newspaper4k or fundus) fetching and extracting the benchmark corpus.

Run by ``bench/e2e.py`` with the peer's own virtualenv's Python, so it imports nothing
from sinorus: only the standard library and the peer. Each peer fetches over HTTP from
the loopback corpus server itself and extracts with its own code:

- newspaper4k and news-please get the URL list; a process pool of ``--processes`` (both
  cores), each process with ``--threads`` threads so requests overlap the latency as
  sinorus's per-host concurrency does.
- fundus discovers the URLs itself from each outlet's sitemap index (a Publisher per
  outlet, with a parser written for the corpus's layouts, since fundus parses only the
  publishers it has parsers for); its Crawler runs one thread per publisher in one
  process, which is as parallel as its API goes for live crawling. URLs outside the list
  are skipped by its url_filter, so it handles the same pages as the others.

Writes a JSON summary: pages asked, pages with body text, characters, seconds.

    PEER_PYTHON bench/e2e_peers.py PEER --urls urls.txt --out result.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path


def _offline_public_suffixes() -> None:
    """Make tldextract (used by newspaper4k and news-please) use its bundled suffix list.

    By default it downloads the Public Suffix List on first use; the benchmark sends
    traffic to loopback only.
    """
    try:
        import tldextract
    except ImportError:
        return
    offline = tldextract.TLDExtract(suffix_list_urls=())
    tldextract.extract = offline
    tldextract.tldextract.extract = offline


_offline_public_suffixes()


def _newspaper4k(url: str) -> tuple[int, bool]:
    from newspaper import Article

    article = Article(url, fetch_images=False)
    article.download()
    article.parse()
    return len(article.text or ""), bool(article.title)


def _news_please(url: str) -> tuple[int, bool]:
    from newsplease import NewsPlease

    article = NewsPlease.from_url(url, request_args={"timeout": 30}, fetch_images=False)
    if article is None or isinstance(article, dict):
        return 0, False
    return len(article.maintext or ""), bool(article.title)


_WORKERS = {"newspaper4k": _newspaper4k, "news-please": _news_please}


def _guarded(peer: str, url: str) -> tuple[str, int, bool, str]:
    try:
        chars, titled = _WORKERS[peer](url)
        return url, chars, titled, ""
    except Exception as exc:  # a peer's failure on one page is a result, not a crash
        return url, 0, False, f"{type(exc).__name__}: {exc}"[:200]


def _process_share(job: tuple[str, list[str], int]) -> list[tuple[str, int, bool, str]]:
    peer, urls, threads = job
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda u: _guarded(peer, u), urls))


def run_url_peer(peer: str, urls: list[str], processes: int,
                 threads: int) -> list[tuple[str, int, bool, str]]:
    """The URLs split over ``processes`` processes of ``threads`` threads each.

    A worker process that dies (a crash in a peer's C extension, a kill) breaks the pool:
    that is raised, not waited for forever as ``multiprocessing.Pool`` would.
    """
    shares = [(peer, urls[i::processes], threads) for i in range(processes)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        return [row for share in pool.map(_process_share, shares) for row in share]


def run_fundus(sitemaps: dict[str, str], urls: list[str]) -> list[tuple[str, int, bool, str]]:
    from fundus import Crawler
    from fundus.parser import BaseParser, ParserProxy
    from fundus.parser.base_parser import attribute
    from fundus.parser.utility import (
        extract_article_body_with_selector,
        generic_author_parsing,
        generic_date_parsing,
    )
    from fundus.publishers.base_objects import Publisher
    from fundus.scraping.url import NewsMap
    from lxml.etree import XPath

    class CorpusParser(ParserProxy):
        class V1(BaseParser):
            # The article containers of the corpus's five layouts.
            _paragraphs = XPath(
                "//div[@class='article-body' or @class='text' or @class='story-body' "
                "or @class='entry']/p | //div[@class='story']/p[not(@class)]")
            _subheads = XPath("//div[@class='story-body']/h2")

            @attribute
            def title(self) -> str | None:
                meta = self.precomputed.meta
                return (meta.get("og:title") or self.precomputed.ld.bf_search("headline")
                        or self.precomputed.doc.findtext(".//h1")
                        or self.precomputed.doc.findtext(".//h2"))

            @attribute
            def body(self):  # returns fundus's ArticleBody
                return extract_article_body_with_selector(
                    self.precomputed.doc, paragraph_selector=self._paragraphs,
                    subheadline_selector=self._subheads)

            @attribute
            def authors(self) -> list[str]:
                ld_authors = self.precomputed.ld.bf_search("author")
                return generic_author_parsing(ld_authors or self.precomputed.meta.get("author"))

            @attribute
            def publishing_date(self):  # returns a datetime or None
                meta = self.precomputed.meta
                return generic_date_parsing(
                    self.precomputed.ld.bf_search("datePublished")
                    or meta.get("article:published_time") or meta.get("date"))

    wanted = set(urls)
    publishers = [Publisher(name=slug, domain=base + "/", parser=CorpusParser,
                            sources=[NewsMap(base + "/sitemap_index.xml")])
                  for slug, base in sitemaps.items()]
    crawler = Crawler(*publishers, delay=0.0, threading=True)
    rows = []
    for article in crawler.crawl(only_complete=False, url_filter=lambda u: u not in wanted,
                                 only_unique=True):
        text = str(article.body) if article.body else ""
        rows.append((article.html.requested_url, len(text), bool(article.title), ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("peer", choices=("newspaper4k", "news-please", "fundus"))
    parser.add_argument("--urls", type=Path, required=True, help="one URL a line")
    parser.add_argument("--sitemaps", default="{}", help="fundus: JSON {outlet: base_url}")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    urls = args.urls.read_text(encoding="utf-8").split()
    started = time.perf_counter()
    if args.peer == "fundus":
        rows = run_fundus(json.loads(args.sitemaps), urls)
    else:
        rows = run_url_peer(args.peer, urls, args.processes, args.threads)
    seconds = time.perf_counter() - started
    errors = [r[3] for r in rows if r[3]]
    args.out.write_text(json.dumps({
        "peer": args.peer, "asked": len(urls), "returned": len(rows),
        # A page counts as extracted with at least 500 characters of body text.
        "with_text": sum(1 for r in rows if r[1] >= 500), "chars": sum(r[1] for r in rows),
        "seconds": seconds, "errors": len(errors), "first_errors": errors[:5],
        "python": sys.version.split()[0],
    }), encoding="utf-8")


if __name__ == "__main__":
    main()
