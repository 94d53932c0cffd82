"""Date parsing and validation rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transform.dates import is_plausible, parse_date, url_date

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-12T10:30:00+03:00", "2025-03-12T10:30:00+03:00"),
        ("2025-03-12T10:30:00.000Z", "2025-03-12T10:30:00+00:00"),
        ("2025-03-12 10:30:00 +0300", "2025-03-12T10:30:00+03:00"),
        ("2025-03-12T10:30:00", "2025-03-12"),  # no offset stated: only the day is certain
        ("2025-03-12", "2025-03-12"),
        ("Wed, 12 Mar 2025 10:30:00 +0100", "2025-03-12T10:30:00+01:00"),
        ("12.03.2025 10:30", "2025-03-12"),
        ("2025/03/12", "2025-03-12"),
        ("1741764600", "2025-03-12T07:30:00+00:00"),
        ("yesterday", None),
    ],
)
def test_parse_date(raw: str, expected: str | None) -> None:
    assert parse_date(raw) == expected


def test_future_and_ancient_dates_are_rejected() -> None:
    assert not is_plausible("2025-06-03", NOW)
    assert not is_plausible("2025-06-01T13:00:00+00:00", NOW)
    assert is_plausible("2025-06-01T14:00:00+03:00", NOW)  # 11:00 UTC
    assert not is_plausible("1994-12-31", NOW)


def test_url_date() -> None:
    assert url_date("https://x.example/2024/05/06/story") == "2024-05-06"
    assert url_date("https://x.example/news/20240506/story") == "2024-05-06"
    assert url_date("https://x.example/news/story-123456") is None


def test_a_stated_offset_is_kept_even_when_the_url_files_another_day() -> None:
    from transform.extract import extract

    html = ('<html><head><meta property="article:published_time" '
            'content="2020-07-09T10:04:04Z"></head><body><article><h1>T</h1>'
            '<p>Federal workers are returning to the office, officials said on Thursday.</p>'
            '</article></body></html>')
    art = extract(html, "https://news.test/politics/2020/07/08/workers-return/")
    assert art.published_at == "2020-07-09T10:04:04+00:00"


def test_dates_in_links_to_other_articles_are_not_this_pages_date() -> None:
    from transform.extract import extract

    related = "".join(
        f'<li><a href="https://news.test/world/2025/0{m}/1{m}/story-{m}.html">Story {m}</a></li>'
        for m in range(1, 6))
    html = ("<html><head><title>What is the SCO?</title></head><body><article><h1>What is the SCO?</h1>"
            "<p>The Shanghai Cooperation Organisation was founded in 2001 by six states.</p>"
            "<p>It now has ten members and meets every year at the level of heads of state.</p>"
            f"</article><aside><ul>{related}</ul></aside></body></html>")
    art = extract(html, "https://news.test/explainers/what-is-the-sco.html")
    assert art.published_at is None
    assert art.published_at_source is None
