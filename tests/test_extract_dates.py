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
        ("2025-03-12T23:15:0Z", "2025-03-12T23:15:00+00:00"),  # seconds written with one digit
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


def _utc_page(extra: str, published: str = "2020-02-18T02:18:11Z") -> str:
    return ('<html><head><script type="application/ld+json">'
            '{"@type": "NewsArticle", "headline": "Rain floods the old town", '
            f'"datePublished": "{published}"}}</script>{extra}</head><body><article>'
            "<h1>Rain floods the old town</h1><p>Streets in the old town were under water "
            "on Monday evening after a storm.</p></article></body></html>")


def test_a_utc_time_is_given_in_the_local_time_the_page_also_states() -> None:
    from transform.extract import extract

    html = _utc_page('<script>var publication_date = "2020-02-17 21:18:11";</script>')
    art = extract(html, "https://news.test/2020/02/17/rain-floods-old-town/")
    assert art.published_at == "2020-02-17T21:18:11-05:00"  # the same instant


def test_a_utc_time_takes_the_offset_of_the_same_instant_stated_elsewhere() -> None:
    from transform.extract import extract

    html = _utc_page('<script>window.meta = {"firstPublished": "2020-02-17T22:18:11-04:00"};'
                     "</script>")
    art = extract(html, "https://news.test/rain-floods-old-town/")
    assert art.published_at == "2020-02-17T22:18:11-04:00"


def test_no_offset_is_taken_from_unrelated_or_contradicting_times() -> None:
    from transform.extract import extract

    unrelated = '<script>var next_bus = "2020-02-17 21:18";</script>'  # no publication word
    contradicting = ('<script>var a = "2020-02-17 21:18:11", b = "2020-02-17 20:18:11";'
                     "</script>")
    for extra in (unrelated, contradicting):
        art = extract(_utc_page(extra), "https://news.test/rain-floods-old-town/")
        assert art.published_at == "2020-02-18T02:18:11+00:00"


def _dateline_page(after_headline: str) -> str:
    return ("<html lang='en'><head><title>Ceasefire talks resume</title></head><body>"
            "<div class='top'>Tuesday, (08 Dec 2020)</div><h1>Site News</h1>"
            "<div class='post'><h1 class='h4'>Ceasefire talks resume</h1>"
            f"{after_headline}<p>Negotiators met again in the capital on Tuesday, officials "
            "said, after a week of fighting along the border.</p></div></body></html>")


def test_the_date_line_under_the_headline_beats_the_sites_today() -> None:
    from transform.extract import extract

    art = extract(_dateline_page("<ul><li><a href='/time/2020-10-13'>13 Oct 2020 18:29</a>"
                                 "</li><li>1479 views</li></ul>"),
                  "https://news.test/news/ceasefire-talks-resume")
    assert art.published_at == "2020-10-13"
    assert art.published_at_source == "dateline"


def test_dates_in_captions_and_sentences_are_not_the_date_line() -> None:
    from transform.extract import extract

    art = extract(_dateline_page(
        "<figure><img src='x.jpg'><figcaption>The minister arrives at the talks, "
        "January 16, 2020.</figcaption></figure>"
        "<p>The talks, first held on 3 March 2019, had stalled for months.</p>"
        "<p class='meta'>January 18, 2020</p>"),
        "https://news.test/news/ceasefire-talks-resume")
    assert art.published_at == "2020-01-18"
