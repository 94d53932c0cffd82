"""Title affix removal and byline cleaning, in several scripts."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from transform.authors import split_names
from transform.decode import decode_html
from transform.extract import extract
from transform.structured import parse_page
from transform.titles import title


def _page(head: str, body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("head", "body", "url", "expected"),
    [
        ('<title>Talks end in Beijing | Reuters</title><meta property="og:site_name" '
         'content="Reuters">', "", "https://www.reuters.com/world/x", "Talks end in Beijing"),
        ("<title>Путин прибыл в Пекин - РИА Новости, 16.05.2024</title>",
         "<h1>Путин прибыл в Пекин</h1>", "https://ria.ru/x", "Путин прибыл в Пекин"),
        ("<title>中俄元首会谈_新华网</title>", "<h1>中俄元首会谈</h1>", "https://www.news.cn/x",
         "中俄元首会谈"),
        ('<title>Les deux pays signent un accord – Le Monde</title>'
         '<meta property="og:site_name" content="Le Monde">', "", "https://www.lemonde.fr/x",
         "Les deux pays signent un accord"),
        ('<meta property="og:title" content="World | Energy deal signed in Moscow">'
         '<meta property="article:section" content="World">', "", "https://a.example/x",
         "Energy deal signed in Moscow"),
        ("<title>Energy deal: what it means - Example Daily</title>",
         "<h1>Energy deal: what it means</h1>", "https://daily.example/x",
         "Energy deal: what it means"),
    ],
)
def test_title_without_site_name(head: str, body: str, url: str, expected: str) -> None:
    tree = lxml_html.document_fromstring(_page(head, body))
    assert title(tree, parse_page(tree), url) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"]),
        ("By JANE DOE, Associated Press", ["Jane Doe"]),
        ("Jane Doe, Senior Correspondent", ["Jane Doe"]),
        ("Автор: Иван Петров", ["Иван Петров"]),
        ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
        ("Von Anna Schmidt und Peter Müller", ["Anna Schmidt", "Peter Müller"]),
        ("Por María López y Juan Pérez", ["María López", "Juan Pérez"]),
        ("文/记者 张伟", ["张伟"]),
        ("jane.doe@example.com", []),
        ("Staff", []),
        ("Reuters Staff", []),
        ("Updated 5 minutes ago", []),
    ],
)
def test_split_names(raw: str, expected: list[str]) -> None:
    assert split_names(raw) == expected


def test_outlet_named_in_byline_is_dropped() -> None:
    assert split_names("Jane Doe, The Example Times", {"theexampletimes"}) == ["Jane Doe"]


def test_bytes_are_decoded_with_the_declared_charset() -> None:
    html = _page('<meta charset="windows-1251"><title>Новости</title>').encode("cp1251")
    assert "Новости" in decode_html(html)
    assert "Новости" in decode_html(b"\xef\xbb\xbf" + html.decode("cp1251").encode("utf-8"))


def test_utf8_page_mislabelled_as_latin1_is_read_as_utf8() -> None:
    html = _page('<meta charset="iso-8859-1"><title>Пекин</title>').encode("utf-8")
    assert "Пекин" in decode_html(html)


def test_html_lang_is_reduced_to_iso_639_1() -> None:
    art = extract('<html lang="zh-Hans-CN"><head><title>x</title></head><body></body></html>',
                  "https://x.example/")
    assert art.language == "zh"


def test_a_title_that_only_names_the_site_is_not_the_headline() -> None:

    html = ("<html><head><title>Ceasefire talks resume in the capital</title>"
            '<meta property="og:title" content="Ceasefire talks resume in the capital">'
            '<meta name="twitter:title" content="Example.az"></head><body>'
            "<h1 class='logo'>Example.az</h1><article><h1>Ceasefire talks resume in the "
            "capital</h1><p>Negotiators met again on Tuesday.</p></article></body></html>")
    art = extract(html, "https://www.example.az/news/ceasefire-talks-resume")
    assert art.title == "Ceasefire talks resume in the capital"
