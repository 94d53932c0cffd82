"""Feed and sitemap faults on a real HTTP server on 127.0.0.1: hostile XML, compression
bombs in sitemaps, and conditional requests (304 and an unchanged body).

Each run has a second, healthy source on another host whose pages must be fetched.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from ingest.config import Source
from ingest.fetch import FetchResult
from ingest.harvest import Harvest
from tests.faultsite import (
    FaultSite,
    Reply,
    Request,
    double_gzip_bomb,
    feed_source,
    gzip_bomb,
    row,
    rss,
    run_harvests,
    settings,
)

GOOD = ["/good/1.html", "/good/2.html"]


def _healthy(other: FaultSite) -> Source:
    for path in GOOD:
        other.page(path)
    return feed_source(other.feed("/feed.xml", GOOD), name="healthy")


def _assert_healthy(other: FaultSite, log: list[FetchResult]) -> None:
    for path in GOOD:
        assert row(log, other.url(path)).outcome == "ok"


def _run(bad: Source, other: FaultSite, **overrides: object
         ) -> tuple[Harvest, list[FetchResult]]:
    harvests, log = run_harvests(settings(**overrides), [bad, _healthy(other)])
    _assert_healthy(other, log)
    assert not harvests[1].errors
    return harvests[0], log


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>/x</link></item></channel></rss>"""


def test_billion_laughs_feed_is_refused(site: FaultSite, other_site: FaultSite) -> None:
    url = site.serve("/laughs.xml", BILLION_LAUGHS, headers={"Content-Type": "application/xml"})
    tracemalloc.start()
    try:
        harvest, log = _run(feed_source(url), other_site)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    result = row(log, url)
    assert result.outcome == "invalid_document"
    assert "entities" in result.reason
    assert harvest.discovery_failed and not harvest.candidates
    assert peak < 32 << 20


def test_feed_with_external_entity_reads_no_file(site: FaultSite, other_site: FaultSite,
                                                 tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SENTINEL-SECRET")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "SENTINEL-DTD">')
    external = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
                '<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>'
                f'<link>{site.url("/x")}</link></item></channel></rss>').encode()
    doctype_only = (f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file://{dtd}">'
                    '<rss version="2.0"><channel><title>t</title><item><title>&leak;</title>'
                    f'<link>{site.url("/y")}</link></item></channel></rss>').encode()
    url1 = site.serve("/xxe.xml", external, headers={"Content-Type": "application/xml"})
    url2 = site.serve("/dtd.xml", doctype_only, headers={"Content-Type": "application/xml"})
    harvests, log = run_harvests(settings(), [feed_source(url1, "xxe"),
                                              feed_source(url2, "dtd"),
                                              _healthy(other_site)])
    _assert_healthy(other_site, log)
    first = row(log, url1)
    assert first.outcome == "invalid_document"
    assert "entities" in first.reason
    # A DOCTYPE naming an external DTD is parsed without loading it.
    assert row(log, url2).outcome in ("ok", "invalid_document")
    assert all(r.url.startswith("http://127.0.0.1:") for r in log)
    for h in harvests[:2]:
        for cand in h.candidates:
            assert "SENTINEL" not in (cand.title or "")
    assert not any("SENTINEL" in r.reason for r in log)


def test_gzip_bomb_sitemap_is_cut_off(site: FaultSite, other_site: FaultSite) -> None:
    max_bytes = 2 << 20
    # ~10 KB on the wire: HTTP gzip around a .xml.gz file of zeros that inflates to 1 GB.
    layered = site.serve("/sitemap.xml.gz", double_gzip_bomb(),
                         headers={"Content-Type": "application/x-gzip",
                                  "Content-Encoding": "gzip"})
    plain = site.serve("/plain-sitemap.xml.gz", gzip_bomb(),
                       headers={"Content-Type": "application/x-gzip"})
    sources = [Source("bomb", "sitemap", layered), Source("bomb2", "sitemap", plain)]
    tracemalloc.start()
    try:
        harvests, log = run_harvests(settings(max_bytes=max_bytes),
                                     [*sources, _healthy(other_site)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    _assert_healthy(other_site, log)
    for url, harvest in ((layered, harvests[0]), (plain, harvests[1])):
        result = row(log, url)
        assert (result.kind, result.outcome) == ("sitemap", "too_large"), result
        assert harvest.discovery_failed
    assert peak < 4 * max_bytes + (4 << 20), peak


def _validating_feed(site: FaultSite, paths: list[str]) -> str:
    """A feed that honours If-None-Match / If-Modified-Since."""
    for path in paths:
        site.page(path)
    document = rss([site.url(p) for p in paths])
    etag, modified = '"v1"', "Wed, 01 May 2024 12:00:00 GMT"

    def feed(request: Request) -> Reply:
        if request.headers.get("if-none-match") == etag or \
                request.headers.get("if-modified-since") == modified:
            return Reply(304, b"")
        return Reply(200, document, {"Content-Type": "application/rss+xml", "ETag": etag,
                                     "Last-Modified": modified})
    return site.add("/news.xml", feed)


def test_feed_that_returns_304_yields_nothing_new(site: FaultSite, other_site: FaultSite
                                                  ) -> None:
    url = _validating_feed(site, ["/n/1.html", "/n/2.html"])
    first, _ = _run(feed_source(url), other_site)
    assert len(first.pages) == 2 and first.complete
    [entry] = first.validators
    assert (entry.url, entry.etag) == (url, '"v1"')

    site.requests.clear()
    second, log = run_harvests(settings(), [feed_source(url), _healthy(other_site)],
                               http_cache={url: entry})
    _assert_healthy(other_site, log)
    result = row(log, url)
    assert (result.outcome, result.status) == ("not_modified", 304)
    assert site.hits("/news.xml")[0].headers["if-none-match"] == '"v1"'
    assert not second[0].errors and not second[0].candidates and not second[0].pages
    assert [r.path for r in site.requests if r.path != "/robots.txt"] == ["/news.xml"]


def test_feed_with_unchanged_body_hash_yields_nothing_new(site: FaultSite,
                                                          other_site: FaultSite) -> None:
    site.page("/n/1.html")
    url = site.feed("/plain.xml", ["/n/1.html"])  # no ETag, no Last-Modified
    first, _ = _run(feed_source(url), other_site)
    [entry] = first.validators
    assert entry.etag is None and entry.body_sha1

    second, log = run_harvests(settings(), [feed_source(url), _healthy(other_site)],
                               http_cache={url: entry})
    _assert_healthy(other_site, log)
    result = row(log, url)
    assert (result.outcome, result.status) == ("not_modified", 200)
    assert "unchanged" in result.reason
    assert not second[0].errors and not second[0].pages


def test_validators_are_not_kept_while_pages_remain(site: FaultSite, other_site: FaultSite
                                                    ) -> None:
    site.page("/n/1.html")
    site.serve("/n/2.html", b"busy", status=503)
    url = site.feed("/feed2.xml", ["/n/1.html", "/n/2.html"], ETag='"v1"')
    harvest, log = _run(feed_source(url), other_site, max_retries=0)
    assert row(log, site.url("/n/2.html")).retry_later
    assert not harvest.complete
    assert harvest.validators == []  # next run must not get a 304 and lose /n/2.html
