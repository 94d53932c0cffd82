"""End-to-end extraction of small fixture pages, one per rule."""

from __future__ import annotations

from tests.extract_helpers import fixture
from transform.extract import extract


def test_jsonld_graph_gives_headline_authors_date_and_language() -> None:
    art = extract(fixture("jsonld_graph.html"), "https://ria.example/20250312/statement.html")
    assert art.title == "Россия и Китай подписали заявление"
    assert art.authors == ["Иван Петров", "Анна Смирнова"]
    assert art.published_at == "2025-03-12T10:30:00+03:00"
    assert art.published_at_source == "jsonld"
    assert art.modified_at == "2025-03-12T12:00:00+03:00"
    assert art.language == "ru"
    assert art.site_name == "РИА Новости"
    assert art.section == "Политика"
    assert art.page_kind == "article"
    assert art.text.startswith("The two delegations met")
    assert "All rights reserved" not in art.text


def test_byline_with_roles_and_outlet_gives_person_names() -> None:
    art = extract(fixture("byline_roles.html"), "https://times.example/world/energy-talks")
    assert art.authors == ["Jane Doe", "John Smith"]
    assert art.title == "Energy talks end with a joint statement"
    assert art.published_at == "2025-03-12T07:30:00+00:00"
    assert art.published_at_source == "meta"


def test_future_date_is_rejected_for_the_next_source() -> None:
    art = extract(fixture("future_date.html"), "https://times.example/world/energy-talks")
    assert art.published_at == "2024-11-05"
    assert art.published_at_source == "itemprop"


def test_date_only_in_url_is_the_fallback() -> None:
    art = extract(fixture("url_date_only.html"), "https://times.example/2024/05/06/energy-talks")
    assert art.published_at == "2024-05-06"
    assert art.published_at_source == "url"


def test_no_date_anywhere_gives_none_not_now() -> None:
    art = extract(fixture("url_date_only.html"), "https://times.example/world/energy-talks")
    assert art.published_at is None
    assert art.published_at_source is None


def test_paywalled_page_keeps_the_teaser_but_not_the_wall() -> None:
    art = extract(fixture("paywall.html"), "https://ledger.example/gas-deal")
    assert art.page_kind == "paywall"
    assert art.is_paywalled is True
    assert "Subscribe" not in art.text
    assert "subscriber" not in art.text
    assert art.title == "Inside the new gas deal"
    assert art.authors == ["Maria Lopez"]


def test_cookie_wall_is_recorded_without_its_text() -> None:
    art = extract(fixture("cookie_wall.html"), "https://zeitung.example/politik/artikel")
    assert art.page_kind == "cookie_wall"
    assert art.text == ""
    assert art.language == "de"


def test_empty_page() -> None:
    assert extract(fixture("empty.html"), "https://x.example/").page_kind == "empty"
    assert extract(b"", "https://x.example/").page_kind == "empty"
    assert extract("   ", "https://x.example/").page_kind == "empty"
