"""Date candidates found by the rules, and their calendar values.

A candidate is one rule match with its parts (day, month, year, weekday, modifiers); the
longest candidates win where they overlap; those that need the publication time
(weekdays, relative words, a day or month without a year) are resolved against it in its
own time zone, with the tense of their clause choosing past or future (docs/text-dates.md).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from transform.textdates_rules import Lang, Rule, norm

# How much more a step in the disfavoured direction costs when a bare month, day-month or
# day of month is placed in time: news mostly report the past, unless the clause says future.
_COST = {None: (1, 2), "past": (1, 3), "future": (2, 1)}  # (cost of past, cost of future)
# A clause is looked for this far around an expression (a longer one is cut there).
_CLAUSE_REACH = 300
_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_ERA_BASE = {"令和": 2018, "平成": 1988, "昭和": 1925}


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


def pub_date(published_at: datetime | date | str | None) -> date | None:
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


def candidate(
    m: re.Match[str], rule: Rule, lang: Lang, text: str, folded: str
) -> _Cand | None:
    g = m.groupdict()
    start = m.start()
    surface_start = m.end("ctx") if g.get("ctx") else start
    c = _Cand(start, m.end(), rule.kind, rule.order, text[surface_start : m.end()].strip())
    if g.get("month_name"):
        c.month = lang.index("month_name", g["month_name"]) + 1
    if g.get("weekday_name"):
        c.weekday = lang.index("weekday_name", g["weekday_name"])
    if g.get("rel_word"):
        c.unit, c.offset = lang.rel[lang.index("rel_word", g["rel_word"])]
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
            c.mode = lang.mods.get(norm(g[key]), c.mode)
    if g.get("ymod"):
        c.ymod = lang.ymods.get(norm(g["ymod"]))
    if g.get("mrel"):
        c.moff = lang.mrels.get(norm(g["mrel"]))
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


def _tense(c: _Cand, lang: Lang, text: str) -> str | None:
    """Direction of a bare expression: the tense marker nearest to it in its clause."""
    left = max(0, c.start - _CLAUSE_REACH)
    right = min(len(text), c.end + _CLAUSE_REACH)
    for m in lang.clause.finditer(text, left, right):
        if m.end() <= c.start:
            left = m.end()
        elif m.end() >= c.end:
            right = m.end()
            break
    best: tuple[int, str] | None = None
    for pattern, tense in ((lang.future, "future"), (lang.past, "past")):
        if pattern is None:
            continue
        for m in pattern.finditer(text, left, right):
            if m.end() > c.start and m.start() < c.end:
                continue  # a marker inside the expression is its modifier, not a tense
            dist = c.start - m.end() if m.end() <= c.start else m.start() - c.end
            if best is None or dist < best[0]:
                best = (dist, tense)
    return best[1] if best else None


def _months(year: int, month: int) -> int:
    return year * 12 + month - 1


def _pick(options: list[tuple[int, Any]], tense: Callable[[], str | None]) -> Any:
    """The option whose distance (steps from publication, signed) costs least; the clause's
    tense is looked for only when it changes the choice."""
    def best(t: str | None) -> Any:
        past_cost, future_cost = _COST[t]
        return min(options, key=lambda o: o[0] * (future_cost if o[0] > 0 else -past_cost))[1]

    choices = {t: best(t) for t in _COST}
    if len(set(choices.values())) == 1:
        return choices[None]
    return choices[tense()]


def _month_year(c: _Cand, pub: date, tense: Callable[[], str | None]) -> int:
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


def _day_month(c: _Cand, pub: date, tense: Callable[[], str | None]) -> date | None:
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


def _day_alone(c: _Cand, pub: date, tense: Callable[[], str | None]) -> date | None:
    assert c.day is not None
    here = _months(pub.year, pub.month)
    options = []
    for k in (here - 1, here, here + 1):
        y, m = divmod(k, 12)
        if _valid(y, m + 1, c.day):
            d = date(y, m + 1, c.day)
            options.append(((d - pub).days, d))
    return _pick(options, tense) if options else None


def _weekday(c: _Cand, pub: date, tense: Callable[[], str | None], anchors: set[date]) -> date:
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
    if before == after:
        return before  # the publication's own weekday, whatever the tense
    direction = tense()
    if direction == "future":
        return after
    if direction is None and after in anchors and before not in anchors:
        return after  # "mercredi … le 3 septembre": the text names that very day
    return before  # news convention: the latest such day on or before publication


def _shift_months(d: date, n: int) -> tuple[int, int]:
    y, m = divmod(_months(d.year, d.month) + n, 12)
    return y, m + 1


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"



def candidates(lang: Lang, text: str, folded: str,
               windows: list[tuple[int, int, int]]) -> list[_Cand]:
    """Every match of the rules in ``windows`` ((start, end, bit set of the rules that may
    match there)); lookbehinds see the text before a window, matches end inside it."""
    found = []
    for start, end, flags in windows:
        for k, rule in enumerate(lang.rules):
            if not flags >> k & 1:
                continue
            for m in rule.pattern.finditer(folded, start, end):
                c = candidate(m, rule, lang, text, folded)
                if c is not None:
                    found.append(c)
    return found


def resolve(cands: list[_Cand], lang: Lang, folded: str,
            pub: date | None) -> list[tuple[str, str, str, str]]:
    """The calendar values of the candidates that do not overlap a longer one, against the
    publication day ``pub``: (surface, value, granularity, resolved_from) in text order,
    deduplicated by (value, granularity), the first surface kept."""
    # (start, value, granularity, surface, resolved_from)
    values: list[tuple[int, str, str, str, str]] = []
    anchors: set[date] = set()
    late: list[_Cand] = []
    for c in _select(cands):
        value: tuple[str, str] | None = None
        absolute = c.year is not None
        if c.kind == "date" and c.month and c.day and (c.year is not None or pub is not None):
            if c.year is not None:
                first = date(c.year, c.month, c.day) if _valid(c.year, c.month, c.day) else None
            else:
                first = _day_month(c, pub, partial(_tense, c, lang, folded))  # type: ignore[arg-type]
            if first is None:
                continue
            origin = "absolute" if absolute else "relative"
            anchors.add(first)
            values.append((c.start, first.isoformat(), "day", c.surface, origin))
            if c.day2 is not None and _valid(first.year, first.month, c.day2):
                last = first.replace(day=c.day2)
                anchors.add(last)
                values.append((c.start, last.isoformat(), "day", c.surface, origin))
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
            d = _day_alone(c, pub, partial(_tense, c, lang, folded))
            value = (d.isoformat(), "day") if d else None
        elif c.kind == "month" and c.month:
            value = (f"{_month_year(c, pub, partial(_tense, c, lang, folded)):04d}-{c.month:02d}",
                     "month")
        elif c.kind == "week" and c.week:
            value = (f"{pub.isocalendar()[0]:04d}-W{c.week:02d}", "week")
        elif c.kind in ("weekday", "rel"):
            late.append(c)  # after the dated expressions, which anchor weekdays
        if value is not None:
            values.append((c.start, *value, c.surface, "absolute" if absolute else "relative"))
    for c in late:
        assert pub is not None
        if c.kind == "weekday":
            value = (_weekday(c, pub, partial(_tense, c, lang, folded), anchors).isoformat(), "day")
        elif c.unit == "day":
            value = ((pub + timedelta(days=c.offset)).isoformat(), "day")
        elif c.unit == "week":
            value = (_week(pub + timedelta(days=7 * c.offset)), "week")
        elif c.unit == "month":
            y, m = _shift_months(pub, c.offset)
            value = (f"{y:04d}-{m:02d}", "month")
        else:
            value = (f"{pub.year + c.offset:04d}", "year")
        values.append((c.start, *value, c.surface, "relative"))
    out, seen = [], set()
    for _, value, granularity, surface, origin in sorted(values, key=lambda v: v[0]):
        if (value, granularity) not in seen:
            seen.add((value, granularity))
            out.append((surface, value, granularity, origin))
    return out
