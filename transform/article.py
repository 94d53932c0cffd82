"""The article record that extraction produces: one per fetched HTML page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Article:
    """What one page says about itself, before normalisation.

    ``published_at`` keeps what the page stated: ISO 8601 with its UTC offset when the
    page gives a time, or a plain ``YYYY-MM-DD`` when only the day is known. Normalisation
    turns it into a UTC instant; it is never filled from the fetch time.
    """

    url: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None
    # jsonld | meta | itemprop | time | dateline | htmldate | url
    published_at_source: str | None = None
    modified_at: str | None = None
    language: str | None = None  # as declared by the page (html lang, og:locale, JSON-LD)
    text: str = ""
    canonical_url: str | None = None
    site_name: str | None = None
    section: str | None = None
    image: str | None = None
    is_paywalled: bool = False
    page_kind: str = "article"  # article | paywall | cookie_wall | empty

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
