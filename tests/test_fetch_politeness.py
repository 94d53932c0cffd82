"""Politeness on a real HTTP server on 127.0.0.1: robots.txt, Crawl-delay, Retry-After,
deferral past the run's budget, and hosts switched off after repeated failures.

Each test asserts the fault's rows in the fetch log and that the good pages of the same
run (on another host: another port of 127.0.0.1) were fetched.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from ingest.fetch import Fetcher, FetchResult, retry_after_seconds
from ingest.harvest import harvest
from ingest.robots import policy_from_result
from tests.faultsite import (
    USER_AGENT,
    FaultSite,
    Reply,
    Request,
    feed_source,
    row,
    run_harvests,
    settings,
)

GOOD = ["/good/1.html", "/good/2.html"]


def _run(site: FaultSite, other: FaultSite, paths: list[str], **overrides: Any
         ) -> list[FetchResult]:
    """A feed on ``other`` listing its good pages and ``paths`` on ``site``."""
    for path in GOOD:
        other.page(path)
    feed = other.feed("/feed.xml", [GOOD[0], *(site.url(p) for p in paths), GOOD[1]])
    harvests, log = run_harvests(settings(**overrides), [feed_source(feed)])
    assert not harvests[0].errors
    for path in GOOD:
        assert row(log, other.url(path)).outcome == "ok"
    return log


def _page_hits(site: FaultSite) -> list[Request]:
    return [r for r in site.requests if r.path != "/robots.txt"]


# --- robots.txt -----------------------------------------------------------------------

def test_robots_500_means_no_fetch_from_that_host(site: FaultSite, other_site: FaultSite
                                                  ) -> None:
    site.serve("/robots.txt", b"oops", status=500)
    site.page("/a.html")
    site.page("/b.html")
    log = _run(site, other_site, ["/a.html", "/b.html"])
    for path in ("/a.html", "/b.html"):
        result = row(log, site.url(path))
        assert result.outcome == "robots_denied"
        assert "robots.txt unreachable (HTTP 500)" in result.reason
        assert result.retry_later  # tonight only: the next run asks again
    assert not _page_hits(site)
    assert len(site.hits("/robots.txt")) == 1
    robots_row = row(log, site.url("/robots.txt"))
    assert (robots_row.kind, robots_row.status) == ("robots", 500)


def test_robots_404_means_everything_allowed_and_is_asked_once(site: FaultSite,
                                                               other_site: FaultSite) -> None:
    site.page("/a.html")
    site.page("/b.html")
    log = _run(site, other_site, ["/a.html", "/b.html"])
    assert row(log, site.url("/a.html")).outcome == "ok"
    assert row(log, site.url("/b.html")).outcome == "ok"
    assert len(site.hits("/robots.txt")) == 1
    assert len(other_site.hits("/robots.txt")) == 1


def test_robots_disallow_for_our_user_agent(site: FaultSite, other_site: FaultSite) -> None:
    site.serve("/robots.txt", b"User-agent: sinorus\nDisallow: /private/\n\n"
                              b"User-agent: *\nDisallow: /\n", headers={"Content-Type": "text/plain"})
    site.page("/private/x.html")
    site.page("/public/y.html")
    log = _run(site, other_site, ["/private/x.html", "/public/y.html"])
    denied = row(log, site.url("/private/x.html"))
    assert (denied.outcome, denied.reason) == ("robots_denied", "disallowed by robots.txt")
    assert not denied.retry_later
    assert row(log, site.url("/public/y.html")).outcome == "ok"
    assert not site.hits("/private/x.html")


def test_crawl_delay_is_honoured(site: FaultSite, other_site: FaultSite) -> None:
    site.serve("/robots.txt", b"User-agent: *\nCrawl-delay: 1\n",
               headers={"Content-Type": "text/plain"})
    paths = ["/a.html", "/b.html", "/c.html"]
    for path in paths:
        site.page(path)
    log = _run(site, other_site, paths, max_crawl_delay_s=2.0)
    assert all(row(log, site.url(p)).outcome == "ok" for p in paths)
    starts = sorted(r.at for r in _page_hits(site))
    assert len(starts) == 3
    # Arrival times at the server, so allow for scheduling jitter under load.
    assert all(b - a >= 0.8 for a, b in itertools.pairwise(starts)), starts


def test_pages_waiting_for_a_slow_host_leave_the_page_slots_to_other_hosts(
        site: FaultSite, other_site: FaultSite) -> None:
    # The slow host's pages come first in the feed and would fill both page slots, each
    # waiting a second for its turn; they wait for their host instead.
    site.serve("/robots.txt", b"User-agent: *\nCrawl-delay: 1\n",
               headers={"Content-Type": "text/plain"})
    slow = [site.page(f"/slow/{i}.html") for i in range(4)]
    fast = [other_site.page(f"/fast/{i}.html") for i in range(4)]
    feed = other_site.feed("/feed.xml", slow + fast)

    async def main() -> list[FetchResult]:
        async with Fetcher(settings(max_crawl_delay_s=2.0)) as fetcher:
            result = await harvest(feed_source(feed), fetcher, lambda _u: False, 100,
                                   page_slots=asyncio.Semaphore(2))
            return [r for _, r in result.pages]

    assert all(r.ok for r in asyncio.run(main()))
    slow_starts = sorted(r.at for r in _page_hits(site))
    fast_starts = [r.at for r in _page_hits(other_site) if r.path.startswith("/fast/")]
    assert len(fast_starts) == 4
    # Every fast page was asked for before the slow host's second turn came.
    assert max(fast_starts) < slow_starts[1], (fast_starts, slow_starts)


def test_crawl_delay_above_the_maximum_skips_the_host(site: FaultSite,
                                                      other_site: FaultSite) -> None:
    site.serve("/robots.txt", b"User-agent: *\nCrawl-delay: 60\n",
               headers={"Content-Type": "text/plain"})
    site.page("/a.html")
    log = _run(site, other_site, ["/a.html"], max_crawl_delay_s=2.0)
    result = row(log, site.url("/a.html"))
    assert result.outcome == "robots_denied"
    assert "Crawl-delay of 60 s" in result.reason
    assert not _page_hits(site)


# --- Retry-After, deferral, switch-off ------------------------------------------------

def _once_then_ok(first: Reply) -> Any:
    answers = iter([first])

    def route(_request: Request) -> Reply:
        return next(answers, Reply(200, b"<html><body><p>later</p></body></html>"))
    return route


def test_429_with_retry_after_seconds_is_obeyed(site: FaultSite, other_site: FaultSite
                                                ) -> None:
    site.add("/busy.html", _once_then_ok(Reply(429, b"slow down", {"Retry-After": "1"})))
    site.page("/next.html")
    log = _run(site, other_site, ["/busy.html", "/next.html"])
    result = row(log, site.url("/busy.html"))
    assert (result.outcome, result.attempts) == ("ok", 2)
    assert row(log, site.url("/next.html")).outcome == "ok"
    first_429 = site.hits("/busy.html")[0].at
    # No request of any kind to that host before the Retry-After has passed.
    later = [r.at - first_429 for r in site.requests if r.at > first_429]
    assert later and min(later) >= 0.95, later


def test_503_with_retry_after_http_date_is_obeyed(site: FaultSite, other_site: FaultSite
                                                  ) -> None:
    # HTTP-dates have whole seconds: +3 s is at least 2 s away when the client reads it.
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    site.add("/busy.html", _once_then_ok(Reply(503, b"maintenance", {"Retry-After": when})))
    log = _run(site, other_site, ["/busy.html"])
    assert row(log, site.url("/busy.html")).outcome == "ok"
    hits = site.hits("/busy.html")
    assert len(hits) == 2 and hits[1].at - hits[0].at >= 1.5


def test_retry_after_past_the_budget_defers_the_host(site: FaultSite, other_site: FaultSite
                                                     ) -> None:
    site.serve("/busy.html", b"come back tomorrow", status=429,
               headers={"Retry-After": "86400"})
    site.page("/a.html")
    site.page("/b.html")
    started = time.monotonic()
    log = _run(site, other_site, ["/busy.html", "/a.html", "/b.html"], run_budget_s=20.0)
    assert time.monotonic() - started < 15  # nobody waited for tomorrow
    for path in ("/busy.html", "/a.html", "/b.html"):
        result = row(log, site.url(path))
        assert result.outcome == "deferred", result
        assert "Retry-After 86400 s" in result.reason
        assert result.retry_later
    assert [r.path for r in _page_hits(site)] == ["/busy.html"]


def test_pages_past_the_run_budget_are_deferred(site: FaultSite, other_site: FaultSite
                                                ) -> None:
    def slow(_request: Request) -> Reply:
        time.sleep(1.5)  # the first page outlasts the run's 1 s budget
        return Reply(200, b"<html><body><p>slow but fine</p></body></html>")

    site.add("/slow.html", slow)
    paths = ["/slow.html", "/p/1.html", "/p/2.html"]
    for path in paths[1:]:
        site.page(path)
    log = _run(site, other_site, paths, run_budget_s=1.0)
    assert row(log, site.url("/slow.html")).outcome == "ok"
    for path in paths[1:]:
        result = row(log, site.url(path))
        assert result.outcome == "deferred"
        assert "budget is spent" in result.reason
    assert [r.path for r in _page_hits(site)] == ["/slow.html"]


def test_host_that_keeps_failing_is_switched_off(site: FaultSite, other_site: FaultSite
                                                 ) -> None:
    paths = [f"/down/{i}.html" for i in range(8)]
    for path in paths:
        site.serve(path, b"broken", status=500)
    log = _run(site, other_site, paths, host_failure_limit=3, max_retries=0)
    outcomes = [row(log, site.url(p)).outcome for p in paths]
    assert outcomes[:3] == ["http_error"] * 3
    assert outcomes[3:] == ["host_disabled"] * 5
    assert "3 consecutive transient failures" in row(log, site.url(paths[-1])).reason
    assert len(_page_hits(site)) == 3


# --- pure functions -------------------------------------------------------------------

def test_retry_after_parsing() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds("Wed, 01 May 2024 12:01:30 GMT", now) == 90
    assert retry_after_seconds("Wed, 01 May 2024 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


@pytest.mark.parametrize(("outcome", "status", "allowed", "retry_later"), [
    ("http_error", 404, True, False),
    ("http_error", 410, True, False),
    ("http_error", 401, True, False),
    ("http_error", 429, False, True),
    ("http_error", 503, False, True),
    ("timeout", None, False, True),
    ("connect_error", None, False, True),
    ("blocked_address", None, False, False),
    ("too_many_redirects", 302, True, False),
])
def test_robots_answers_per_rfc_9309(outcome: str, status: int | None, allowed: bool,
                                     retry_later: bool) -> None:
    result = FetchResult(url="http://h/robots.txt", source="s", kind="robots", status=status,
                         outcome=outcome, reason="x")
    refusal = policy_from_result(result, USER_AGENT, 30).check("http://h/page", USER_AGENT)
    assert (refusal is None) == allowed
    if refusal is not None:
        assert refusal.retry_later == retry_later
