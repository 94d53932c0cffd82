"""Feed and sitemap parsing: pure functions over bytes, hostile XML refused."""

from __future__ import annotations

import time

from ingest.discover import InvalidDocument, ParsedDocument, parse_feed

BASE = "http://news.test/feeds/"


def _ok(body: bytes) -> ParsedDocument:
    parsed = parse_feed(body, BASE, "src")
    assert isinstance(parsed, ParsedDocument), parsed
    return parsed


def test_rss2_items_with_relative_links_and_rfc822_dates() -> None:
    doc = _ok(b"""<?xml version="1.0"?><rss version="2.0"><channel><language>ru</language>
      <item><title>A</title><link>/a.html</link><pubDate>Wed, 12 Mar 2025 10:30:00 +0300</pubDate></item>
      <item><title>B</title><guid>http://news.test/b.html</guid></item>
      <item><title>no link</title></item></channel></rss>""")
    assert doc.kind == "rss"
    assert [(c.url, c.title, c.published_at, c.language) for c in doc.entries] == [
        ("http://news.test/a.html", "A", "2025-03-12T10:30:00+03:00", "ru"),
        ("http://news.test/b.html", "B", None, "ru"),
    ]


def test_atom_entries_prefer_published_and_alternate_link() -> None:
    doc = _ok(b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
      <entry><title>X</title><link rel="self" href="/self"/><link href="x.html"/>
        <published>2025-01-02T03:04:05-05:00</published><updated>2025-02-01T00:00:00Z</updated></entry>
    </feed>""")
    assert [(c.url, c.published_at, c.language) for c in doc.entries] == [
        ("http://news.test/feeds/x.html", "2025-01-02T03:04:05-05:00", "de")]


def test_sitemap_index_and_news_sitemap() -> None:
    index = _ok(b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>http://news.test/s1.xml.gz</loc></sitemap></sitemapindex>""")
    assert index.kind == "sitemapindex" and index.sitemaps == ["http://news.test/s1.xml.gz"]
    news = _ok(b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>http://news.test/n.html</loc><news:news>
        <news:publication><news:name>N</news:name><news:language>zh</news:language></news:publication>
        <news:publication_date>2025-03-01T08:00:00+08:00</news:publication_date>
        <news:title>T</news:title></news:news></url></urlset>""")
    assert [(c.url, c.title, c.published_at, c.language) for c in news.entries] == [
        ("http://news.test/n.html", "T", "2025-03-01T08:00:00+08:00", "zh")]


def test_billion_laughs_is_refused_quickly() -> None:
    lol = b'<!ENTITY lol "lol">' + b"".join(
        f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}' .encode()
        + b'&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' for i in range(1, 10))
    body = b'<?xml version="1.0"?><!DOCTYPE rss [' + lol + b']><rss><channel><item><title>&lol9;</title><link>/a</link></item></channel></rss>'
    started = time.monotonic()
    parsed = parse_feed(body, BASE)
    assert isinstance(parsed, InvalidDocument)
    assert "entit" in parsed.reason
    assert time.monotonic() - started < 1.0


def test_external_entity_reads_no_file() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b"<rss><channel><item><title>&xxe;</title><link>/a</link></item></channel></rss>")
    parsed = parse_feed(body, BASE)
    assert isinstance(parsed, InvalidDocument)
    assert "root:" not in parsed.reason


def test_html_and_garbage_are_invalid_documents() -> None:
    assert isinstance(parse_feed(b"<html><body>hi</body></html>", BASE), InvalidDocument)
    broken = parse_feed(b"<rss><channel><item>", BASE)
    assert isinstance(broken, InvalidDocument) and "well-formed" in broken.reason
