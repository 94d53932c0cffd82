"""One test per page-level fault on a real HTTP server on 127.0.0.1.

Each test runs a whole harvest (feed → pages) and asserts both the fault's row in the fetch
log and that the good pages of the same run were fetched.
"""

from __future__ import annotations

import gzip
import resource
import time
import tracemalloc
from typing import Any

import pytest

from ingest.encoding import decode_body
from ingest.fetch import FetchResult, _decode_content, _TooLarge, backoff_s
from tests.faultsite import (
    FaultSite,
    Reply,
    Request,
    double_gzip_bomb,
    feed_source,
    gzip_bomb,
    row,
    run_harvests,
    settings,
)

GOOD = ["/good/1.html", "/good/2.html"]


def _good_site(site: FaultSite) -> None:
    for path in GOOD:
        site.page(path)


def _assert_good_pages_fetched(site: FaultSite, log: list[FetchResult]) -> None:
    for path in GOOD:
        result = row(log, site.url(path))
        assert result.outcome == "ok", result
        assert b"Moscow and Beijing" in (result.body or b"")


def _run(site: FaultSite, fault_paths: list[str], **overrides: Any) -> list[FetchResult]:
    _good_site(site)
    feed = site.feed("/feed.xml", [GOOD[0], *fault_paths, GOOD[1]])
    harvests, log = run_harvests(settings(**overrides), [feed_source(feed)])
    assert not harvests[0].errors
    _assert_good_pages_fetched(site, log)
    return log


def test_404_is_final_and_not_retried(site: FaultSite) -> None:
    site.serve("/gone.html", b"gone", status=404)
    log = _run(site, ["/gone.html"])
    result = row(log, site.url("/gone.html"))
    assert (result.outcome, result.status, result.attempts) == ("http_error", 404, 1)
    assert not result.retry_later
    assert len(site.hits("/gone.html")) == 1


def test_503_then_200_is_retried(site: FaultSite) -> None:
    answers = iter([Reply(503, b"busy"), Reply(200, b"")])

    def flaky(_request: Request) -> Reply:
        reply = next(answers, Reply(200))
        return reply if reply.status != 200 else Reply(200, b"<html><body>"
                                                       b"<p>Moscow and Beijing</p></body></html>")
    site.add("/flaky.html", flaky)
    log = _run(site, ["/flaky.html"])
    result = row(log, site.url("/flaky.html"))
    assert (result.outcome, result.status, result.attempts) == ("ok", 200, 2)
    assert len(site.hits("/flaky.html")) == 2


def test_503_forever_fails_after_the_retries(site: FaultSite) -> None:
    site.serve("/down.html", b"busy", status=503)
    log = _run(site, ["/down.html"], max_retries=2)
    result = row(log, site.url("/down.html"))
    assert (result.outcome, result.status, result.attempts) == ("http_error", 503, 3)
    assert result.retry_later  # the page is tried again next run
    assert len(site.hits("/down.html")) == 3


def _peak_growth(fn: Any) -> tuple[Any, int, int]:
    """Run fn; return (its value, peak traced Python allocation, growth of peak RSS)."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        value = fn()
        _, traced_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    return value, traced_peak, rss_growth


def test_gzip_bomb_page_is_cut_off_at_max_bytes(site: FaultSite) -> None:
    max_bytes = 2 << 20  # the 1 GB bomb is ~1 MB on the wire: under the wire cap
    bomb = gzip_bomb()
    assert len(bomb) < max_bytes
    site.serve("/bomb.html", bomb, headers={"Content-Encoding": "gzip"})
    log, traced, rss = _peak_growth(lambda: _run(site, ["/bomb.html"], max_bytes=max_bytes))
    result = row(log, site.url("/bomb.html"))
    assert result.outcome == "too_large"
    assert "decompressed" in result.reason
    assert traced < 4 * max_bytes + (4 << 20), traced
    assert rss < 8 * max_bytes + (16 << 20), rss


def test_10kb_double_gzip_bomb_is_cut_off(site: FaultSite) -> None:
    bomb = double_gzip_bomb()
    assert len(bomb) < 20_000
    site.serve("/bomb2.html", bomb, headers={"Content-Encoding": "gzip, gzip"})
    max_bytes = 2 << 20
    log, traced, _ = _peak_growth(lambda: _run(site, ["/bomb2.html"], max_bytes=max_bytes))
    result = row(log, site.url("/bomb2.html"))
    assert result.outcome == "too_large"
    assert traced < 4 * max_bytes + (4 << 20), traced


def test_oversized_content_length_is_refused_before_reading(site: FaultSite) -> None:
    def lying(out: Any) -> None:
        out.write(b"x" * 1000)  # the rest never comes: nothing should wait for it

    site.add("/huge.html", lambda _r: Reply(200, headers={"Content-Length": str(50 << 30)},
                                            writer=lying))
    log = _run(site, ["/huge.html"])
    result = row(log, site.url("/huge.html"))
    assert result.outcome == "too_large"
    assert "Content-Length" in result.reason
    assert result.bytes == 0


def test_one_byte_a_second_drip_hits_the_total_deadline(site: FaultSite) -> None:
    def drip(out: Any) -> None:
        for _ in range(30):
            out.write(b"<")
            out.flush()
            time.sleep(1)

    site.add("/drip.html", lambda _r: Reply(200, writer=drip))
    log = _run(site, ["/drip.html"], timeout_s=2.0, max_retries=0)
    result = row(log, site.url("/drip.html"))
    assert result.outcome == "timeout"
    assert result.elapsed_ms < 5000
    assert result.retry_later


def test_redirect_loop(site: FaultSite) -> None:
    site.serve("/loop/a", status=302, headers={"Location": "/loop/b"})
    site.serve("/loop/b", status=302, headers={"Location": "/loop/a"})
    log = _run(site, ["/loop/a"])
    result = row(log, site.url("/loop/a"))
    assert result.outcome == "redirect_loop"
    assert len(site.hits("/loop/a")) == 1


def test_redirect_to_another_loopback_address_is_refused(site: FaultSite) -> None:
    # Only 127.0.0.1/32 is allowed: 127.0.0.2 must be refused before any connection.
    target = f"http://127.0.0.2:{site.port}/secret"
    site.serve("/away.html", status=302, headers={"Location": target})
    log = _run(site, ["/away.html"], allowed_private_networks=("127.0.0.1/32",))
    result = row(log, site.url("/away.html"))
    assert result.outcome == "blocked_address"
    assert "127.0.0.2" in result.reason
    assert result.final_url == target
    assert not site.hits("/secret")


def test_pdf_served_as_an_article_is_recorded_and_skipped(site: FaultSite) -> None:
    pdf = b"%PDF-1.7\n" + b"0" * 2000
    site.serve("/report.pdf", pdf, headers={"Content-Type": "application/pdf"})
    site.serve("/disguised.html", pdf, headers={"Content-Type": "text/html"})
    log = _run(site, ["/report.pdf", "/disguised.html"])
    for path in ("/report.pdf", "/disguised.html"):
        result = row(log, site.url(path))
        assert result.outcome == "bad_content_type", result
        assert result.body is None
        assert not result.retry_later


def test_page_declared_utf8_that_is_windows_1251(site: FaultSite) -> None:
    text = ("Москва и Пекин подписали новое соглашение о торговле и энергетике. " * 30)
    body = (f"<html><head><meta charset='utf-8'><title>Россия и Китай</title></head>"
            f"<body><p>{text}</p></body></html>").encode("windows-1251")
    site.serve("/ru.html", body, headers={"Content-Type": "text/html; charset=utf-8"})
    log = _run(site, ["/ru.html"])
    result = row(log, site.url("/ru.html"))
    assert result.outcome == "ok"
    decoded = decode_body(result.body or b"", result.content_type)[0]
    assert "Москва и Пекин подписали" in decoded
    assert "Россия и Китай" in decoded


# --- pure functions -------------------------------------------------------------------

def test_multi_member_gzip_is_inflated_whole_and_bounded() -> None:
    body = gzip.compress(b"a" * 100) + gzip.compress(b"b" * 100)
    assert _decode_content(body, "gzip", 1000) == b"a" * 100 + b"b" * 100
    with pytest.raises(_TooLarge):
        _decode_content(body, "gzip", 150)


def test_content_encoding_layers_are_limited() -> None:
    body = gzip.compress(gzip.compress(gzip.compress(b"x")))
    assert _decode_content(gzip.compress(gzip.compress(b"x")), "gzip, gzip", 100) == b"x"
    with pytest.raises(ValueError, match="layers"):
        _decode_content(body, "gzip, gzip, gzip", 100)
    with pytest.raises(ValueError, match="unsupported"):
        _decode_content(b"....", "br", 10)


def test_backoff_grows_exponentially_with_jitter() -> None:
    for attempt in (1, 2, 3, 4):
        ceiling = 0.5 * 2 ** (attempt - 1)
        waits = [backoff_s(attempt, 0.5) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(set(waits)) > 1
