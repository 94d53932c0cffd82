"""The extraction pool: per-page time limit, crash isolation, clean shutdown (real processes)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import psutil
import pytest

from flows.pool import ExtractionPool, PageFailure
from tests.faultsite import html_page
from tests.faulty_extractor import CRASH, HANG, RAISE, extract_or_fault
from transform.pipeline import Page, extract_record

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def _page(n: int, marker: str = "") -> Page:
    html = html_page(f"Russia and China agree on pipeline section {n}").decode()
    return Page(url=f"http://127.0.0.1/a/{n}", final_url=f"http://127.0.0.1/a/{n}",
                source="test", fetched_at=NOW, html=html.replace("<body>", f"<body>{marker}"))


def _pool_workers() -> list[psutil.Process]:
    """Worker processes alive under this test process (the forkserver itself excepted)."""
    me = psutil.Process()
    return [p for child in me.children() for p in child.children(recursive=True)
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_a_hanging_crashing_or_raising_page_fails_alone() -> None:
    pages = [_page(1), _page(2, HANG), _page(3), _page(4, CRASH), _page(5), _page(6, RAISE),
             _page(7)]
    with ExtractionPool(workers=2, page_timeout_s=3, page_fn=extract_or_fault) as pool:
        results = asyncio.run(pool.extract(pages))
    failures = {r.url.rsplit("/", 1)[1]: r.reason for r in results
                if isinstance(r, PageFailure)}
    assert set(failures) == {"2", "4", "6"}
    assert "exceeded 3 s" in failures["2"]
    assert "crashed" in failures["4"]
    assert "ValueError" in failures["6"] and "choked" in failures["6"]
    good = [r for r in results if not isinstance(r, PageFailure)]
    # The other pages come out exactly as the extractor makes them in this process.
    assert good == [extract_record(p) for p in pages if p.url[-1] in "1357"]


def test_results_do_not_depend_on_the_number_of_workers() -> None:
    pages = [_page(n) for n in range(12)]
    with ExtractionPool(workers=1) as one, ExtractionPool(workers=2) as two:
        assert asyncio.run(one.extract(pages)) == asyncio.run(two.extract(pages))


def test_a_failed_run_stops_the_workers() -> None:
    async def run_then_fail(pool: ExtractionPool) -> None:
        work = asyncio.ensure_future(pool.extract([_page(n, HANG) for n in range(4)]))
        await asyncio.sleep(1.5)  # the workers are busy in the hanging pages
        assert len(_pool_workers()) == 2
        work.cancel()
        raise RuntimeError("the run failed")

    with (pytest.raises(RuntimeError, match="the run failed"),
          ExtractionPool(workers=2, page_timeout_s=600, page_fn=extract_or_fault) as pool):
        asyncio.run(run_then_fail(pool))
    deadline = time.monotonic() + 10
    while _pool_workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _pool_workers() == []


def test_a_page_handed_over_as_fetched_bytes_is_decoded_in_the_worker() -> None:
    # The fetching process hands the body as it came; the worker decodes it with the
    # HTTP header's charset, exactly as the same page decoded beforehand.
    title = "Россия и Китай подписали соглашение"
    text = f"{title}. " + "Москва и Пекин договорились о торговле и энергетике. " * 20
    html = html_page(title, text).decode().replace("charset='utf-8'", "")
    fetched = Page(url="http://127.0.0.1/ru/1", final_url="http://127.0.0.1/ru/1",
                   source="test", fetched_at=NOW, html=html.encode("cp1251"),
                   content_type="text/html; charset=windows-1251")
    decoded = Page(url=fetched.url, final_url=fetched.final_url, source="test",
                   fetched_at=NOW, html=html)
    with ExtractionPool(workers=1) as pool:
        [record] = asyncio.run(pool.extract([fetched]))
    assert record == extract_record(decoded)
    assert isinstance(record, dict) and "Пекин" in record["text"]
