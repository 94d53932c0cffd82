"""Dates mentioned inside article texts: absolute, partial and relative expressions.

``dates_column(frame)`` finds them for a batch (used by ``annotate``); ``find_dates(text,
language, published_at)`` for one text. Each is ``[{surface, value, granularity,
resolved_from}]``. Rule-based: per language, regexes built once from
``data/date_words.toml`` (textdates_rules); rules and resolution in docs/text-dates.md.

The batch is scanned with polars (Rust's regex engine, every text of a language at once):
digits are folded, the language of each text settled, the windows around triggers (digits,
month and weekday names, relative words) cut out, and each window marked with the rules
whose lookaround-free form matches in it. Python then runs only those rules, only in those
windows, and resolves what they find (textdates_resolve). Most of a text, and most rules,
never reach Python.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from transform.textdates_resolve import candidates, pub_date, resolve
from transform.textdates_rules import AFTER, BEFORE, FOLD, SCRIPTS, data, lang_rules

# Up to this many characters of a language in a call, the rules scan the texts whole.
_SMALL = 2000

DATE = pl.Struct({"surface": pl.String, "value": pl.String, "granularity": pl.String,
                  "resolved_from": pl.String})


def _language_codes() -> pl.Expr:
    """The table of date_words.toml each text is read with: its declared language (``zh-CN``
    is ``zh``), ``universal`` for a language without a table, else a guess from the script."""
    code = (pl.col("language").cast(pl.String).str.to_lowercase()
            .str.extract(r"^\s*([^-_\s]+)", 1))
    known = [c for c in data() if c != "universal"]
    guess: pl.Expr = pl.lit("en")
    for lang, script in reversed(SCRIPTS):
        guess = pl.when(pl.col("folded").str.contains(script)).then(pl.lit(lang)).otherwise(guess)
    return (pl.when(code.is_in(known)).then(code)
            .when(code.is_not_null()).then(pl.lit("universal"))
            .otherwise(guess))


def _windows(texts: pl.DataFrame, code: str) -> pl.DataFrame:
    """Windows of the texts (columns row, folded) in one language: row, start, stop and
    ``flags``, a bit per rule whose lookaround-free form matches in the window (zero-flag
    windows are dropped). Offsets are in characters, as in Python."""
    lang = lang_rules(code)
    trigger = lang.trigger
    hits = (
        texts.select(
            "row", "folded",
            # a trigger's end is the length of everything up to it, so offsets come from
            # two scans: text up to each trigger, and the trigger itself
            upto=pl.col("folded").str.extract_all(f"(?s).*?(?:{trigger})"),
            hit=pl.col("folded").str.extract_all(trigger),
        )
        .explode("upto", "hit")
        .drop_nulls("hit")
    )
    if hits.is_empty():
        return pl.DataFrame(schema={"row": pl.UInt32, "start": pl.Int64, "stop": pl.Int64,
                                    "flags": pl.Int64})
    end = pl.col("upto").str.len_chars().cast(pl.Int64).cum_sum().over("row")
    windows = (
        hits.with_columns(
            start=(end - pl.col("hit").str.len_chars().cast(pl.Int64) - BEFORE).clip(0),
            stop=pl.min_horizontal(end + AFTER, pl.col("folded").str.len_chars()),
        )
        # a window starts where a trigger's span begins after every earlier span has ended
        .with_columns(
            wid=(pl.col("start") > pl.col("stop").cum_max().shift(1).over("row"))
            .fill_null(True).cum_sum().over("row"))
        .group_by("row", "wid")
        .agg(pl.col("start").min(), pl.col("stop").max(), pl.col("folded").first())
        .with_columns(piece=pl.col("folded").str.slice(pl.col("start"),
                                                       pl.col("stop") - pl.col("start")))
    )
    flags = pl.sum_horizontal(
        pl.col("piece").str.contains(rule.prefilter).cast(pl.Int64) * (1 << k)
        for k, rule in enumerate(lang.rules)
    )
    return (windows.select("row", "start", "stop", flags=flags)
            .filter(pl.col("flags") != 0)
            .sort("row", "start"))


def dates_column(frame: pl.DataFrame) -> pl.Series:
    """For annotate: frame with columns text, language (optional), published_at (optional;
    datetime UTC or ISO string with offset, may be null) → Series of
    list[struct{surface, value, granularity, resolved_from}]."""
    n = frame.height
    language = (frame["language"].cast(pl.String) if "language" in frame.columns
                else pl.Series([None] * n, dtype=pl.String))
    pubs = frame["published_at"].to_list() if "published_at" in frame.columns else [None] * n
    found = _find(frame["text"].cast(pl.String).fill_null(""), language, pubs)
    per_text = (pl.DataFrame(found, schema={"row": pl.UInt32, **DATE.to_schema()},
                             orient="row")
                .group_by("row", maintain_order=True)
                .agg(dates=pl.struct(*DATE.to_schema())))
    return (pl.DataFrame({"row": pl.arange(0, n, dtype=pl.UInt32, eager=True)})
            .join(per_text, on="row", how="left", maintain_order="left")["dates"]
            .fill_null(pl.lit([], dtype=pl.List(DATE))).cast(pl.List(DATE)))


def find_dates(text: str, language: str | None,
               published_at: datetime | str | None) -> list[dict]:
    """[{"surface", "value", "granularity" (day|month|year|week), "resolved_from"
    (absolute|relative)}, ...] in text order, deduplicated by (value, granularity)."""
    if not text:
        return []
    found = _find(pl.Series([text], dtype=pl.String), pl.Series([language], dtype=pl.String),
                  [published_at])
    return [dict(zip(DATE.to_schema(), row[1:], strict=True)) for row in found]


def _find(text: pl.Series, language: pl.Series,
          pubs: list[datetime | str | None]) -> list[tuple]:
    """(row, surface, value, granularity, resolved_from) of every date found, by row."""
    texts = pl.DataFrame({"text": text, "language": language}).with_row_index("row")
    texts = texts.with_columns(folded=pl.col("text").str.replace_many(FOLD))
    texts = texts.with_columns(code=_language_codes())
    out: list[tuple] = []
    originals = text.to_list()
    for (code,), part in texts.partition_by("code", as_dict=True).items():
        lang = lang_rules(str(code))
        folded = dict(zip(part["row"].to_list(), part["folded"].to_list(), strict=True))
        if sum(map(len, folded.values())) <= _SMALL:
            # A date line or a handful of short texts: every rule over the whole text
            # costs less than compiling the prefilters for polars (≈ 8 ms a call).
            every = (1 << len(lang.rules)) - 1
            spans = [(row, [0], [len(text)], [every]) for row, text in folded.items()]
        else:
            spans = (_windows(part.select("row", "folded"), str(code))
                     .group_by("row", maintain_order=True)
                     .agg("start", "stop", "flags").iter_rows())
        for row, starts, stops, flags in spans:
            cands = candidates(lang, originals[row], folded[row],
                               list(zip(starts, stops, flags, strict=True)))
            if cands:
                out += [(row, *d) for d in
                        resolve(cands, lang, folded[row], pub_date(pubs[row]))]
    out.sort(key=lambda r: r[0])  # stable: each text's dates stay in text order
    return out
