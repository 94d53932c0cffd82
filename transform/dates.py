"""Publication and modification times: structured data first, heuristics last.

A date is kept as the page stated it: ISO 8601 with the page's UTC offset when it gives
a time and an offset, otherwise the plain day (``YYYY-MM-DD``). Dates in the future or
before the web news era are rejected, and the URL's date is only a fallback.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from lxml import html as lxml_html
from lxml.html import HtmlElement

from transform.structured import PageData, text_of

EARLIEST = date(1995, 1, 1)

_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "published_time", "datepublished", "article.published", "publishdate", "publish-date",
    "publish_date", "pubdate", "pub_date", "publication_date", "sailthru.date",
    "parsely-pub-date", "dc.date.issued", "dcterms.issued", "dc.date.created",
    "dcterms.created", "dc.date", "dcterms.date", "citation_publication_date",
    "article_date_original", "cxenseparse:recs:publishtime", "date", "created", "og:updated_time",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified",
                  "dcterms.modified", "last-modified", "article:updated_time")
_ISO = re.compile(
    r"(?P<y>(?:19|20)\d{2})-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)"
    r"(?:[T ]+(?P<H>[0-2]\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d)(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-][0-2]\d(?::?[0-5]\d)?)?)?"
)
_DMY = re.compile(r"\b(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>(?:19|20)\d{2})\b"
                  r"(?:[ ,T]+(?P<H>[0-2]?\d):(?P<M>[0-5]\d))?")
_YMD_SLASH = re.compile(r"\b(?P<y>(?:19|20)\d{2})[/.](?P<m>[01]?\d)[/.](?P<d>[0-3]?\d)\b")
_URL_DATE = re.compile(
    r"(?<![0-9])(?P<y>(?:199|20[0-4])\d)[/_-]?(?P<m>0[1-9]|1[0-2])[/_-]?(?P<d>0[1-9]|[12]\d|3[01])"
    r"(?![0-9])"
)


def _build(y: str, m: str, d: str, hh: str | None = None, mm: str | None = None,
           ss: str | None = None, tz: str | None = None) -> str | None:
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        return None
    if hh is None or tz is None:
        return day.isoformat()
    if tz in {"Z", "UTC", "GMT"}:
        offset = "+00:00"
    else:
        digits = tz[1:].replace(":", "")
        digits = digits + "00" if len(digits) == 2 else digits
        offset = f"{tz[0]}{digits[:2]}:{digits[2:4]}"
    try:
        stamp = datetime.fromisoformat(f"{day.isoformat()}T{int(hh):02d}:{mm}:{ss or '00'}{offset}")
    except ValueError:
        return day.isoformat()
    return stamp.isoformat()


def parse_date(value: str) -> str | None:
    """Normalise one stated date/time string; None when it is not a date."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and len(value) in (10, 13):  # Unix time, seconds or milliseconds
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    match = _ISO.search(value)
    if match:
        return _build(match["y"], match["m"], match["d"], match["H"], match["M"], match["S"],
                      match["tz"])
    if "," in value or re.search(r"[A-Za-z]{3} \d", value):
        try:
            stamp = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            stamp = None
        if stamp is not None:
            return stamp.isoformat() if stamp.tzinfo else stamp.date().isoformat()
    for pattern in (_DMY, _YMD_SLASH):
        match = pattern.search(value)
        if match:
            return _build(match["y"], match["m"], match["d"])
    return None


def is_plausible(value: str, now: datetime | None = None) -> bool:
    """Reject dates in the future (beyond clock skew) and before the web news era."""
    now = now or datetime.now(UTC)
    if len(value) == 10:
        day = date.fromisoformat(value)
        # A day stated in a time zone ahead of UTC can be one day past UTC's today.
        return EARLIEST <= day <= (now + timedelta(days=1)).date()
    stamp = datetime.fromisoformat(value)
    return stamp.date() >= EARLIEST and stamp <= now + timedelta(minutes=10)


def _first_valid(values: list[str], now: datetime | None) -> str | None:
    for raw in values:
        parsed = parse_date(raw) if isinstance(raw, str) else None
        if parsed and is_plausible(parsed, now):
            return parsed
    return None


def _itemprop_values(tree: HtmlElement, prop: str) -> list[str]:
    out = []
    for node in tree.xpath(f'//*[@itemprop="{prop}"]'):
        if node.tag == "meta":
            continue  # already read with the meta tags
        out.append(node.get("datetime") or node.get("content") or node.text_content())
    return out


def _time_values(tree: HtmlElement) -> list[str]:
    """<time> elements, the ones flagged as the publication time first."""
    flagged, others = [], []
    for node in tree.iterfind(".//time"):
        value = node.get("datetime")
        if not value:
            continue
        parent = node.getparent()
        marker = " ".join(filter(None, (node.get("class"), node.get("id"), node.get("itemprop"),
                                        parent.get("class") if parent is not None else None)))
        marker = marker.lower()
        updated = "updat" in marker or "modif" in marker
        if node.get("pubdate") is not None or (("pub" in marker or "date" in marker)
                                               and not updated):
            flagged.append(value)
        elif not updated:
            others.append(value)
    return flagged + others[:1]


def url_date(url: str) -> str | None:
    match = _URL_DATE.search(url)
    if not match:
        return None
    return _build(match["y"], match["m"], match["d"])


def published(tree: HtmlElement, page: PageData, url: str,
              now: datetime | None = None) -> tuple[str | None, str | None]:
    """The publication time and where it was found (jsonld, meta, itemprop, time, …)."""
    jsonld = [text_of(v) or "" for v in page.article_values("datePublished")]
    jsonld += [text_of(v) or "" for v in page.article_values("dateCreated")]
    # Sources in order of trust; the tree is only searched when the metadata is silent.
    candidates: list[tuple[str, Callable[[], list[str]]]] = [
        ("jsonld", lambda: jsonld),
        ("meta", lambda: [v for key in _PUBLISHED_META for v in page.meta.get(key, ())]),
        ("itemprop", lambda: _itemprop_values(tree, "datePublished")),
        ("time", lambda: _time_values(tree)),
    ]
    for source, values in candidates:
        found = _first_valid(values(), now)
        if found:
            return found, source
    found = _htmldate(tree, now)
    if found:
        return found, "htmldate"
    found = url_date(url)
    if found and is_plausible(found, now):
        return found, "url"
    return None, None


def modified(tree: HtmlElement, page: PageData, now: datetime | None = None) -> str | None:
    values = [text_of(v) or "" for v in page.article_values("dateModified")]
    values += [v for key in _MODIFIED_META for v in page.meta.get(key, ())]
    values += _itemprop_values(tree, "dateModified")
    return _first_valid(values, now)


def _htmldate(tree: HtmlElement, now: datetime | None) -> str | None:
    from htmldate import find_date

    today = (now or datetime.now(UTC)).date()
    # Links name other pages: a date in their URLs (related articles, archives) is another
    # article's date, and a wrong date is worse than none.
    tree = copy.deepcopy(tree)
    for anchor in tree.iter("a"):
        anchor.attrib.pop("href", None)
    try:
        # No URL here: the URL's date is our own last fallback, labelled as such.
        found = find_date(tree, original_date=True, extensive_search=True,
                          min_date=EARLIEST.isoformat(), max_date=today.isoformat())
    except (ValueError, TypeError):
        return None
    if found and found.endswith("-01-01") and not _states_new_year(tree, found[:4]):
        # htmldate's last resorts (a copyright year, any year in the text) come back as
        # 1 January: a year is not a publication day.
        return None
    return found if found and is_plausible(found, now) else None


def _states_new_year(tree: HtmlElement, year: str) -> bool:
    """Does the page write 1 January of that year as a full numeric date anywhere?"""
    markup = lxml_html.tostring(tree, encoding="unicode")
    pattern = rf"{year}[-/.]0?1[-/.]0?1(?!\d)|(?<!\d)0?1[-/.]0?1[-/.]{year}"
    return re.search(pattern, markup) is not None
