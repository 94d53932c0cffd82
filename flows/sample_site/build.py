"""Generate ``www/`` and ``site.toml`` from ``content/*.toml``.

Run ``python -m flows.sample_site.build`` from the repository root.

The content files hold what an editor writes (headline, byline, body, when and how the
date is exposed, the charset of the page); this script wraps each article in its
outlet's page template, encodes it in the article's charset, writes the outlet's feed or
sitemaps, and records the ground truth in ``site.toml``. The output is committed, so the
server never runs this script; rerun it after editing content or templates.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from flows.sample_site import templates

HERE = Path(__file__).resolve().parent
CONTENT = HERE / "content"
BASE = "{{BASE}}"
DATE_IN = ("meta", "jsonld", "url", "feed", "none")
OUTLET_ORDER = ("meridian-post", "baikal-vestnik", "orient-observer", "kabar-nusantara")

# First sentence: up to the first full stop that is followed by a space or the end; CJK
# full stops need no space. Closing quotes after the stop belong to the sentence.
_SENTENCE = re.compile(r"^(.+?(?:[.!?](?=[\"»”’]*(?:\s|$))|[。！？]))[\"»”’」]*")


@dataclass
class Article:
    """One article as written in content/*.toml, plus derived values."""

    id: str
    outlet: str
    path: str
    language: str
    section: str
    title: str
    dek: str
    byline: str
    authors: list[str]
    date_in: str
    charset: str
    charset_in: str
    relevant: bool
    topics: list[str]
    paragraphs: list[str]
    published: str | None = None  # as the site states it: ISO with offset, or a bare day
    jsonld_graph: bool = False
    modified: str | None = None
    feed_date: str | None = None  # the same instant as the feed writes it, if it differs
    feed_updated: str | None = None  # Atom <updated> when later than <published>
    syndicated_from: str | None = None  # id of the original
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def published_utc(self) -> str | None:
        if self.published is None or self.date_in == "none":
            return None
        if self.date_in == "url":
            return self.published  # only the day is known
        return (datetime.fromisoformat(self.published).astimezone(UTC)
                .strftime("%Y-%m-%dT%H:%M:%SZ"))

    @property
    def first_sentence(self) -> str:
        first = self.paragraphs[0]
        match = _SENTENCE.match(first)
        return match.group(0) if match else first

    @property
    def url(self) -> str:
        return BASE + self.path

    @property
    def page_has_date(self) -> bool:
        return self.date_in in ("meta", "jsonld")

    @property
    def feed_has_date(self) -> bool:
        return self.date_in in ("meta", "jsonld", "feed")


def load() -> tuple[list[dict[str, Any]], list[Article]]:
    """Read the content files: outlets (in a fixed order) and all their articles."""
    outlets: list[dict[str, Any]] = []
    articles: list[Article] = []
    by_id: dict[str, Article] = {}
    for slug in OUTLET_ORDER:
        data = tomllib.loads((CONTENT / f"{slug}.toml").read_text(encoding="utf-8"))
        outlet = data["outlet"]
        assert outlet["slug"] == slug
        outlets.append(outlet)
        for raw in data["articles"]:
            body_from = raw.pop("body_from", None)
            body = by_id[body_from].paragraphs if body_from else _paragraphs(raw.pop("body"))
            known = {k: raw.pop(k) for k in list(raw) if k in Article.__dataclass_fields__}
            article = Article(outlet=slug, paragraphs=body, syndicated_from=body_from,
                              extra=raw, **known)
            _check(article)
            by_id[article.id] = article
            articles.append(article)
    return outlets, articles


def _paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in body.strip().split("\n\n") if p.strip()]


def _check(a: Article) -> None:
    """Catch content mistakes early: they would make the ground truth wrong."""
    assert a.path.startswith(f"/{a.outlet}/"), a.id
    assert a.date_in in DATE_IN, a.id
    assert a.charset in ("utf-8", "windows-1251", "gbk"), a.id
    assert a.charset_in in ("header", "meta"), a.id
    has_url_date = re.search(r"/20\d\d[/-]\d\d/?\d\d/", a.path) is not None
    if a.date_in == "url":
        assert has_url_date and a.published and len(a.published) == 10, a.id
    elif a.date_in in ("feed", "none"):
        assert not has_url_date, a.id
    if a.date_in == "none":
        assert a.published is None, a.id
    elif a.date_in != "url":
        assert a.published and datetime.fromisoformat(a.published).utcoffset() is not None, a.id


def x(text: str) -> str:
    """Escape text for an XML element or a double-quoted attribute."""
    return escape(text, quote=False).replace('"', "&quot;")


def rfc822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso))


def feed_date(a: Article) -> str:
    assert a.published is not None
    return a.feed_date or a.published


# --- discovery documents ------------------------------------------------------------------

def rss(outlet: dict[str, Any], items: list[Article]) -> str:
    """RSS 2.0; items whose date is only in the URL, or nowhere, have no <pubDate>."""
    dated = [feed_date(a) for a in items if a.feed_has_date]
    last = max(dated, key=lambda d: datetime.fromisoformat(d))
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"  <title>{x(outlet['feed_title'])}</title>",
        f"  <link>{BASE}/{outlet['slug']}/</link>",
        f"  <description>{x(outlet['description'])}</description>",
        f"  <language>{outlet['feed_language']}</language>",
        f"  <lastBuildDate>{rfc822(last)}</lastBuildDate>",
        f'  <atom:link href="{BASE}{outlet["discovery"]}" rel="self"'
        ' type="application/rss+xml"/>',
    ]
    for a in items:
        guid = a.extra.get("guid")
        out += [
            "  <item>",
            f"    <title>{x(a.title)}</title>",
            f"    <link>{a.url}</link>",
            f'    <guid isPermaLink="false">{BASE}{guid}</guid>' if guid
            else f'    <guid isPermaLink="true">{a.url}</guid>',
        ]
        if a.feed_has_date:
            out.append(f"    <pubDate>{rfc822(feed_date(a))}</pubDate>")
        if a.authors:
            out.append(f"    <dc:creator><![CDATA[{', '.join(a.authors)}]]></dc:creator>")
        if a.language != outlet["language"]:
            out.append(f"    <dc:language>{a.language}</dc:language>")
        out += [
            f"    <category>{x(a.section)}</category>",
            f"    <description><![CDATA[{a.dek}]]></description>",
            "  </item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def atom(outlet: dict[str, Any], items: list[Article]) -> str:
    """Atom 1.0; every entry has <published>, some an <updated> that is later."""
    def updated(a: Article) -> str:
        return a.feed_updated or a.modified or feed_date(a)

    last = max((updated(a) for a in items), key=lambda d: datetime.fromisoformat(d))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet["language"]}">',
        f"  <title>{x(outlet['feed_title'])}</title>",
        f"  <subtitle>{x(outlet['description'])}</subtitle>",
        f"  <id>tag:{outlet['slug']}.example,2009:feed</id>",
        f"  <updated>{last}</updated>",
        f'  <link rel="self" type="application/atom+xml" href="{BASE}{outlet["discovery"]}"/>',
        f'  <link rel="alternate" type="text/html" href="{BASE}/{outlet["slug"]}/"/>',
    ]
    for a in items:
        out += [
            "  <entry>",
            f"    <title>{x(a.title)}</title>",
            f'    <link rel="alternate" type="text/html" href="{a.url}"/>',
            f"    <id>tag:{outlet['slug']}.example,2009:{a.id}</id>",
            f"    <published>{feed_date(a)}</published>",
            f"    <updated>{updated(a)}</updated>",
        ]
        out += [f"    <author><name>{x(n)}</name></author>" for n in a.authors]
        out += [
            f'    <category term="{x(a.section)}"/>',
            f"    <summary>{x(a.dek)}</summary>",
            "  </entry>",
        ]
    out += ["</feed>", ""]
    return "\n".join(out)


def news_sitemap(outlet: dict[str, Any], items: list[Article]) -> str:
    """Google News sitemap: every entry has news:publication_date with an offset."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    for a in items:
        lang = {"zh": "zh-cn"}.get(a.language, a.language)
        out += [
            "  <url>",
            f"    <loc>{a.url}</loc>",
            "    <news:news>",
            "      <news:publication>",
            f"        <news:name>{x(outlet['name'])}</news:name>",
            f"        <news:language>{lang}</news:language>",
            "      </news:publication>",
            f"      <news:publication_date>{feed_date(a)}</news:publication_date>",
            f"      <news:title>{x(a.title)}</news:title>",
            "    </news:news>",
            "  </url>",
        ]
    out += ["</urlset>", ""]
    return "\n".join(out)


def plain_sitemap(items: list[Article]) -> str:
    """An archive sitemap without <lastmod>: the only date is the one in the URL."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for a in items:
        out += ["  <url>", f"    <loc>{a.url}</loc>", "    <changefreq>never</changefreq>",
                "  </url>"]
    out += ["</urlset>", ""]
    return "\n".join(out)


def sitemap_index(children: list[tuple[str, str | None]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in children:
        out += ["  <sitemap>", f"    <loc>{BASE}{loc}</loc>"]
        if lastmod:
            out.append(f"    <lastmod>{lastmod}</lastmod>")
        out.append("  </sitemap>")
    out += ["</sitemapindex>", ""]
    return "\n".join(out)


def discovery(outlet: dict[str, Any], items: list[Article]) -> dict[str, tuple[str, list[Article]]]:
    """The outlet's discovery documents: URL path → (text, articles it lists)."""
    kind, doc = outlet["kind"], outlet["discovery"]
    # Newest first, as feeds are; entries without a date go last.
    items = sorted(items, key=lambda a: datetime.fromisoformat(feed_date(a)).timestamp()
                   if a.feed_has_date else float("-inf"), reverse=True)
    if kind == "rss":
        return {doc: (rss(outlet, items), items)}
    if kind == "atom":
        return {doc: (atom(outlet, items), items)}
    assert kind == "sitemap"
    news = [a for a in items if a.feed_has_date]
    archive = [a for a in items if not a.feed_has_date]
    news_url, archive_url = outlet["news_sitemap"], outlet["archive_sitemap"]
    newest = max((feed_date(a) for a in news), key=lambda d: datetime.fromisoformat(d))
    return {
        doc: (sitemap_index([(news_url, newest), (archive_url, None)]), []),
        news_url: (news_sitemap(outlet, news), news),
        archive_url: (plain_sitemap(archive), archive),
    }


# --- manifest -------------------------------------------------------------------------------

def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def manifest_text(outlets: list[dict[str, Any]], articles: list[Article],
                  documents: dict[str, list[str]], listed_in: dict[str, str]) -> str:
    lines = [
        "# The sample site's manifest: outlets and the ground truth of every article.",
        "# Generated by `python -m flows.sample_site.build` from content/*.toml; do not edit.",
        "# A key that is absent means null (TOML has none): published_utc, syndicated_from.",
        "",
    ]
    for o in outlets:
        lines += ["[[outlets]]"]
        for key in ("slug", "name", "kind", "discovery", "language", "languages"):
            lines.append(f"{key} = {_toml_value(o[key])}")
        lines += [f"documents = {_toml_value(documents[o['slug']])}", ""]
    for a in articles:
        row: dict[str, Any] = {
            "id": a.id, "path": a.path, "outlet": a.outlet, "language": a.language,
            "title": a.title, "published_utc": a.published_utc,
            "published_as_stated": a.published if a.date_in != "none" else None,
            "date_in": a.date_in, "charset": a.charset, "charset_declared_in": a.charset_in,
            "relevant": a.relevant, "syndicated_from": a.syndicated_from,
            "first_sentence": a.first_sentence, "authors": a.authors, "topics": a.topics,
            "listed_in": listed_in[a.path],
        }
        lines.append("[[articles]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in row.items() if v is not None]
        lines.append("")
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------

def write(www: Path, path: str, data: bytes, index: str = "index.html") -> None:
    """Write a URL path under www/; a path ending in '/' is a directory with an index file."""
    rel = path.lstrip("/") + (index if path.endswith("/") else "")
    target = www / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def main(root: Path = HERE) -> None:
    """Write ``root/www`` and ``root/site.toml`` (root is this package unless testing)."""
    www = root / "www"
    outlets, articles = load()
    by_id = {a.id: a for a in articles}
    for a in articles:  # the manifest names the original by path
        if a.syndicated_from:
            a.syndicated_from = by_id[a.syndicated_from].path
    shutil.rmtree(www, ignore_errors=True)
    listed_in: dict[str, str] = {}  # article path → discovery document
    documents: dict[str, list[str]] = {}  # outlet slug → its discovery documents
    for outlet in outlets:
        items = [a for a in articles if a.outlet == outlet["slug"]]
        for a in items:
            html = templates.render(outlet, a, [b for b in items if b is not a])
            write(www, a.path, html.encode(a.charset))  # strict: every character must fit
        for doc, (text, listed) in discovery(outlet, items).items():
            # A .xml.gz document is stored as its plain template; the server gzips it.
            write(www, doc.removesuffix(".gz"), text.encode("utf-8"), index="index.xml")
            documents.setdefault(outlet["slug"], []).append(doc)
            for a in listed:
                assert a.path not in listed_in, f"{a.path} listed twice"
                listed_in[a.path] = doc
        write(www, f"/{outlet['slug']}/", templates.outlet_index(outlet, items).encode("utf-8"))
    missing = [a.path for a in articles if a.path not in listed_in]
    assert not missing, f"not in any discovery document: {missing}"
    write(www, "/", templates.root_index(outlets).encode("utf-8"))
    sitemaps = "".join(f"Sitemap: {BASE}{o['discovery']}\n" for o in outlets
                       if o["kind"] == "sitemap")
    write(www, "/robots.txt", f"User-agent: *\nAllow: /\n\n{sitemaps}".encode())
    text = manifest_text(outlets, articles, documents, listed_in)
    (root / "site.toml").write_text(text, encoding="utf-8")
    print(f"{len(articles)} articles, {len(outlets)} outlets written to {www}")


if __name__ == "__main__":
    main()
