"""Publication and modification times: structured data first, heuristics last.

A date is kept as the page stated it: ISO 8601 with the page's UTC offset when it gives
a time and an offset, otherwise the plain day (``YYYY-MM-DD``). Dates in the future or
before the web news era are rejected, and the URL's date is only a fallback.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from lxml import html as lxml_html
from lxml.html import HtmlElement

from transform.structured import PageData, text_of
from transform.textdates import find_dates
from transform.titles import elements_after, headline_element

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
    r"(?:[T ]+(?P<H>[0-2]\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]?\d)(?:[.,]\d+)?)?"
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
        stamp = datetime.fromisoformat(
            f"{day.isoformat()}T{int(hh):02d}:{mm}:{int(ss or 0):02d}{offset}")
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


# A time of day written in the markup: ISO-like, with or without a stated offset.
_STAMP = re.compile(
    r"(?<![\d-])(?P<y>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)[T ](?P<H>[0-2]\d):(?P<M>[0-5]\d)"
    r"(?::(?P<S>[0-5]\d))?(?:[.,]\d+)?(?![:.,\d])\s*(?P<tz>Z(?![a-z])|[+-][01]\d:?[0-5]\d)?"
)
# A local stamp without seconds only counts next to a word that names it a publication time.
_PUBLICATION_WORD = re.compile(r"publi|pub_?date|posted|issued|created", re.I)
_MAX_EAST, _MAX_WEST = 14 * 60, 12 * 60


def local_offset(markup: str, utc: datetime) -> timedelta | None:
    """The page's own offset for a UTC publication time, when the page states it.

    Pages that give the time in UTC often also write the same instant as local time:
    with an offset (``2020-08-24T20:23:33-04:00``) or as local wall-clock time in their
    scripts (``publication_date = "2020-08-24 20:23:33"``). The instant must agree to the
    second (to the minute next to a publication word) and the offset must be a real one;
    when the page implies several offsets, none is used. No offset is ever guessed.
    """
    naive = utc.astimezone(UTC).replace(tzinfo=None)
    offsets: set[int] = set()
    for m in _stamps_at_minute(markup, naive.minute):
        if m["S"] is not None and int(m["S"]) != naive.second:
            continue
        try:
            local = datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"]))
        except ValueError:
            continue
        if m["tz"]:
            stated = parse_date(m.group())
            if not stated or len(stated) == 10 or stated.endswith("+00:00"):
                continue
            if datetime.fromisoformat(stated) != utc:
                continue
        elif m["S"] is None and not _PUBLICATION_WORD.search(
                markup[max(0, m.start() - 40):m.start()]):
            continue
        minutes = round((local - naive.replace(second=0)).total_seconds() / 60)
        if minutes and minutes % 15 == 0 and -_MAX_WEST <= minutes <= _MAX_EAST:
            offsets.add(minutes)
    if len(offsets) != 1:
        return None
    return timedelta(minutes=offsets.pop())


def _stamps_at_minute(markup: str, minute: int) -> Iterator[re.Match[str]]:
    """``_STAMP`` matches whose minute is ``minute``, found from the literal ":MM"."""
    needle = f":{minute:02d}"
    start = markup.find(needle)
    while start >= 0:
        # "YYYY-MM-DDTHH" is 13 characters before the colon.
        m = _STAMP.match(markup, max(0, start - 13))
        if m is not None and m.start("M") == start + 1:
            yield m
        start = markup.find(needle, start + 1)


def _in_stated_zone(value: str, tree: HtmlElement, markup: str | None) -> str:
    """A UTC time moved to the page's own offset when the page states that offset."""
    if not value.endswith("+00:00"):
        return value
    stamp = datetime.fromisoformat(value)
    if markup is None:
        markup = lxml_html.tostring(tree, encoding="unicode")
    offset = local_offset(markup, stamp)
    if offset is None:
        return value
    return stamp.astimezone(timezone(offset)).isoformat()


def url_date(url: str) -> str | None:
    match = _URL_DATE.search(url)
    if not match:
        return None
    return _build(match["y"], match["m"], match["d"])


def published(tree: HtmlElement, page: PageData, url: str, now: datetime | None = None,
              headline: str | None = None, language: str | None = None,
              markup: str | None = None) -> tuple[str | None, str | None]:
    """The publication time and where it was found (jsonld, meta, itemprop, time, …).

    ``headline`` and ``language`` let the date line under the headline be read when the
    page's metadata states no date; ``markup`` (the page's HTML, else serialised from
    ``tree``) is searched for the page's own offset of a UTC time.
    """
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
            return _in_stated_zone(found, tree, markup), source
    found = _dateline(tree, headline, language, now)
    if found:
        return found, "dateline"
    found = _htmldate(tree, now)
    if found:
        return found, "htmldate"
    found = url_date(url)
    if found and is_plausible(found, now):
        return found, "url"
    return None, None


# How much text after the headline is read as its date line.
_DATELINE_CHARS = 300
_DATELINE_PIECE = 60
# "Published: …, 10:30 GMT", "Updated on … at 10:32 am EST": a few words besides the date.
_DATELINE_OTHER_WORDS = 6
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_NOT_VISIBLE = {"script", "style", "noscript", "template"}
# Captions under a lead photo carry the photo's date, not the article's.
_CAPTION_TAGS = {"figure", "figcaption"}
_CAPTION_CLASS = re.compile(r"caption|credit", re.I)


def _text_after(anchor: HtmlElement, limit: int) -> list[str]:
    """Visible text pieces that follow ``anchor`` in document order (not its own text)."""
    parts: list[str] = [anchor.tail or ""]
    size = len(parts[0])
    skipped: set[HtmlElement] = set()
    for element in elements_after(anchor):
        if element in skipped:
            continue  # inside a caption
        pieces: tuple[str | None, ...]
        if isinstance(element.tag, str) and (
                element.tag in _CAPTION_TAGS
                or _CAPTION_CLASS.search(element.get("class") or "")):
            skipped.update(element.iter())
            pieces = (element.tail,)
        elif not isinstance(element.tag, str) or element.tag in _NOT_VISIBLE:
            pieces = (element.tail,)
        else:
            pieces = (element.text, element.tail)
        for piece in pieces:
            if piece and piece.strip():
                parts.append(piece)
                size += len(piece)
        if size >= limit:
            break
    return [" ".join(part.split()) for part in parts if part.strip()]


def _dateline(tree: HtmlElement, headline: str | None, language: str | None,
              now: datetime | None) -> str | None:
    """The first full date written right under the headline (the article's date line).

    Read before htmldate's page-wide search, which can pick the site header's "today".
    """
    anchor = headline_element(tree, headline)
    if anchor is None:
        return None
    for piece in _text_after(anchor, _DATELINE_CHARS):
        # A date line stands on its own; a date inside a sentence or a caption is about
        # something else.
        if len(piece) > _DATELINE_PIECE:
            continue
        found = find_dates(piece, language, None)
        surfaces = Counter(f["surface"] for f in found)
        for item in found:
            # A range ("11-12 July") is when something happened, not a publication day.
            if item["granularity"] != "day" or surfaces[item["surface"]] > 1:
                continue
            if _words_besides(piece, item["surface"]) <= _DATELINE_OTHER_WORDS \
                    and is_plausible(item["value"], now):
                return item["value"]
    return None


def _words_besides(piece: str, surface: str) -> int:
    """Words around a date in its text piece (each CJK character counts as a word)."""
    rest = piece.replace(surface, " ", 1)
    words = [w for w in re.findall(r"\w+", rest) if not w.isdigit()]
    return sum(len(_CJK.findall(w)) or 1 for w in words)


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
