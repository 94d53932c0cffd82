"""Layer 1: URL variants of one article (tracking, www, AMP, mobile, ports, fragments)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dedup_helpers import articles, publish, rows
from transform.urls import canonical_url, same_site

CANONICAL = "https://example.com/world/2026/01/01/russia-china-gas.html"
VARIANTS = [
    "https://example.com/world/2026/01/01/russia-china-gas.html",
    "https://www.example.com/world/2026/01/01/russia-china-gas.html",
    "HTTPS://WWW.EXAMPLE.COM:443/world/2026/01/01/russia-china-gas.html",
    "https://example.com/world/2026/01/01/russia-china-gas.html#comments",
    "https://example.com/world/2026/01/01/russia-china-gas.html?utm_source=rss&utm_medium=feed",
    "https://example.com/world/2026/01/01/russia-china-gas.html?fbclid=IwAR0abc&gclid=Cj0KCQ",
    "https://m.example.com/world/2026/01/01/russia-china-gas.html",
    "https://amp.example.com/world/2026/01/01/russia-china-gas.html",
    "https://example.com/amp/world/2026/01/01/russia-china-gas.html",
    "https://example.com/world/2026/01/01/russia-china-gas.amp.html",
    "https://example.com/world/2026/01/01/russia-china-gas.html?amp",
    "https://example.com/world/2026/01/01/russia-china-gas.html?amp=1",
    "https://example.com/world/2026/01/01/russia-china-gas.html?outputType=amp",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_has_one_canonical_form(variant: str) -> None:
    assert canonical_url(variant) == CANONICAL


def test_meaningful_parts_are_kept() -> None:
    assert canonical_url("http://example.com:8080/a?id=7&page=2") == \
        "http://example.com:8080/a?id=7&page=2"
    assert canonical_url("https://example.com/a?page=2&id=7") == \
        "https://example.com/a?id=7&page=2"
    assert canonical_url("https://news.example.com/a") == "https://news.example.com/a"
    assert canonical_url("https://example.com/news/amplifier-sales") == \
        "https://example.com/news/amplifier-sales"
    assert canonical_url("http://127.0.0.1:8000/m/a") == "http://127.0.0.1:8000/m/a"
    # Two labels stay two labels: m.co is a site, not a mobile host of "co".
    assert canonical_url("https://m.co/a") == "https://m.co/a"


def test_mobile_and_amp_hosts_are_the_same_site() -> None:
    assert same_site("https://amp.example.com/a", "https://www.example.com/b")
    assert not same_site("https://example.com/a", "https://example.org/a")


def test_url_variants_of_one_article_load_once(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    text = "Russia and China agreed on the route of a new gas pipeline through Mongolia."
    for i, url in enumerate(VARIANTS):
        publish(db, articles(dict(url=url, text=text)), f"r{i:02d}")
    assert rows(db, "SELECT count(*), any_value(canonical_url) FROM articles") == \
        [(1, CANONICAL)]


def test_a_same_site_rel_canonical_wins(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    text = "Same article, two addresses."
    publish(db, articles(
        dict(url="https://example.com/print/123", text=text,
             page_canonical_url="https://www.example.com/world/123-story"),
        # Pointing to another site is not trusted: syndication partners do that.
        dict(url="https://partner.test/world/123", text="Another text entirely, here.",
             page_canonical_url="https://example.com/world/123-story")), "r1")
    assert sorted(rows(db, "SELECT canonical_url FROM articles")) == [
        ("https://example.com/world/123-story",), ("https://partner.test/world/123",)]
