"""The body fallback keeps the page's paragraph breaks."""

from __future__ import annotations

from lxml import html as lxml_html

from transform.body import as_paragraphs

PARAGRAPHS = [
    "The match started under heavy rain and the pitch soon turned to mud.",
    "The visitors scored twice before half-time through their captain.",
    "After the break the home side pulled one back from a corner kick.",
]


def test_a_one_line_body_gets_the_pages_paragraph_breaks_back() -> None:
    page = lxml_html.document_fromstring(
        "<html><body><nav><p>Home</p></nav><article>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></body></html>")
    assert as_paragraphs(page, " ".join(PARAGRAPHS)) == "\n".join(PARAGRAPHS)


def test_a_one_line_body_the_paragraphs_do_not_cover_is_kept() -> None:
    page = lxml_html.document_fromstring(f"<html><body><p>{PARAGRAPHS[0]}</p></body></html>")
    flat = " ".join(PARAGRAPHS)
    assert as_paragraphs(page, flat) == flat
