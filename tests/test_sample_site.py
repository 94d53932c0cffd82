"""The bundled sample news site: served over real HTTP on 127.0.0.1, checked against its manifest.

These tests keep the ground truth honest: if the manifest says a date is only in the feed,
the page must really carry no date; if it says windows-1251, the bytes must really be
windows-1251. The pipeline's own tests can then trust ``expected_articles()``.
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from lxml import etree
from lxml import html as lxml_html

from flows.sample_site import (
    MANIFEST,
    WWW,
    ExpectedArticle,
    SampleSite,
    expected_articles,
    manifest,
    sources,
)

pytestmark = pytest.mark.slow

ARTICLES = expected_articles()
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    with SampleSite() as running:
        yield running


@pytest.fixture(scope="module")
def client(site: SampleSite) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.base_url, timeout=10) as c:
        yield c


@pytest.fixture(scope="module")
def pages(client: httpx.Client) -> dict[str, httpx.Response]:
    """Every article page, fetched once."""
    return {a.path: client.get(a.path) for a in ARTICLES}


def to_utc(value: str) -> str:
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert dt.utcoffset() is not None, f"{value!r} has no UTC offset"
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def page_text(a: ExpectedArticle, response: httpx.Response) -> str:
    """Decode with the declared charset only (strict), as a careful client would."""
    return response.content.decode(a.charset)


def parse_document(path: str, body: bytes) -> dict[str, str | None]:
    """A discovery document → {url: date as written or None}; sitemap indexes list sitemaps."""
    if path.endswith(".gz"):
        body = gzip.decompress(body)
    root = etree.fromstring(body)
    tag = etree.QName(root).localname
    if tag == "rss":
        return {i.findtext("link"): (i.findtext("pubDate") or None) for i in root.iter("item")}
    if tag == "feed":
        return {e.find("atom:link[@rel='alternate']", NS).get("href"):
                e.findtext("atom:published", namespaces=NS)
                for e in root.iterfind("atom:entry", NS)}
    if tag == "sitemapindex":
        return {loc.text: None for loc in root.iterfind("sm:sitemap/sm:loc", NS)}
    assert tag == "urlset", tag
    return {u.findtext("sm:loc", namespaces=NS):
            u.findtext("news:news/news:publication_date", namespaces=NS)
            for u in root.iterfind("sm:url", NS)}


@pytest.fixture(scope="module")
def listings(site: SampleSite, client: httpx.Client) -> dict[str, dict[str, str | None]]:
    """Discovery document path → its entries, for every document in the manifest."""
    out = {}
    for outlet in manifest()["outlets"]:
        for doc in outlet["documents"]:
            response = client.get(doc)
            assert response.status_code == 200, doc
            out[doc] = parse_document(doc, response.content)
    return out


# --- manifest ---------------------------------------------------------------------------------

def test_manifest_counts() -> None:
    outlets = {a.outlet for a in ARTICLES}
    languages = Counter(a.language for a in ARTICLES)
    assert len(ARTICLES) >= 44
    assert len(outlets) >= 4 and outlets == {o["slug"] for o in manifest()["outlets"]}
    assert len(languages) >= 8, languages
    irrelevant = sum(not a.relevant for a in ARTICLES) / len(ARTICLES)
    assert 0.25 <= irrelevant <= 0.42, irrelevant
    assert len({a.path for a in ARTICLES}) == len(ARTICLES)
    assert {a.date_in for a in ARTICLES} == {"meta", "jsonld", "url", "feed", "none"}
    assert {a.charset for a in ARTICLES} == {"utf-8", "windows-1251", "gbk"}
    assert {a.charset_declared_in for a in ARTICLES} == {"header", "meta"}
    assert {o["kind"] for o in manifest()["outlets"]} >= {"rss", "atom", "sitemap"}


def test_ground_truth_is_consistent() -> None:
    for a in ARTICLES:
        assert a.path.startswith(f"/{a.outlet}/"), a.path
        if a.date_in == "none":
            assert a.published_utc is None, a.path
        elif a.date_in == "url":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", a.published_utc or ""), a.path
        else:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", a.published_utc or "")
        assert a.first_sentence and a.title


def test_exactly_one_syndicated_pair() -> None:
    copies = [a for a in ARTICLES if a.syndicated_from]
    assert len(copies) == 1
    copy = copies[0]
    original = next(a for a in ARTICLES if a.path == copy.syndicated_from)
    assert original.outlet != copy.outlet and original.title != copy.title
    assert original.first_sentence == copy.first_sentence


def test_some_article_has_no_date_anywhere() -> None:
    assert any(a.date_in == "none" and a.published_utc is None for a in ARTICLES)


def test_sources_cover_every_outlet(site: SampleSite, client: httpx.Client) -> None:
    entries = sources(site.base_url)
    assert {s["name"] for s in entries} == {a.outlet for a in ARTICLES}
    assert {s["kind"] for s in entries} >= {"rss", "atom", "sitemap"}
    for s in entries:
        assert set(s) == {"name", "kind", "url", "language"}
        assert s["url"].startswith(site.base_url + "/" + s["name"] + "/")
        assert client.get(s["url"]).status_code == 200


# --- pages --------------------------------------------------------------------------------------

@pytest.mark.parametrize("a", ARTICLES, ids=lambda a: a.path)
def test_article_page(
    a: ExpectedArticle, pages: dict[str, httpx.Response], site: SampleSite
) -> None:
    response = pages[a.path]
    assert response.status_code == 200
    assert b"{{BASE}}" not in response.content
    ctype = response.headers["content-type"]
    if a.charset_declared_in == "header":
        assert ctype == f"text/html; charset={a.charset}"
        assert b"charset=" not in response.content.lower()
    else:
        assert ctype == "text/html"
        head = response.content[:600].lower()
        assert f"charset={a.charset}".encode() in head or f'charset="{a.charset}"'.encode() in head
    text = page_text(a, response)
    tree = lxml_html.fromstring(text)
    assert tree.findtext(".//h1").strip() == a.title
    assert tree.xpath("//meta[@property='og:title']/@content") == [a.title]
    assert tree.xpath("/html/@lang")[0].split("-")[0] == a.language
    assert a.first_sentence in " ".join(tree.text_content().split())
    assert tree.xpath("//link[@rel='canonical']/@href") == [site.base_url + a.path]


def jsonld_dates(tree: Any) -> list[str]:
    """Every datePublished in the page's JSON-LD, @graph included."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "datePublished" in node:
                found.append(node["datePublished"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        walk(json.loads(script))
    return found


# A day written the way these pages would write one: 2025-03-12, 12.03.2025, 2025年3月12日, ...
_ANY_DAY = re.compile(r"20\d\d-\d\d-\d\d|\d\d?[./]\d\d?[./]20\d\d|20\d\d/\d\d/\d\d|20\d\d年\d+月"
                      r"|\d{1,2} (?:January|February|March|April|May|June|July|August)")


@pytest.mark.parametrize("a", ARTICLES, ids=lambda a: a.path)
def test_date_is_where_the_manifest_says(a: ExpectedArticle,
                                         pages: dict[str, httpx.Response]) -> None:
    tree = lxml_html.fromstring(page_text(a, pages[a.path]))
    meta = tree.xpath("//meta[@property='article:published_time']/@content")
    in_jsonld = jsonld_dates(tree)
    assert bool(meta) == (a.date_in == "meta"), a.path
    assert bool(in_jsonld) == (a.date_in == "jsonld"), a.path
    if meta:
        assert to_utc(meta[0]) == a.published_utc
    if in_jsonld:
        assert {to_utc(d) for d in in_jsonld} == {a.published_utc}
    url_day = re.search(r"/(20\d\d)[/-](\d\d)/?(\d\d)/", a.path)
    if a.date_in == "url":
        assert url_day and "-".join(url_day.groups()) == a.published_utc
    if a.date_in in ("feed", "none"):
        assert url_day is None
        # No date in the page at all: nothing a date finder could pick up by mistake.
        body = " ".join(tree.xpath("//body//text()"))
        assert not _ANY_DAY.search(body), _ANY_DAY.search(body)


def test_each_article_is_listed_in_exactly_one_document(
    site: SampleSite, listings: dict[str, dict[str, str | None]]
) -> None:
    docs_of = {o["slug"]: o["documents"] for o in manifest()["outlets"]}
    all_urls = Counter(u for entries in listings.values() for u in entries)
    for a in ARTICLES:
        url = site.base_url + a.path
        holders = [d for d in docs_of[a.outlet] if url in listings[d]]
        assert len(holders) == 1, (a.path, holders)
        assert all_urls[url] == 1, a.path


def test_feed_dates_match_the_manifest(
    site: SampleSite, listings: dict[str, dict[str, str | None]]
) -> None:
    dates = {u: d for entries in listings.values() for u, d in entries.items()}
    for a in ARTICLES:
        stated = dates[site.base_url + a.path]
        if a.date_in in ("url", "none"):
            assert stated is None, a.path
            continue
        assert stated, a.path
        if "," in stated:  # RFC 822 in RSS
            parsed = parsedate_to_datetime(stated)
            assert parsed.utcoffset() is not None
            stated = parsed.isoformat()
        assert to_utc(stated) == a.published_utc, a.path


def test_sitemap_index_lists_the_other_sitemaps(
    site: SampleSite, listings: dict[str, dict[str, str | None]]
) -> None:
    for outlet in manifest()["outlets"]:
        if outlet["kind"] != "sitemap":
            continue
        children = set(listings[outlet["discovery"]])
        assert children == {site.base_url + d for d in outlet["documents"][1:]}
        assert any(d.endswith(".xml.gz") for d in outlet["documents"])


def test_gzip_sitemap(client: httpx.Client) -> None:
    gz = next(d for o in manifest()["outlets"] for d in o["documents"] if d.endswith(".gz"))
    response = client.get(gz)
    assert response.headers["content-type"] == "application/gzip"
    xml = gzip.decompress(response.content)
    assert xml.startswith(b"<?xml") and b"{{BASE}}" not in xml and b"news:publication_date" in xml


# --- charsets -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("charset", "sample"), [("windows-1251", "Китай"), ("gbk", "中俄")])
def test_legacy_charsets(charset: str, sample: str, pages: dict[str, httpx.Response]) -> None:
    legacy = [a for a in ARTICLES if a.charset == charset]
    assert {a.charset_declared_in for a in legacy} == {"header", "meta"}
    for a in legacy:
        raw = pages[a.path].content
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # really stored in the legacy charset
        text = raw.decode(charset)
        assert sample in text and a.title in text and a.first_sentence in text


def test_syndicated_copy_has_the_same_body(pages: dict[str, httpx.Response]) -> None:
    copy = next(a for a in ARTICLES if a.syndicated_from)
    original = next(a for a in ARTICLES if a.path == copy.syndicated_from)

    def body(a: ExpectedArticle) -> list[str]:
        """The paragraphs beside the one that opens the article (its body container)."""
        tree = lxml_html.fromstring(page_text(a, pages[a.path]))
        first = next(p for p in tree.iter("p") if p.text_content().startswith(a.first_sentence))
        return [p.text_content() for p in first.getparent().iterchildren("p")]

    assert body(copy) == body(original)
    assert len(body(original)) >= 5


def test_the_indonesian_seed_article_is_served(pages: dict[str, httpx.Response]) -> None:
    seed = next(a for a in ARTICLES if a.title.startswith("China dan Rusia 'teman selamanya"))
    assert seed.language == "id" and seed.published_utc == "2025-04-01T15:00:00Z"
    text = page_text(seed, pages[seed.path])
    assert "Tiongkok Wang Yi mengatakan dalam sambutan" in text


# --- server behaviour ------------------------------------------------------------------------

def served_urls() -> Iterator[str]:
    """The URL path of every file under www/ (index files map to their directory)."""
    for file in sorted(WWW.rglob("*")):
        if file.is_file():
            rel = "/" + file.relative_to(WWW).as_posix()
            yield rel.removesuffix(file.name) if file.name in ("index.html", "index.xml") else rel


def test_no_placeholder_leaks(client: httpx.Client, site: SampleSite) -> None:
    urls = list(served_urls())
    assert len(urls) > len(ARTICLES)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"{{BASE}}" not in response.content, url
        if url.endswith(".xml") or url.endswith("/feed/"):
            assert response.headers["content-type"] == "application/xml", url
            etree.fromstring(response.content)  # well-formed
            assert site.base_url.encode() in response.content


def test_robots_txt(client: httpx.Client, site: SampleSite) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "User-agent: *" in response.text and "Disallow: /" not in response.text
    assert f"Sitemap: {site.base_url}/" in response.text


def test_unknown_path_is_404(client: httpx.Client) -> None:
    assert client.get("/no/such/page.html").status_code == 404
    assert client.get("/meridian-post/missing.xml.gz").status_code == 404
    assert client.head("/nothing").status_code == 404


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/meridian-post/../../build.py",
                                  "/%2e%2e/__init__.py", "/meridian-post/%2E%2E/%2E%2E/site.toml"])
def test_dot_dot_is_rejected(site: SampleSite, path: str) -> None:
    # http.client sends the path as is (httpx would normalise the dots away).
    host, port = urlsplit(site.base_url).hostname, urlsplit(site.base_url).port
    conn = http.client.HTTPConnection(host or "", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status in (400, 404)
        assert b"import" not in response.read()
    finally:
        conn.close()


def test_head_and_redirect(client: httpx.Client, site: SampleSite) -> None:
    a = ARTICLES[0]
    head = client.head(a.path)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(client.get(a.path).content)
    moved = client.get("/kabar-nusantara/feed")
    assert moved.status_code == 301
    assert moved.headers["location"] == site.base_url + "/kabar-nusantara/feed/"


def test_request_log(client: httpx.Client, site: SampleSite) -> None:
    client.get("/robots.txt?x=1")
    assert "/robots.txt" in site.request_log


def test_committed_files_match_the_build(tmp_path: Path) -> None:
    """www/ and site.toml are generated: editing them by hand (or forgetting to rebuild) fails."""
    from flows.sample_site import build

    build.main(tmp_path)
    built = {p.relative_to(tmp_path / "www") for p in (tmp_path / "www").rglob("*") if p.is_file()}
    committed = {p.relative_to(WWW) for p in WWW.rglob("*") if p.is_file()}
    assert built == committed
    for rel in built:
        assert (tmp_path / "www" / rel).read_bytes() == (WWW / rel).read_bytes(), rel
    assert (tmp_path / "site.toml").read_bytes() == MANIFEST.read_bytes()


def test_start_stop_twice() -> None:
    first = SampleSite().start()
    try:
        second = SampleSite().start()
        assert first.base_url != second.base_url
        assert httpx.get(second.base_url + "/robots.txt").status_code == 200
        second.stop()
        second.stop()
    finally:
        first.stop()
