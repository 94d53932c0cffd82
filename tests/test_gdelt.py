"""GDELT DOC 2.0 as a source, against a fake API on 127.0.0.1 with answers written here:
full answers are sliced, calls are spaced, the URLs found are fetched like any feed's."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from ingest.config import GDELT_DEFAULT_QUERY, ConfigError, Source, parse_config
from ingest.fetch import Fetcher
from ingest.gdelt import MAX_RECORDS, discover_gdelt, parse_artlist
from ingest.harvest import harvest
from tests.faultsite import settings

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
INTERVAL = 0.2
_STAMP = "%Y%m%d%H%M%S"


class FakeGdelt:
    """Answers ArtList calls: a span longer than ``full_above`` is full (250 articles)."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, dict[str, str]]] = []
        self.full_above = timedelta(hours=6)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/api/v2/doc/doc":
                    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                    fake.calls.append((time.monotonic(), params))
                    body, ctype = json.dumps(fake.answer(params)).encode(), "application/json"
                elif parts.path.startswith("/news/"):
                    body = (f"<html lang='en'><head><title>{parts.path}</title></head><body>"
                            f"<article><h1>{parts.path}</h1><p>{'Moscow and Beijing talk. ' * 30}"
                            f"</p></article></body></html>").encode()
                    ctype = "text/html; charset=utf-8"
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, params: dict[str, str]) -> dict[str, Any]:
        start = datetime.strptime(params["startdatetime"], _STAMP).replace(tzinfo=UTC)
        end = datetime.strptime(params["enddatetime"], _STAMP).replace(tzinfo=UTC)
        n = MAX_RECORDS if end - start > self.full_above else 3
        return {"articles": [
            {"url": f"{self.base}/news/{params['startdatetime']}-{params['enddatetime']}-{i}",
             "title": f"Article {i}", "seendate": params["startdatetime"][:8] + "T000000Z",
             "language": "Russian" if i % 2 else "English", "domain": "127.0.0.1"}
            for i in range(n)]}


@pytest.fixture
def fake() -> Iterator[FakeGdelt]:
    f = FakeGdelt()
    threading.Thread(target=f.server.serve_forever, daemon=True).start()
    yield f
    f.server.shutdown()


def _source(fake: FakeGdelt, interval: float = INTERVAL) -> Source:
    return Source(name="gdelt", kind="gdelt", url=f"{fake.base}/api/v2/doc/doc",
                  query=GDELT_DEFAULT_QUERY, interval_s=interval)


def _discover(fake: FakeGdelt, since: datetime | None) -> tuple[list[Any], list[str]]:
    async def main() -> tuple[list[Any], list[str]]:
        async with Fetcher(settings(per_host_concurrency=4)) as fetcher:
            return await discover_gdelt(_source(fake), fetcher, [], since, NOW)
    return asyncio.run(main())


def _span(params: dict[str, str]) -> tuple[str, str]:
    return params["startdatetime"], params["enddatetime"]


def test_a_full_answer_is_sliced_until_no_slice_is_full(fake: FakeGdelt) -> None:
    candidates, errors = _discover(fake, since=None)
    assert not errors
    spans = [_span(p) for _, p in fake.calls]
    # No state: the last 24 hours. 24 h and 12 h answers are full (250); 6 h ones are not.
    assert spans == [
        ("20261128020000", "20261129020000"),
        ("20261128020000", "20261128140000"),
        ("20261128020000", "20261128080000"), ("20261128080000", "20261128140000"),
        ("20261128140000", "20261129020000"),
        ("20261128140000", "20261128200000"), ("20261128200000", "20261129020000"),
    ]
    for _, params in fake.calls:
        assert params["query"] == "(China OR Beijing) (Russia OR Moscow)"
        assert (params["mode"], params["format"], params["maxrecords"]) == \
            ("ArtList", "json", "250")
    # Each distinct URL once: 3 full answers of 250 and 4 of 3.
    assert len(candidates) == len({c.url for c in candidates}) == 3 * 250 + 4 * 3
    assert {c.language for c in candidates} == {"en", "ru"}


def test_calls_are_spaced_by_the_interval(fake: FakeGdelt) -> None:
    _discover(fake, since=None)
    times = [t for t, _ in fake.calls]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 6
    # Measured at the server, where a loaded machine delays single arrivals: the calls as
    # a whole span the intervals, and no two come anywhere near back to back.
    assert times[-1] - times[0] >= 6 * INTERVAL - 0.05, gaps
    assert min(gaps) >= INTERVAL / 2, gaps


def test_two_sources_on_one_api_share_its_spacing(fake: FakeGdelt) -> None:
    async def main() -> None:
        async with Fetcher(settings(per_host_concurrency=4)) as fetcher:
            await asyncio.gather(*(
                discover_gdelt(Source(name=f"g{i}", kind="gdelt", url=_source(fake).url,
                                      query=q, interval_s=INTERVAL), fetcher, [],
                               NOW - timedelta(hours=1), NOW)
                for i, q in enumerate(("Putin Xi", "Lavrov Wang"))))
    asyncio.run(main())
    times = sorted(t for t, _ in fake.calls)
    assert len(times) == 2 and times[1] - times[0] >= INTERVAL / 2  # not back to back


def test_the_span_starts_at_the_last_run(fake: FakeGdelt) -> None:
    _discover(fake, since=NOW - timedelta(hours=3))
    assert [_span(p) for _, p in fake.calls] == [("20261128230000", "20261129020000")]


def test_found_urls_are_fetched_like_any_feed_s(fake: FakeGdelt) -> None:
    async def main() -> Any:
        async with Fetcher(settings(per_host_concurrency=4)) as fetcher:
            return await harvest(_source(fake), fetcher, lambda _u: False, 100,
                                 since=datetime.now(UTC) - timedelta(hours=1))
    result = asyncio.run(main())
    assert not result.errors
    assert len(result.pages) == 3 and all(r.ok for _, r in result.pages)
    assert [d.kind for d in result.documents] == ["api"]


def test_artlist_answers_parse_as_values() -> None:
    assert parse_artlist(b"{}", "u", "s") == []
    assert parse_artlist(b"", "u", "s") == []
    bad = parse_artlist(b"Invalid query: too short", "u", "s")
    assert not isinstance(bad, list) and "not JSON" in bad.reason
    got = parse_artlist(json.dumps({"articles": [
        {"url": "https://a.test/x", "language": "Chinese"}, {"url": "ftp://no"}, "junk"]}
    ).encode(), "u", "s")
    assert isinstance(got, list) and [(c.url, c.language) for c in got] == [
        ("https://a.test/x", "zh")]


def test_gdelt_sources_are_configured_with_defaults() -> None:
    cfg = parse_config('[[sources]]\nname = "g"\nkind = "gdelt"\n')
    (src,) = cfg.sources
    assert (src.url, src.query, src.interval_s) == (
        "https://api.gdeltproject.org/api/v2/doc/doc", GDELT_DEFAULT_QUERY, 5.0)
    with pytest.raises(ConfigError, match="interval_s"):
        parse_config('[[sources]]\nname = "g"\nkind = "gdelt"\ninterval_s = -1\n')
    with pytest.raises(ConfigError, match="gdelt only"):
        parse_config('[[sources]]\nname = "r"\nkind = "rss"\nurl = "https://a.test/r"\n'
                     'query = "x"\n')
