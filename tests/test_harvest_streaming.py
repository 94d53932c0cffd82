"""Harvesting a large source with a page sink: nothing per page outlives its page.

Real servers on 127.0.0.1 (two hosts, one feed linking to both); the sink is the same
kind of coroutine the flow hands pages to.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from ingest.discover import Candidate
from ingest.fetch import Fetcher, FetchResult
from ingest.harvest import Harvest, harvest
from tests.faultsite import FaultSite, feed_source, settings

PAGES = 120


def _harvest_with_sink(site: FaultSite, other_site: FaultSite, concurrency: int
                       ) -> tuple[Harvest, list[str], int, Fetcher]:
    links = []
    for n in range(PAGES):
        host = site if n % 3 else other_site  # two hosts, unevenly
        links.append(host.page(f"/news/{n}.html"))
    missing = site.url("/news/gone.html")  # 404: counted, not kept
    source = feed_source(site.feed("/feed.xml", [*links, missing]))
    received: list[str] = []
    most_tasks = 0

    async def sink(candidate: Candidate, page: FetchResult) -> None:
        nonlocal most_tasks
        most_tasks = max(most_tasks, len(asyncio.all_tasks()))
        assert page.body
        received.append(candidate.url)
        await asyncio.sleep(0)

    async def main() -> tuple[Harvest, Fetcher]:
        async with Fetcher(settings(per_host_concurrency=concurrency)) as fetcher:
            return await harvest(source, fetcher, lambda _u: False, 1000, on_page=sink), fetcher

    result, fetcher = asyncio.run(main())
    return result, received, most_tasks, fetcher


def test_a_sink_run_keeps_counts_not_pages_and_bounded_tasks(
        site: FaultSite, other_site: FaultSite) -> None:
    concurrency = 2
    result, received, most_tasks, fetcher = _harvest_with_sink(site, other_site, concurrency)
    assert len(result.candidates) == PAGES + 1
    assert sorted(received) == sorted(c.url for c in result.candidates[:PAGES])
    assert result.pages == []  # handed on: the harvest keeps no result
    tally = result.tally
    assert (tally.attempted, tally.fetched, tally.permanent) == (PAGES + 1, PAGES, 1)
    assert dict(tally.failures) == {"http_error": 1} and not tally.retry
    assert result.complete and result.unsettled == []
    # Fetchers per host, not a task per candidate (that was 121 tasks): the main task, and
    # per connection (2 hosts x concurrency) one fetcher and one task of the HTTP stack.
    assert most_tasks <= 1 + 2 * (2 * concurrency)
    # Each host was asked for each of its pages once.
    for host in (site, other_site):
        asked = [r.path for r in host.requests if r.path.startswith("/news/")]
        expected = [urlsplit(c.url).path for c in result.candidates
                    if urlsplit(c.url).port == host.port]
        assert sorted(asked) == sorted(expected)
    assert len([r for r in fetcher.log if r.kind == "page"]) == PAGES + 1


def test_pages_left_for_later_are_the_unsettled_ones(site: FaultSite) -> None:
    """Beyond max_pages and a host that fails for tonight: both come back next run."""
    links = [site.page(f"/a/{n}.html") for n in range(4)]
    closed = FaultSite()
    dead = closed.url("/b/0.html")
    closed.close()  # nobody listens there any more: connect errors, a transient failure
    source = feed_source(site.feed("/feed.xml", [dead, *links]))

    async def main() -> Harvest:
        async with Fetcher(settings(max_retries=0)) as fetcher:
            return await harvest(source, fetcher, lambda _u: False, 3)

    result = asyncio.run(main())
    assert [c.url for c in result.left_over] == links[2:]
    assert [c.url for c in result.tally.retry] == [dead]
    assert {c.url for c in result.unsettled} == {dead, *links[2:]}
    assert not result.complete and result.left_for_next_run == 2
    assert [c.url for c, _ in result.pages] == [dead, *links[:2]]
