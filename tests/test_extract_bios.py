"""Closing author bios are not part of the story."""

from __future__ import annotations

import json

from transform.extract import extract

STORY = [
    "The regional parliament approved the new water tariff on Thursday after a long debate.",
    "Households will pay about four percent more from July, the finance committee said.",
    "Farmers' associations said they would challenge the decision in the courts.",
]
URL = "https://news.test/region/water-tariff"


def _page(closing: str, person: dict[str, str] | None = None, byline: str = "") -> str:
    author = person or {"@type": "Person", "name": "Stephanie Miller"}
    data = {"@context": "https://schema.org", "@type": "NewsArticle",
            "headline": "Water tariff approved", "author": author}
    paragraphs = "".join(f"<p>{p}</p>" for p in [*STORY, closing])
    return ("<html lang='en'><head><title>Water tariff approved</title>"
            f"<script type='application/ld+json'>{json.dumps(data)}</script></head><body>"
            f"<article><h1>Water tariff approved</h1>{byline}{paragraphs}</article>"
            "</body></html>")


def test_a_bio_under_a_short_form_of_the_authors_name_is_dropped() -> None:
    bio = ("Steph Miller is a news writer who covers regional politics and the environment. "
           "Follow her on social media for more of her stories. " * 6)
    art = extract(_page(bio), URL)
    assert art.text.endswith(STORY[-1])


def test_a_bio_introduced_by_the_outlets_name_is_dropped() -> None:
    bio = "News Test's Stephanie Miller is the author of a book about water in the region."
    art = extract(_page(bio), URL)
    assert art.text.endswith(STORY[-1])


def test_a_bio_the_structured_data_declares_is_dropped() -> None:
    bio = "A former farmer, she has reported on the countryside for the paper for twenty years."
    person = {"@type": "Person", "name": "Stephanie Miller", "description": bio}
    art = extract(_page(bio, person=person), URL)
    assert art.text.endswith(STORY[-1])


def test_a_closing_sentence_about_someone_else_stays() -> None:
    closing = "Peter Novak is expected to present a revised plan to the committee next month."
    art = extract(_page(closing), URL)
    assert art.text.endswith(closing)
