"""Extraction: one HTML page in, one :class:`Article` out. No network, no disk.

This is the only extraction path: the pipeline and ``sinorus extract`` both call
:func:`extract`. Structured data (JSON-LD, meta tags, microdata) is read first;
trafilatura provides the text and the heuristics of last resort.
"""

from __future__ import annotations

import threading
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from transform import authors as authors_mod
from transform import body, boilerplate, dates, page_language, standfirst, titles, walls
from transform.article import Article
from transform.decode import decode_html
from transform.structured import PageData, parse_page, person_descriptions, text_of

_parsers = threading.local()  # lxml parsers must not be shared between threads


def _html_parser() -> etree.HTMLParser:
    """lxml.html's parser, but with its element classes chosen in C.

    lxml.html picks a class per tag (forms, inputs, labels…) with a Python callback each
    time an element is touched from Python: ≈ 1,200 calls a page, 5–8 % of extraction.
    Nothing here uses the form classes; every element is an ``HtmlElement`` with the same
    methods (the same articles on 580 corpus and development pages).
    """
    parser = getattr(_parsers, "html", None)
    if parser is None:
        parser = _parsers.html = etree.HTMLParser()
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity))
    return parser


def _parse(html: str) -> lxml_html.HtmlElement | None:
    # lxml refuses str input that carries an XML encoding declaration.
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[-1]
    try:
        return lxml_html.document_fromstring(html, parser=_html_parser())
    except (etree.ParserError, ValueError):
        return None


def _canonical(tree: lxml_html.HtmlElement, page: PageData, url: str) -> str | None:
    for link in tree.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return urljoin(url, link.get("href").strip())
    value = page.meta_first("og:url")
    return urljoin(url, value) if value else None


def _image(page: PageData, url: str) -> str | None:
    value = page.meta_first("og:image", "og:image:url", "twitter:image")
    if not value:
        value = text_of([text_of(v) for v in page.article_values("image")])
    return urljoin(url, value) if value else None


def extract(html: str | bytes, url: str) -> Article:
    """Extract the article text and metadata of one page."""
    if isinstance(html, bytes):
        html = decode_html(html)
    tree = _parse(html) if html.strip() else None
    if tree is None:
        return Article(url=url, page_kind="empty")

    page = parse_page(tree)
    site_name = page.meta_first("og:site_name", "application-name")
    if not site_name:
        site_name = text_of([v for obj in page.articles for v in [obj.get("publisher")] if v])
    outlet_keys = titles._site_keys(tree, page, url)
    section = page.meta_first("article:section") or text_of(page.article_values("articleSection"))
    headline = titles.title(tree, page, url)
    language = page_language.declared_language(tree, page)
    published_at, published_source = dates.published(tree, page, url, headline=headline,
                                                     language=language, markup=html)
    text, _doc = body.main_text(tree, url)
    text = boilerplate.strip_headline(text, headline)
    description = page.meta_first("og:description", "description", "twitter:description") \
        or text_of(page.article_values("description"))
    lead = standfirst.standfirst(tree, headline, description, text)
    if lead and text:
        text = "\n".join([*lead, text])
    names = authors_mod.authors(tree, page, outlet_keys)
    text = boilerplate.drop_author_bios(boilerplate.cut_trailing_lists(text), names,
                                        person_descriptions(page))
    is_paywalled = walls.declared_paywall(page)
    page_kind = "article"
    text = walls.drop_cookie_lines(text)
    text, wall_found = walls.cut_paywall(text)
    if walls.is_cookie_wall(text):
        text, page_kind = "", "cookie_wall"
    elif wall_found or (is_paywalled and len(text.split()) < 150):
        page_kind = "paywall"
        is_paywalled = True
    elif not text.strip():
        page_kind = "empty"

    return Article(
        url=url,
        title=headline,
        authors=names,
        published_at=published_at,
        published_at_source=published_source,
        modified_at=dates.modified(tree, page),
        language=language,
        text=text,
        canonical_url=_canonical(tree, page, url),
        site_name=site_name,
        section=section,
        image=_image(page, url),
        is_paywalled=is_paywalled,
        page_kind=page_kind,
    )
