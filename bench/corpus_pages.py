"""HTML layouts of the benchmark corpus: five ways news sites wrap the same kind of article.

Real article pages are 50–150 KB, of which the article is a few KB: navigation, related
links, cookie banners, share buttons and above all inline scripts make up the rest. Each
layout reproduces one family (metadata in JSON-LD and OpenGraph, in OpenGraph only, in
Dublin Core meta tags, or only in the visible text and the URL) so extraction works on
the variety it meets in production. Links are root-relative, so a page's bytes do not
depend on the port it is served from.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime
from html import escape

from bench.corpus_text import POOLS

LAYOUTS = ("classic", "portal", "magazine", "minimal", "wire")


@dataclass(frozen=True)
class PagePlan:
    """One article: what it says and where it lives. ``path`` is the URL path."""

    index: int
    outlet: str
    outlet_name: str
    layout: str
    language: str
    relevant: bool
    published: datetime
    section: int  # index into the language's section labels
    title: str
    path: str
    file: str  # relative to the outlet's directory
    target_bytes: int  # the page is padded with scripts up to about this size


def script_bundle(rng: random.Random, size: int) -> str:
    """Minified-looking JavaScript of about ``size`` characters (what analytics and ads ship)."""
    names = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 3)))
             for _ in range(400)]
    parts: list[str] = []
    total = 0
    while total < size:
        a, b, c = rng.choice(names), rng.choice(names), rng.choice(names)
        piece = rng.choice((
            f"function {a}{b}({c}){{return {c}.map(function(e){{return e*{rng.randint(2, 97)}+"
            f"{rng.randint(0, 999)}}})}}",
            f"var {a}_{b}={{id:{rng.randint(1, 99999)},k:'{c}{rng.randint(0, 9999)}',"
            f"t:[{','.join(str(rng.randint(0, 999)) for _ in range(6))}]}};",
            f"window.{a}=window.{a}||[];{a}.push({{event:'{b}_{c}',"
            f"ts:{rng.randint(10**9, 2 * 10**9)}}});",
            f"if(!{a}.{b}){{{a}.{b}=function(){{return document.querySelector('#{c}')}}}}",
        ))
        parts.append(piece)
        total += len(piece)
    return "".join(parts)


def _nav(lang: str, outlet: str, wide: bool) -> str:
    labels = POOLS[lang].sections
    items = []
    for i, label in enumerate(labels):
        sub = ""
        if wide:  # portals have mega-menus: every section lists its subsections
            sub = "<ul class='sub'>" + "".join(
                f"<li><a href='/s/{i}/{j}/'>{escape(label)} {j + 1}</a></li>"
                for j in range(10)) + "</ul>"
        items.append(f"<li><a href='/s/{i}/'>{escape(label)}</a>{sub}</li>")
    return f"<nav class='main-nav' aria-label='{escape(outlet)}'><ul>{''.join(items)}</ul></nav>"


def _footer(lang: str, outlet_name: str, year: int) -> str:
    pool = POOLS[lang]
    cols = "".join(
        "<div class='col'><h4>" + escape(label) + "</h4><ul>" +
        "".join(f"<li><a href='/s/{i}/{j}/'>{escape(label)} · {j}</a></li>" for j in range(8)) +
        "</ul></div>" for i, label in enumerate(pool.sections))
    return (f"<footer class='site-footer'>{cols}<p class='legal'>© {year} "
            f"{escape(outlet_name)}. {escape(pool.footer)}</p>"
            "<p><a href='/about.html'>About</a> | <a href='/contact.html'>Contact</a> | "
            "<a href='/privacy.html'>Privacy</a> | <a href='/rss.xml'>RSS</a></p></footer>")


def _cookie(lang: str) -> str:
    return ("<div id='cookie-consent' class='cookie-banner' role='dialog'><p>"
            f"{escape(POOLS[lang].cookie)}</p><button class='accept'>OK</button>"
            "<button class='settings'>⚙</button></div>")


def _related(lang: str, related: list[PagePlan], cls: str) -> str:
    items = "".join(f"<li><a href='{escape(r.path)}'>{escape(r.title)}</a></li>"
                    for r in related)
    return (f"<aside class='{cls}'><h3>{escape(POOLS[lang].related)}</h3>"
            f"<ul>{items}</ul></aside>")


def _teasers(lang: str, related: list[PagePlan], rng: random.Random) -> str:
    """A "latest news" grid as portals append to every article: many small nested blocks."""
    sections = POOLS[lang].sections
    cards = []
    for k in range(24):
        r = related[k % len(related)] if related else None
        title = escape(r.title) if r else escape(sections[k % len(sections)])
        href = escape(r.path) if r else "/"
        cards.append(
            f"<div class='card card-{k % 4}'><a class='card-link' href='{href}'>"
            f"<figure class='thumb'><picture><source srcset='/img/t{rng.randint(1, 9999)}.webp'>"
            f"<img src='/img/t{k}.jpg' loading='lazy' alt=''></picture></figure>"
            f"<div class='card-body'><span class='card-kicker'>"
            f"{escape(sections[(k * 3) % len(sections)])}</span><h3 class='card-title'>{title}"
            f"</h3><span class='card-time'>{rng.randint(1, 23)} h</span></div></a></div>")
    return f"<section class='latest-grid'><div class='grid'>{''.join(cards)}</div></section>"


def _jsonld(plan: PagePlan, authors: list[str], description: str, graph: bool) -> str:
    article = {
        "@type": "NewsArticle", "headline": plan.title, "description": description,
        "datePublished": plan.published.isoformat(), "inLanguage": plan.language,
        "author": [{"@type": "Person", "name": a} for a in authors],
        "publisher": {"@type": "Organization", "name": plan.outlet_name},
        "mainEntityOfPage": plan.path,
    }
    doc: dict = ({"@context": "https://schema.org", "@graph": [
        article, {"@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": plan.outlet_name, "item": "/"}]}]}
        if graph else {"@context": "https://schema.org", **article})
    return ("<script type='application/ld+json'>" +
            json.dumps(doc, ensure_ascii=False).replace("</", "<\\/") + "</script>")


def _og(plan: PagePlan, description: str) -> str:
    return (f"<meta property='og:type' content='article'>"
            f"<meta property='og:title' content='{escape(plan.title)}'>"
            f"<meta property='og:description' content='{escape(description)}'>"
            f"<meta property='og:url' content='{escape(plan.path)}'>"
            f"<meta property='og:site_name' content='{escape(plan.outlet_name)}'>"
            f"<meta property='article:published_time' content='{plan.published.isoformat()}'>")


def _head(plan: PagePlan, extra: str, scripts: str) -> str:
    direction = " dir='rtl'" if plan.language == "ar" else ""
    return (f"<!DOCTYPE html><html lang='{plan.language}'{direction}><head><meta charset='utf-8'>"
            f"<title>{escape(plan.title)} | {escape(plan.outlet_name)}</title>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<link rel='canonical' href='{escape(plan.path)}'>"
            "<link rel='stylesheet' href='/static/site.css'>"
            f"{extra}{scripts}</head>")


def _date_text(plan: PagePlan) -> str:
    return plan.published.strftime("%d.%m.%Y %H:%M")


def render(plan: PagePlan, paragraphs: list[str], authors: list[str], related: list[PagePlan],
           bundle: str, rng: random.Random) -> str:
    """The page's HTML: layout, article and padding scripts up to about ``target_bytes``."""
    lang = plan.language
    pool = POOLS[lang]
    description = paragraphs[0][:160]
    section = pool.sections[plan.section]
    byline = ", ".join(authors)
    iso = plan.published.isoformat()
    year = plan.published.year
    layout = plan.layout
    if layout == "classic":
        meta = _og(plan, description) + _jsonld(plan, authors, description, graph=False)
        body = (f"<body class='article'>{_cookie(lang)}<header class='masthead'><a class='logo' "
                f"href='/'>{escape(plan.outlet_name)}</a>{_nav(lang, plan.outlet, False)}</header>"
                f"<main><ol class='breadcrumb'><li><a href='/'>{escape(plan.outlet_name)}</a></li>"
                f"<li><a href='/s/{plan.section}/'>{escape(section)}</a></li></ol>"
                f"<article><h1>{escape(plan.title)}</h1><p class='byline'>{escape(byline)} · "
                f"<time datetime='{iso}'>{_date_text(plan)}</time></p><div class='article-body'>"
                + "".join(f"<p>{escape(p)}</p>" for p in paragraphs) +
                f"</div></article>{_related(lang, related, 'related')}</main>"
                f"{_footer(lang, plan.outlet_name, year)}")
    elif layout == "portal":
        meta = _og(plan, description)
        chunks = []
        for i, p in enumerate(paragraphs):
            chunks.append(f"<p>{escape(p)}</p>")
            if i % 3 == 2:
                chunks.append(f"<div class='ad-slot' data-slot='mid-{i}'></div>")
            if i == 4 and related:
                r = related[0]
                chunks.append(f"<div class='read-also'><a href='{escape(r.path)}'>"
                              f"{escape(r.title)}</a></div>")
        state = json.dumps({"page": {"id": plan.index, "title": plan.title, "lead": description,
                                     "section": section}}, ensure_ascii=False).replace("</", "<\\/")
        ticker = "".join(f"<li><a href='{escape(r.path)}'>{escape(r.title)}</a></li>"
                         for r in related[:5])
        body = (f"<body><div class='top-bar'><ul class='ticker'>{ticker}</ul></div>"
                f"<header><a href='/' class='brand'>{escape(plan.outlet_name)}</a>"
                f"{_nav(lang, plan.outlet, True)}</header><div class='layout'><div id='content'>"
                f"<div class='article-header'><span class='rubric'>{escape(section)}</span>"
                f"<h1 class='headline'>{escape(plan.title)}</h1><div class='meta'>"
                f"<span class='date'>{_date_text(plan)}</span> "
                f"<span class='author'>{escape(byline)}</span></div></div>"
                f"<div class='text'>{''.join(chunks)}</div><div class='tags'>"
                + "".join(f"<a href='/tag/{i}/'>#{escape(s)}</a>"
                          for i, s in enumerate(pool.sections[:4])) +
                f"</div></div>{_related(lang, related, 'sidebar')}</div>"
                f"<script>window.__INITIAL_STATE__={state}</script>"
                f"{_footer(lang, plan.outlet_name, year)}")
    elif layout == "magazine":
        meta = _og(plan, description) + _jsonld(plan, authors, description, graph=True)
        parts = []
        for i, p in enumerate(paragraphs):
            if i and i % 4 == 0:
                subhead = pool.sections[(plan.section + i) % len(pool.sections)]
                parts.append(f"<h2>{escape(subhead)}</h2>")
            parts.append(f"<p>{escape(p)}</p>")
            if i == 2:
                parts.append(f"<blockquote class='pullquote'>{escape(paragraphs[0][:90])}"
                             "</blockquote>")
        body = (f"<body class='mag'>{_cookie(lang)}<header class='site'><a href='/'>"
                f"{escape(plan.outlet_name)}</a>{_nav(lang, plan.outlet, False)}"
                "<form class='search' action='/search'><input name='q'></form></header>"
                f"<article class='story'><header><p class='kicker'>{escape(section)}</p>"
                f"<h1>{escape(plan.title)}</h1><p class='standfirst'>{escape(description)}</p>"
                f"<div class='byline'><span rel='author'>{escape(byline)}</span>"
                f"<time datetime='{iso}'>{_date_text(plan)}</time></div></header>"
                f"<figure><img src='/img/{plan.index}.jpg' alt='' width='1200' height='675'>"
                f"<figcaption>{escape(plan.title)} (photo)</figcaption></figure>"
                f"<div class='story-body'>{''.join(parts)}</div>"
                "<div class='share'><a href='#'>Share</a> <a href='#'>Post</a> "
                "<a href='#'>Mail</a></div></article>"
                "<section class='newsletter'><h3>Newsletter</h3><form><input type='email'>"
                "</form></section>"
                f"{_related(lang, related, 'more-stories')}<section id='comments'></section>"
                f"{_footer(lang, plan.outlet_name, year)}")
    elif layout == "minimal":
        meta = f"<meta name='description' content='{escape(description)}'>"
        archive = "".join(f"<li><a href='{escape(r.path)}'>{escape(r.title)}</a></li>"
                          for r in related)
        body = (f"<body><table class='frame'><tr><td class='head' colspan='2'><a href='/'>"
                f"{escape(plan.outlet_name)}</a> — "
                + " | ".join(f"<a href='/s/{i}/'>{escape(s)}</a>"
                             for i, s in enumerate(pool.sections)) +
                f"</td></tr><tr><td class='main'><div class='post'><h2 class='title'>"
                f"{escape(plan.title)}</h2><div class='post-info'>{_date_text(plan)} — "
                f"{escape(byline)}</div><div class='entry'>"
                + "".join(f"<p>{escape(p)}</p>" for p in paragraphs) +
                f"</div></div></td><td class='side'><h3>Archive</h3><ul>{archive}</ul></td></tr>"
                f"</table>{_footer(lang, plan.outlet_name, year)}")
    else:  # wire
        meta = (f"<meta name='date' content='{iso}'><meta name='DC.date.issued' "
                f"content='{plan.published.date().isoformat()}'><meta name='author' "
                f"content='{escape(byline)}'><meta name='description' "
                f"content='{escape(description)}'>")
        city = rng.choice(pool.cities).upper()
        dateline = f"{city}, {plan.published.strftime('%Y-%m-%d')} ({plan.outlet_name})"
        first = f"{dateline} — {paragraphs[0]}"
        body = (f"<body>{_cookie(lang)}<div class='header'><a href='/'>{escape(plan.outlet_name)}"
                f"</a>{_nav(lang, plan.outlet, False)}</div><div class='container'>"
                f"<div class='story'><h1>{escape(plan.title)}</h1><div class='dateline'>"
                f"{escape(byline)} | {_date_text(plan)}</div><p>{escape(first)}</p>"
                + "".join(f"<p>{escape(p)}</p>" for p in paragraphs[1:]) +
                f"<p class='trailer'>({escape(byline)}; {escape(plan.outlet_name)})</p></div>"
                f"{_related(lang, related, 'related-coverage')}</div>"
                f"{_footer(lang, plan.outlet_name, year)}")
    body = body.replace("<footer class='site-footer'>",
                        _teasers(lang, related, rng) + "<footer class='site-footer'>", 1)
    head = _head(plan, meta, "")
    page = head + body
    # Padding: two or three script blocks cut from the outlet's bundle, as sites ship them.
    room = max(0, plan.target_bytes - len(page.encode("utf-8")) - 200)
    start = rng.randint(0, max(0, len(bundle) - room - 1)) if room < len(bundle) else 0
    pad = bundle[start:start + room]
    cut = len(pad) // 3
    head_js = f"<script>{pad[:cut]}</script>"
    tail_js = f"<script async>{pad[cut:2 * cut]}</script><script>{pad[2 * cut:]}</script>"
    page = _head(plan, meta, head_js) + body + tail_js + "</body></html>"
    return page
