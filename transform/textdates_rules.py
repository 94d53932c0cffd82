"""The compiled date rules of one language, built once from ``data/date_words.toml``.

A language's rules are Python regexes (with lookbehinds for word boundaries and traps, see
docs/text-dates.md). Each rule also has a *prefilter*: the same regex without its
lookarounds, in the dialect of Rust's regex crate, which polars runs over a whole batch to
tell which rules can match where (a superset: where the prefilter finds nothing, the rule
cannot match). The trigger pattern marks the windows of text the rules scan.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "date_words.toml"

# Digits and spaces folded one character to one, so match offsets stay valid in the original.
FOLD: dict[str, str] = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended Arabic-Indic
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u3000": " ",
}
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
BEFORE, AFTER = 32, 48


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    order: int
    prefilter: str  # the pattern without lookarounds, for Rust's regex (polars)


@dataclass(frozen=True, slots=True)
class Lang:
    rules: tuple[Rule, ...]
    # per named group (month_name, weekday_name, rel_word): one pattern per name
    names: dict[str, tuple[re.Pattern[str], ...]]
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
    trigger: str  # for Rust's regex (polars): digits, name stems, trigger words
    _seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def index(self, group: str, text: str) -> int:
        """Which month, weekday or relative phrase (0-based, table order) ``text`` is."""
        key = (group, text)
        if key not in self._seen:
            self._seen[key] = next(i for i, p in enumerate(self.names[group])
                                   if p.fullmatch(text))
        return self._seen[key]



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


def _literal_first(alt: str, boundary: str | None, fold: bool) -> str:
    """``alt`` as an alternative that starts with a literal character, so that a branch of
    them lets Python's re skip ahead to the possible first characters (a leading lookbehind
    or IGNORECASE would make it try every position). The boundary and any lookbehinds the
    alternative starts with are checked after its first character."""
    lead = ""
    while (m := _LEAD.match(alt)) is not None:
        lead, alt = lead + m.group(0), alt[m.end() :]
    if alt.startswith("(?-i:") and alt.endswith(")") and "(" not in alt[5:]:
        alt, fold = alt[5:-1], False  # a word that counts in this case only (de "morgen")
    first = alt[:1]
    if not first or not first.isalpha():
        return f"(?:{boundary or ''}{lead}(?:{alt}))"  # not a literal: slow but right
    rest = f"(?i:{alt[1:]})" if fold else alt[1:]
    check = (boundary or "") + lead
    # both cases of the first letter as separate alternatives: a character class would not
    # give re its first-character table
    variants = {first.lower(), first.upper()} if fold else {first}
    return "|".join(
        f"{re.escape(c)}{f'(?<=(?:{check}){re.escape(c)})' if check else ''}(?:{rest})"
        for c in sorted(variants)
    )


def _names(forms: list[list[str]], group: str, capitalize: bool, boundary: str | None) -> str:
    """The names of ``forms`` (one list of spellings per month or weekday) as the named group
    ``group``, case-sensitive (English "may" is not May); with ``boundary`` it is checked
    after the first character. Which name matched is told by ``Lang.index``."""
    parts = []
    for group_forms in forms:
        alts = [a for f in group_forms if f for a in _alternatives(f)]
        if capitalize:
            alts += [a[0].upper() + a[1:] for a in alts if a[:1].islower()]
        parts += [_literal_first(a, boundary, False) for a in alts]
    return f"(?P<{group}>(?-i:" + "|".join(parts) + "))"


def _lookup(forms: list[list[str]], fold: bool) -> tuple[re.Pattern[str], ...]:
    """Per name (month, weekday, relative phrase): a pattern that matches exactly its
    spellings, to tell from a matched text which one it is."""
    return tuple(
        re.compile("|".join(f"(?:{without_lookarounds(a)})" for f in group_forms if f
                            for a in _alternatives(f)), re.IGNORECASE if fold else 0)
        for group_forms in forms
    )


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


def without_lookarounds(pattern: str) -> str:
    """``pattern`` without its lookarounds and with plain groups instead of named ones: what
    Rust's regex crate accepts. It matches wherever the pattern does (and more), so where it
    finds nothing the pattern cannot match."""
    out: list[str] = []
    stack: list[bool] = []  # per open group: is it a lookaround (dropped with its content)
    skip, i, n = 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            piece, i = pattern[i : i + 2], i + 2
        elif ch == "[":  # a class: parentheses inside are literal
            j = i + 1 + (pattern[i + 1 : i + 2] == "^")
            j += pattern[j : j + 1] == "]"
            while pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            piece, i = pattern[i : j + 1], j + 1
        elif ch == "(" and pattern.startswith(("(?<!", "(?<=", "(?!", "(?="), i):
            stack.append(True)
            skip += 1
            i += 4 if pattern[i + 2] == "<" else 3
            continue
        elif ch == "(" and pattern.startswith("(?P<", i):
            stack.append(False)
            piece, i = "(?:", pattern.index(">", i) + 1
        elif ch == "(":
            stack.append(False)
            piece, i = "(", i + 1
        elif ch == ")":
            if stack.pop():
                skip -= 1
                i += 1
                continue
            piece, i = ")", i + 1
        else:
            piece, i = ch, i + 1
        if not skip:
            out.append(piece)
    return "".join(out)


def _rule(kind: str, pattern: str, order: int, ignorecase: bool) -> Rule:
    prefilter = without_lookarounds(pattern)
    return Rule(kind, re.compile(pattern, re.IGNORECASE if ignorecase else 0), order,
                f"(?i){prefilter}" if ignorecase else prefilter)


def norm(text: str | None) -> str:
    return " ".join((text or "").replace("’", "'").lower().split())


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    return tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))


@cache
def lang_rules(code: str) -> Lang:
    """The compiled rules of a language code of date_words.toml (``universal``: the rules
    every language has)."""
    tables = data()
    universal = tables["universal"]
    spec = tables.get(code, {})
    cjk = bool(spec.get("cjk"))
    capitalize = bool(spec.get("capitalize"))
    defs = dict(_GROUP_DEFAULTS)
    if "boundary" in spec:
        defs["B"] = spec["boundary"]
    months = spec.get("months", [])
    abbr = spec.get("months_abbr", [""] * len(months))
    if months:
        full, both = [[m] for m in months], [[m, a] for m, a in zip(months, abbr, strict=True)]
        defs["M"] = _names(full, "month_name", capitalize, None)
        defs["MA"] = _names(both, "month_name", capitalize, None)
        defs["BM"] = _names(full, "month_name", capitalize, defs["B"])
        defs["BMA"] = _names(both, "month_name", capitalize, defs["B"])
    if spec.get("weekdays"):
        days = [[w] for w in spec["weekdays"]]
        defs["W"] = _names(days, "weekday_name", capitalize, None)
        defs["BW"] = _names(days, "weekday_name", capitalize, defs["B"])
    defs.update(spec.get("defs", {}))
    rules = []
    for order, (kind, template) in enumerate(spec.get("rules", [])):
        rules.append(_rule(kind, _expand(template, defs), order, ignorecase=True))
    for kind, template in universal["rules"]:  # digits only: no IGNORECASE (faster)
        rules.append(_rule(kind, _expand(template, defs), len(rules), ignorecase=False))
    rel = spec.get("rel", [])
    if rel:
        # longest phrases first; Lang.index tells the table row of the matched phrase
        words = sorted((a for f, _, _ in rel for a in _alternatives(_expand(f, defs))),
                       key=len, reverse=True)
        body = "|".join(_literal_first(a, None if cjk else defs["B"], not cjk) for a in words)
        pattern = f"(?P<rel_word>{body})" + ("" if cjk else "{E}")
        rules.append(_rule("rel", _expand(pattern, defs), len(rules), ignorecase=False))
    # The trigger is a plain alternation of literals without IGNORECASE (several times faster
    # than the rules): digits, the stems of the month and weekday names, the trigger words.
    stems = [] if cjk else [_stem(a) for f in [*months, *spec.get("weekdays", [])]
                            for a in _alternatives(f)]
    literal = {v for w in [*stems, *spec.get("triggers", [])] if w
               for v in (w, w[0].upper() + w[1:], w.upper())}
    cls = [w for w in literal if w.startswith("[")]  # a character class (Chinese, Japanese)
    plain = sorted((re.escape(w) for w in literal if not w.startswith("[")), key=len,
                   reverse=True)
    trigger = "|".join([r"\d+", *cls, *plain])
    assert len(rules) < 63, "a window marks its rules as bits of an Int64"
    return Lang(
        rules=tuple(rules),
        names={"month_name": _lookup([[m, a] for m, a in zip(months, abbr, strict=True)], True),
               "weekday_name": _lookup([[w] for w in spec.get("weekdays", [])], True),
               "rel_word": _lookup([[_expand(f, defs)] for f, _, _ in rel], not cjk)},
        rel=tuple((unit, int(offset)) for _, unit, offset in rel),
        mods={norm(k): v for k, v in spec.get("mods", {}).items()},
        ymods={norm(k): int(v) for k, v in spec.get("ymods", {}).items()},
        mrels={norm(k): int(v) for k, v in spec.get("mrels", {}).items()},
        future=_words(spec.get("future", []), defs, cjk),
        past=_words(spec.get("past", []), defs, cjk),
        clause=re.compile(spec.get("clause", r"[.!?;:,](?=\s)|\n")),
        slash_mdy=spec.get("slash") == "mdy",
        quantity=re.compile(r"\s*" + universal["quantity"], re.IGNORECASE),
        year_ctx=re.compile(_expand(r"{B}(?:{YCTX})\s*$", defs), re.IGNORECASE)
        if "YCTX" in defs
        else None,
        trigger=trigger,
    )


# An undeclared language is guessed from the script (Rust character classes, in this order).
SCRIPTS = (
    ("ja", r"[\u3040-\u30ff]"),
    ("zh", r"[\u4e00-\u9fff]"),
    ("ru", r"[\u0400-\u04ff]"),
    ("ar", r"[\u0600-\u06ff]"),
)
