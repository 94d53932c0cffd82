"""Dates mentioned inside article texts: absolute, partial and relative expressions.

``find_dates(text, language, published_at)`` returns ``[{surface, value, granularity}]``;
``dates_column(frame)`` does it for a batch (used by ``annotate``). Rule-based: one set of
compiled regexes per language built from ``data/date_words.toml`` (month and weekday names,
relative words, modifiers, tense markers); rules and resolution in docs/text-dates.md.
Pure: no network, no disk beyond the data file (read once per process).
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import polars as pl

DATA_FILE = Path(__file__).parent / "data" / "date_words.toml"

DATE = pl.Struct({"surface": pl.String, "value": pl.String, "granularity": pl.String})

# Digits and spaces folded one character to one, so match offsets stay valid in the original.
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended Arabic-Indic
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u3000": " ",
    }
)
_FOLDABLE = re.compile("[\uff10-\uff19\u0660-\u0669\u06f0-\u06f9\u00a0\u202f\u2009\u3000]")
_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_ERA_BASE = {"令和": 2018, "平成": 1988, "昭和": 1925}
_GROUP_DEFAULTS = {
    "B": r"(?<!\w)",
    "E": r"(?!\w)",
    "D": r"(?P<day>[0-3]?\d)",
    "D2": r"(?P<day2>[0-3]?\d)",
    "MN": r"(?P<mon>[01]?\d)",
    "Y": r"(?P<year>(?:1[89]|20)\d\d)",
}
# Every rule match lies within these many characters of a trigger (digit, month or weekday
# name, relative word): context words before it, year or modifiers after it.
_BEFORE, _AFTER = 32, 48
# How much more a step in the disfavoured direction costs when a bare month, day-month or
# day of month is placed in time: news mostly report the past, unless the clause says future.
_COST = {None: (1, 2), "past": (1, 3), "future": (2, 1)}  # (cost of past, cost of future)


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    order: int
    needs_digit: bool  # else it needs a name or a word: windows without one are skipped


@dataclass(frozen=True, slots=True)
class _Lang:
    rules: tuple[_Rule, ...]
    rel: tuple[tuple[str, int], ...]  # per relative group r<i>: (unit, offset)
    mods: dict[str, str]
    ymods: dict[str, int]
    mrels: dict[str, int]
    future: re.Pattern[str] | None
    past: re.Pattern[str] | None
    clause: re.Pattern[str]
    slash_mdy: bool
    quantity: re.Pattern[str]
    year_ctx: re.Pattern[str] | None
    trigger: re.Pattern[str]


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    kind: str
    order: int
    surface: str
    day: int | None = None
    day2: int | None = None  # last day of a range ("27-28 June")
    month: int | None = None
    year: int | None = None
    weekday: int | None = None
    week: int | None = None
    mode: str | None = None
    ymod: int | None = None
    moff: int | None = None  # month relative to publication (先月10日)
    unit: str = ""
    offset: int = 0


def _alternatives(fragment: str) -> list[str]:
    """Split a regex fragment at its top-level ``|``."""
    out, depth, cur, i = [], 0, [], 0
    while i < len(fragment):
        ch = fragment[i]
        if ch == "\\":
            cur.append(fragment[i : i + 2])
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


_LEAD = re.compile(r"\(\?<[!=](?:[^()\\]|\\.|\([^()]*\))*\)")  # a leading lookbehind
_GROUP = re.compile(r"([mwr])(\d+)(?:_\w+)?")


def _literal_first(alt: str, name: str, boundary: str | None, fold: bool) -> str:
    """``alt`` as an alternative that starts with a literal character, so that a branch of
    them lets Python's re skip ahead to the possible first characters (a leading lookbehind
    or IGNORECASE would make it try every position). The boundary and any lookbehinds the
    alternative starts with are checked after its first character; the named group that
    tells which word matched follows it."""
    lead = ""
    while (m := _LEAD.match(alt)) is not None:
        lead, alt = lead + m.group(0), alt[m.end() :]
    if alt.startswith("(?-i:") and alt.endswith(")") and "(" not in alt[5:]:
        alt, fold = alt[5:-1], False  # a word that counts in this case only (de "morgen")
    first = alt[:1]
    if not first or not first.isalpha():
        return f"(?:{boundary or ''}{lead}(?P<{name}>{alt}))"  # not a literal: slow but right
    rest = f"(?i:{alt[1:]})" if fold else alt[1:]
    check = (boundary or "") + lead
    # both cases of the first letter as separate alternatives: a character class would not
    # give re its first-character table
    variants = {first.lower(), first.upper()} if fold else {first}
    return "|".join(
        f"{re.escape(c)}{f'(?<=(?:{check}){re.escape(c)})' if check else ''}"
        f"(?P<{name}{'u' if c != first else ''}>{rest})"
        for c in sorted(variants)
    )


def _names(forms: list[list[str]], prefix: str, capitalize: bool, boundary: str | None,
           fold: bool = False) -> str:
    """Named groups ``m1_0, m1_1 … m12_k`` / ``w…`` / ``r…``, case-sensitive unless ``fold``
    (English "may" is not May); with ``boundary`` it is checked after the first character."""
    parts = []
    for i, group in enumerate(forms, start=1):
        alts = [a for f in group if f for a in _alternatives(f)]
        if capitalize:
            alts += [a[0].upper() + a[1:] for a in alts if a[:1].islower()]
        parts += [_literal_first(a, f"{prefix}{i}_{k}", boundary, fold)
                  for k, a in enumerate(alts)]
    return "(?-i:" + "|".join(parts) + ")"


def _stem(fragment: str) -> str:
    """The longest literal run of a name's regex outside groups and classes ("январ")."""
    runs, cur, depth, i = [], "", 0, 0
    while i < len(fragment):
        ch = fragment[i]
        if ch == "\\":
            runs.append(cur)
            cur, i = "", i + 2
            continue
        if ch == "[":
            runs.append(cur)
            cur, i = "", fragment.index("]", i) + 1
            continue
        if ch in "()":
            depth += 1 if ch == "(" else -1
            runs.append(cur)
            cur = ""
        elif depth == 0 and ch.isalpha():
            if fragment[i + 1 : i + 2] in ("?", "*", "{"):
                runs.append(cur)
                cur = ""
            else:
                cur += ch
        else:
            runs.append(cur)
            cur = ""
        i += 1
    runs.append(cur)
    return max(runs, key=len)


def _expand(template: str, defs: dict[str, str]) -> str:
    # A rule starting at a day number or a name starts with a digit or a letter (the boundary
    # check follows it), so that re's search skips ahead (about 3x faster than a lookbehind).
    template = template.replace("{B}{D}", r"(?P<day>\d(?<!\w\d)\d?)")
    for key in ("MA", "M", "W"):
        template = template.replace("{B}{" + key + "}", "{B" + key + "}")
    for _ in range(4):  # definitions may use other placeholders
        before = template
        for key, value in defs.items():
            template = template.replace("{" + key + "}", value)
        if template == before:
            break
    return template


def _words(words: list[str], defs: dict[str, str], cjk: bool) -> re.Pattern[str] | None:
    if not words:
        return None
    body = "|".join(sorted(words, key=len, reverse=True))
    pattern = f"(?:{body})" if cjk else "{B}(?:" + body + "){E}"
    return re.compile(_expand(pattern, defs), re.IGNORECASE)


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace("’", "'").lower().split())


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))


@cache
def _lang(code: str) -> _Lang:
    data = _data()
    universal = data["universal"]
    spec = data.get(code, {})
    cjk = bool(spec.get("cjk"))
    capitalize = bool(spec.get("capitalize"))
    defs = dict(_GROUP_DEFAULTS)
    if "boundary" in spec:
        defs["B"] = spec["boundary"]
    months = spec.get("months", [])
    abbr = spec.get("months_abbr", [""] * len(months))
    if months:
        full, both = [[m] for m in months], [[m, a] for m, a in zip(months, abbr, strict=True)]
        defs["M"] = _names(full, "m", capitalize, None)
        defs["MA"] = _names(both, "m", capitalize, None)
        defs["BM"] = _names(full, "m", capitalize, defs["B"])
        defs["BMA"] = _names(both, "m", capitalize, defs["B"])
    if spec.get("weekdays"):
        days = [[w] for w in spec["weekdays"]]
        defs["W"] = _names(days, "w", capitalize, None)
        defs["BW"] = _names(days, "w", capitalize, defs["B"])
    defs.update(spec.get("defs", {}))
    rules = []
    for order, (kind, template) in enumerate(spec.get("rules", [])):
        # zh/ja dates may be in Chinese numerals, but always hold 年, 月 or 日 (a trigger)
        needs_digit = kind not in ("month", "weekday") and not cjk
        rules.append(_Rule(kind, re.compile(_expand(template, defs), re.IGNORECASE), order,
                           needs_digit))
    for kind, template in universal["rules"]:  # digits only: no IGNORECASE (faster)
        rules.append(_Rule(kind, re.compile(_expand(template, defs)), len(rules), True))
    rel = spec.get("rel", [])
    if rel:
        # longest phrases first; r<i> names the table row (group r<i>_<k>: its k-th spelling)
        words = sorted(((len(a), i, a) for i, (f, _, _) in enumerate(rel)
                        for a in _alternatives(_expand(f, defs))), reverse=True)
        body = "|".join(_literal_first(a, f"r{i}_{k}", None if cjk else defs["B"], not cjk)
                        for k, (_, i, a) in enumerate(words))
        pattern = f"(?:{body})" + ("" if cjk else "{E}")
        rules.append(_Rule("rel", re.compile(_expand(pattern, defs)), len(rules), False))
    # The trigger is a plain alternation of literals without IGNORECASE (several times faster
    # than the rules): digits, the stems of the month and weekday names, the trigger words.
    stems = [] if cjk else [_stem(a) for f in [*months, *spec.get("weekdays", [])]
                            for a in _alternatives(f)]
    literal = {v for w in [*stems, *spec.get("triggers", [])] if w
               for v in (w, w[0].upper() + w[1:], w.upper())}
    cls = [w for w in literal if w.startswith("[")]  # a character class (Chinese, Japanese)
    plain = sorted((re.escape(w) for w in literal if not w.startswith("[")), key=len,
                   reverse=True)
    trigger = "|".join([r"\d+", *cls, *plain])  # no groups: re keeps its first-char table
    return _Lang(
        rules=tuple(rules),
        rel=tuple((unit, int(offset)) for _, unit, offset in rel),
        mods={_norm(k): v for k, v in spec.get("mods", {}).items()},
        ymods={_norm(k): int(v) for k, v in spec.get("ymods", {}).items()},
        mrels={_norm(k): int(v) for k, v in spec.get("mrels", {}).items()},
        future=_words(spec.get("future", []), defs, cjk),
        past=_words(spec.get("past", []), defs, cjk),
        clause=re.compile(spec.get("clause", r"[.!?;:,](?=\s)|\n")),
        slash_mdy=spec.get("slash") == "mdy",
        quantity=re.compile(r"\s*" + universal["quantity"], re.IGNORECASE),
        year_ctx=re.compile(_expand(r"{B}(?:{YCTX})\s*$", defs), re.IGNORECASE)
        if "YCTX" in defs
        else None,
        trigger=re.compile(trigger),
    )


def _windows(lang: _Lang, text: str) -> list[tuple[int, int, bool, bool]]:
    """Merged spans around triggers, the only parts of the text the rules scan: (start,
    end, holds a digit, holds a name or word)."""
    spans: list[tuple[int, int, bool, bool]] = []
    n = len(text)
    for m in lang.trigger.finditer(text):
        start, end = max(0, m.start() - _BEFORE), min(n, m.end() + _AFTER)
        digit = m.group()[0] in "0123456789"
        if spans and start <= spans[-1][1]:
            s, e, d, o = spans[-1]
            spans[-1] = (s, max(end, e), d or digit, o or not digit)
        else:
            spans.append((start, end, digit, not digit))
    return spans


_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
)


def _language(language: str | None, text: str) -> str:
    code = re.split(r"[-_]", (language or "").strip().lower())[0]
    if code in _data():
        return code
    if code:
        return "universal"  # a language without tables: numeric dates and years only
    for guess, script in _SCRIPTS:  # undeclared: guess from the script, else English
        if script.search(text):
            return guess
    return "en"


def _number(text: str) -> int:
    if text.isascii():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)
    value = 0
    for ch in text:
        value = value * 10 + _CN_DIGIT[ch]
    return value


def _pub_date(published_at: datetime | date | str | None) -> date | None:
    """The publication day in the publication's own time zone (UTC when naive)."""
    if published_at is None:
        return None
    if isinstance(published_at, str):
        try:
            published_at = datetime.fromisoformat(published_at.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(published_at, datetime):
        return published_at.date()
    return published_at if isinstance(published_at, date) else None


def _candidate(
    m: re.Match[str], rule: _Rule, lang: _Lang, text: str, folded: str
) -> _Cand | None:
    g = m.groupdict()
    start = m.start()
    surface_start = m.end("ctx") if g.get("ctx") else start
    c = _Cand(start, m.end(), rule.kind, rule.order, text[surface_start : m.end()].strip())
    for key, value in g.items():
        if value is not None and (name := _GROUP.fullmatch(key)):
            kind, i = name.group(1), int(name.group(2))
            if kind == "m":
                c.month = i
            elif kind == "w":
                c.weekday = i - 1
            else:
                c.unit, c.offset = lang.rel[i]
    if rule.kind == "rel":
        return c
    if c.month is None and g.get("mon"):
        c.month = _number(g["mon"])
    if g.get("day"):
        c.day = _number(g["day"])
    if g.get("day2"):
        c.day2 = _number(g["day2"])
        if c.day is None or not c.day < c.day2 <= 31:
            return None
    if g.get("year"):
        c.year = _number(g["year"])
        if c.year < 100:
            c.year += 2000
    if g.get("era"):
        c.year = _ERA_BASE[g["era"]] + (1 if g["eyear"] == "元" else int(g["eyear"]))
    if g.get("week"):
        c.week = int(g["week"])
    for key in ("pre", "post"):
        if g.get(key):
            c.mode = lang.mods.get(_norm(g[key]), c.mode)
    if g.get("ymod"):
        c.ymod = lang.ymods.get(_norm(g["ymod"]))
    if g.get("mrel"):
        c.moff = lang.mrels.get(_norm(g["mrel"]))
    if rule.kind == "slash":  # a/b/yyyy: the language's order, else the other if only it fits
        a, b = int(g["a"]), int(g["b"])
        first, second = (b, a) if lang.slash_mdy else (a, b)
        if not _valid(c.year, second, first) and _valid(c.year, first, second):
            first, second = second, first
        c.kind, c.day, c.month = "date", first, second
    if rule.kind in ("year", "year_bare"):
        if lang.quantity.match(folded, m.end()):  # "2000 troops", "2024 млн"
            return None
        if (rule.kind == "year_bare" and c.year is not None and c.year % 100 == 0
                and not (lang.year_ctx and lang.year_ctx.search(folded, max(0, start - 24),
                                                                start))):
            return None  # a round bare number is a year only after "in", "since", "в" …
        c.kind = "year"
    if c.month is not None and not 1 <= c.month <= 12:
        return None
    if c.day is not None and not 1 <= c.day <= 31:
        return None
    if c.week is not None and not 1 <= c.week <= 53:
        return None
    return c


def _valid(year: int | None, month: int, day: int) -> bool:
    try:
        date(year or 2000, month, day)
    except ValueError:
        return False
    return True


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest match first; a shorter one overlapping a kept one is dropped."""
    starts: list[int] = []  # kept spans, disjoint, sorted by start
    kept: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.start, c.order)):
        i = bisect.bisect_right(starts, c.start)
        if i and kept[i - 1].end > c.start:
            continue
        if i < len(kept) and kept[i].start < c.end:
            continue
        starts.insert(i, c.start)
        kept.insert(i, c)
    return kept


class _Tense:
    """Direction of a bare expression: the tense marker nearest to it in its clause."""

    def __init__(self, text: str, lang: _Lang) -> None:
        self.text, self.lang = text, lang
        self._breaks: list[int] | None = None

    def __call__(self, c: _Cand) -> str | None:
        if self._breaks is None:
            self._breaks = [m.end() for m in self.lang.clause.finditer(self.text)]
        i = bisect.bisect_right(self._breaks, c.start)
        left = self._breaks[i - 1] if i else 0
        j = bisect.bisect_left(self._breaks, c.end)
        right = self._breaks[j] if j < len(self._breaks) else len(self.text)
        best: tuple[int, str] | None = None
        for pattern, tense in ((self.lang.future, "future"), (self.lang.past, "past")):
            if pattern is None:
                continue
            for m in pattern.finditer(self.text, left, right):
                if m.end() > c.start and m.start() < c.end:
                    continue  # a marker inside the expression is its modifier, not a tense
                dist = c.start - m.end() if m.end() <= c.start else m.start() - c.end
                if best is None or dist < best[0]:
                    best = (dist, tense)
        return best[1] if best else None


def _months(year: int, month: int) -> int:
    return year * 12 + month - 1


def _pick(options: list[tuple[int, Any]], tense: str | None) -> Any:
    """The option whose distance (steps from publication, signed) costs least."""
    past_cost, future_cost = _COST[tense]
    return min(options, key=lambda o: (o[0] * (future_cost if o[0] > 0 else -past_cost)))[1]


def _month_year(c: _Cand, pub: date, tense: str | None) -> int:
    assert c.month is not None
    if c.ymod is not None:
        return pub.year + c.ymod
    if c.mode == "past":
        return pub.year if c.month < pub.month else pub.year - 1
    if c.mode == "next":
        return pub.year if c.month > pub.month else pub.year + 1
    if c.mode == "this":
        return pub.year
    here = _months(pub.year, pub.month)
    options = [(_months(y, c.month) - here, y) for y in (pub.year - 1, pub.year, pub.year + 1)]
    return int(_pick(options, tense))


def _day_month(c: _Cand, pub: date, tense: str | None) -> date | None:
    assert c.month is not None and c.day is not None
    if c.ymod is not None:
        years = [pub.year + c.ymod]
    elif c.mode == "this":
        years = [pub.year]
    else:
        years = [pub.year - 1, pub.year, pub.year + 1]
    options = []
    for y in years:
        if _valid(y, c.month, c.day):
            d = date(y, c.month, c.day)
            delta = (d - pub).days
            if (c.mode == "past" and delta >= 0) or (c.mode == "next" and delta <= 0):
                continue
            options.append((delta, d))
    return _pick(options, tense) if options else None


def _day_alone(c: _Cand, pub: date, tense: str | None) -> date | None:
    assert c.day is not None
    here = _months(pub.year, pub.month)
    options = []
    for k in (here - 1, here, here + 1):
        y, m = divmod(k, 12)
        if _valid(y, m + 1, c.day):
            d = date(y, m + 1, c.day)
            options.append(((d - pub).days, d))
    return _pick(options, tense) if options else None


def _weekday(c: _Cand, pub: date, tense: str | None, anchors: set[date]) -> date:
    assert c.weekday is not None
    back = (pub.weekday() - c.weekday) % 7
    ahead = (c.weekday - pub.weekday()) % 7
    monday = pub - timedelta(days=pub.weekday())
    if c.mode == "past":
        return pub - timedelta(days=back or 7)
    if c.mode == "next":
        return pub + timedelta(days=ahead or 7)
    if c.mode in ("this", "this_week"):
        return monday + timedelta(days=c.weekday)
    if c.mode == "prev_week":
        return monday + timedelta(days=c.weekday - 7)
    if c.mode == "next_week":
        return monday + timedelta(days=c.weekday + 7)
    before, after = pub - timedelta(days=back), pub + timedelta(days=ahead)
    if tense == "future":
        return after
    if tense is None and after in anchors and before not in anchors:
        return after  # "mercredi … le 3 septembre": the text names that very day
    return before  # news convention: the latest such day on or before publication


def _shift_months(d: date, n: int) -> tuple[int, int]:
    y, m = divmod(_months(d.year, d.month) + n, 12)
    return y, m + 1


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def find_dates(
    text: str, language: str | None, published_at: datetime | str | None
) -> list[dict]:
    """[{"surface": str, "value": str, "granularity": "day"|"month"|"year"|"week"}, ...] in
    text order, deduplicated by (value, granularity)."""
    if not text:
        return []
    lang = _lang(_language(language, text))
    folded = text.translate(_FOLD) if _FOLDABLE.search(text) else text
    cands = []
    windows = _windows(lang, folded)
    for rule in lang.rules:
        for start, end, digit, word in windows:
            if not (digit if rule.needs_digit else word):
                continue
            for m in rule.pattern.finditer(folded, start, end):
                c = _candidate(m, rule, lang, text, folded)
                if c is not None:
                    cands.append(c)
    pub = _pub_date(published_at)
    tense = _Tense(folded, lang)
    values: list[tuple[int, str, str, str]] = []  # (start, value, granularity, surface)
    anchors: set[date] = set()
    late: list[_Cand] = []
    for c in _select(cands):
        value: tuple[str, str] | None = None
        if c.kind == "date" and c.month and c.day and (c.year is not None or pub is not None):
            first = (date(c.year, c.month, c.day) if _valid(c.year, c.month, c.day) else None
                     ) if c.year is not None else _day_month(c, pub, tense(c))  # type: ignore[arg-type]
            if first is None:
                continue
            anchors.add(first)
            values.append((c.start, first.isoformat(), "day", c.surface))
            if c.day2 is not None and _valid(first.year, first.month, c.day2):
                last = first.replace(day=c.day2)
                anchors.add(last)
                values.append((c.start, last.isoformat(), "day", c.surface))
        elif c.kind == "month" and c.year is not None and c.month:
            value = (f"{c.year:04d}-{c.month:02d}", "month")
        elif c.kind == "year" and c.year is not None:
            value = (f"{c.year:04d}", "year")
        elif c.kind == "week" and c.year is not None and c.week:
            value = (f"{c.year:04d}-W{c.week:02d}", "week")
        elif pub is None:
            continue  # relative to a publication time we do not know
        elif c.kind == "date" and c.moff is not None and c.day:
            y, m = _shift_months(pub, c.moff)
            if _valid(y, m, c.day):
                value = (date(y, m, c.day).isoformat(), "day")
        elif c.kind == "day":
            d = _day_alone(c, pub, tense(c))
            value = (d.isoformat(), "day") if d else None
        elif c.kind == "month" and c.month:
            value = (f"{_month_year(c, pub, tense(c)):04d}-{c.month:02d}", "month")
        elif c.kind == "week" and c.week:
            value = (f"{pub.isocalendar()[0]:04d}-W{c.week:02d}", "week")
        elif c.kind in ("weekday", "rel"):
            late.append(c)  # after the dated expressions, which anchor weekdays
        if value is not None:
            values.append((c.start, *value, c.surface))
    for c in late:
        assert pub is not None
        if c.kind == "weekday":
            value = (_weekday(c, pub, tense(c), anchors).isoformat(), "day")
        elif c.unit == "day":
            value = ((pub + timedelta(days=c.offset)).isoformat(), "day")
        elif c.unit == "week":
            value = (_week(pub + timedelta(days=7 * c.offset)), "week")
        elif c.unit == "month":
            y, m = _shift_months(pub, c.offset)
            value = (f"{y:04d}-{m:02d}", "month")
        else:
            value = (f"{pub.year + c.offset:04d}", "year")
        values.append((c.start, *value, c.surface))
    out, seen = [], set()
    for _, value, granularity, surface in sorted(values, key=lambda v: v[0]):
        if (value, granularity) not in seen:
            seen.add((value, granularity))
            out.append({"surface": surface, "value": value, "granularity": granularity})
    return out


def dates_column(frame: pl.DataFrame) -> pl.Series:
    """For annotate: frame with columns text, language, published_at (datetime UTC or ISO
    string with offset, may be null) → Series of list[struct{surface, value, granularity}]."""
    n = frame.height
    texts = frame["text"].cast(pl.String).fill_null("").to_list()
    langs = frame["language"].cast(pl.String).to_list() if "language" in frame.columns else [
        None
    ] * n
    pubs = frame["published_at"].to_list() if "published_at" in frame.columns else [None] * n
    return pl.Series(
        "dates",
        [find_dates(t, lg, p) for t, lg, p in zip(texts, langs, pubs, strict=True)],
        dtype=pl.List(DATE),
    )
