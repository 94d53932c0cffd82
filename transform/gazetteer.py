"""The gazetteer: canonical entities and the surface patterns that find them.

The data lives in ``transform/data/gazetteer.toml`` (entities, aliases per language,
surnames, compounds, blockers) and ``transform/data/topics.toml`` (topic keywords); this
module expands that data by rule into one pattern table that :mod:`transform.entities`
matches with a single Aho–Corasick pass. Everything is built once per process.

Pattern rules (why each exists is in docs/annotation.md):
- aliases are matched on normalised text (see :func:`normalise`), case-sensitively;
- alphabetic aliases are padded with one space each side, so they only match whole words;
  zh/ja aliases are not padded (those scripts do not separate words);
- word markers (``Путин~n``, ``russisch~de``) expand to the inflected forms of that word;
- an alias starting lower-case also matches capitalised (sentence start), and only in its
  own language; so does an all-caps alias of three letters or fewer (Indonesian ``AS``);
- Arabic aliases also match with the proclitics و ب ل ف ك (and ال after ل contracting).
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

DATA_DIR = Path(__file__).parent / "data"
LANGUAGES = ("en", "ru", "zh", "id", "fr", "de", "es", "ar", "ja")
UNPADDED_LANGUAGES = frozenset({"zh", "ja"})

# Inflection classes, as (letters stripped from the written form, endings per case).
# Russian classes list the endings of the six singular cases and the plural, aligned, so a
# phrase declines word by word in the same case (Владимиром Путиным, not Владимир Путиным is
# also kept: the nominative of a first word). Other classes have one set for every case.
# Over-generation is harmless: a non-word never occurs in text.
_Cases = tuple[frozenset[str], ...]


def _cases(*sets: str) -> _Cases:
    return tuple(frozenset(s.split("|")) for s in sets)


def _same(endings: str) -> _Cases:
    return _cases(*([endings] * 7))


INFLECTIONS: dict[str, tuple[int, _Cases]] = {
    # nom | gen | dat | acc | ins | prep | plural
    "n": (0, _cases("", "а", "у", "|а", "ом|ым", "е", "ы|ов|ам|ами|ах")),
    "й": (1, _cases("й", "я", "ю", "й|я", "ем", "е|и", "и|ев|ям|ями|ях")),
    "ь": (1, _cases("ь", "я", "ю", "ь|я", "ем", "е|и", "и|ей|ям|ями|ях")),
    "a": (1, _cases("а", "ы|и", "е", "у", "ой|ою", "е", "ы|и|ам|ами|ах")),
    "я": (1, _cases("я", "и", "и|е", "ю", "ей|ею", "и|е", "и|й|ям|ями|ях")),
    "adj": (2, _cases(
        "ий|ый|ой|ая|ое|ее", "ого|его|ой|ей", "ому|ему|ой|ей", "ий|ый|ого|его|ую|юю|ое|ее",
        "им|ым|ой|ей", "ом|ем|ой|ей", "ие|ые|их|ых|им|ым|ими|ыми",
    )),
    "de": (0, _same("|e|en|er|es|em")),
    "fr": (0, _same("|e|s|es|ne|nes")),
    "es": (1, _same("o|a|os|as")),
    "s": (0, _same("|s")),
}
# A Russian adjective stem alone also appears in hyphenated compounds: российско-китайский.
_SINGLE_WORD_EXTRA = {"adj": frozenset({"о"})}

_AR_PROCLITICS = ("و", "ب", "ل", "ف", "ك", "وب", "ول", "فب", "فل", "وك")

# Byte-length-preserving normalisation: every character that is not a letter, digit or
# mark becomes as many spaces as it has UTF-8 bytes, so match offsets in the normalised text
# are offsets in the original. ASCII ones are listed; the few distinct others a batch holds
# are found by one regex scan, then all are replaced in one Aho–Corasick pass.
_ASCII_NON_WORD = [chr(i) for i in range(128) if not chr(i).isalnum() and chr(i) != " "]
_NON_WORD_NON_ASCII = r"[^\x00-\x7F\p{L}\p{N}\p{M}]"
# Spelling variants folded to one form (all two bytes in UTF-8, so lengths are kept).
_FOLD = {"ё": "е", "Ё": "Е", "أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي"}


def normalise(texts: pl.Series) -> pl.Series:
    """Texts as the matcher sees them; each the same byte length as its input."""
    found = sorted(
        texts.str.extract_all(_NON_WORD_NON_ASCII).explode().drop_nulls().unique().to_list()
    )
    chars = [*_ASCII_NON_WORD, *found, *_FOLD]
    into = [" "] * len(_ASCII_NON_WORD) + [" " * len(c.encode()) for c in found]
    return texts.str.replace_many(chars, [*into, *_FOLD.values()])


def _normalise_strings(values: list[str]) -> list[str]:
    return normalise(pl.Series(values, dtype=pl.String)).to_list()


@dataclass(frozen=True, slots=True)
class Entity:
    entity_id: str
    name: str
    wikidata_id: str | None
    type: str
    side: str


def _slug(name: str) -> str:
    return "x:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _word_cases(word: str) -> tuple[_Cases, frozenset[str]]:
    """The forms of one word per case, and extra forms valid only for a one-word alias."""
    if "~" not in word:
        return tuple(frozenset({word}) for _ in range(7)), frozenset()
    stem, _, cls = word.rpartition("~")
    if cls == "a" and stem.endswith("я"):
        cls = "я"
    strip, cases = INFLECTIONS[cls]
    base = stem[: len(stem) - strip]
    extra = frozenset(base + e for e in _SINGLE_WORD_EXTRA.get(cls, ()))
    return tuple(frozenset(base + e for e in case) for case in cases), extra


def _expand_alias(alias: str, lang: str | None) -> list[str]:
    """All written forms of one alias: inflections × capitalisation × Arabic proclitics."""
    words = [_word_cases(w) for w in alias.split(" ")]
    forms: list[str] = []
    for case in range(7):
        forms += sorted(" ".join(p) for p in itertools.product(*(w[0][case] for w in words)))
    if len(words) == 1:
        forms += sorted(words[0][1])
    if alias[:1].islower():
        forms += [f[:1].upper() + f[1:] for f in forms]
    if lang == "ar" or re.match(r"[\u0600-\u06FF]", alias):
        extra = []
        for f in forms:
            extra += [p + f for p in _AR_PROCLITICS]
            if f.startswith("ال"):
                extra += ["لل" + f[2:], "ولل" + f[2:]]
        forms += extra
    return list(dict.fromkeys(forms))


def _scope(alias: str, lang: str | None) -> str | None:
    """Language an alias is limited to (None: every language)."""
    if lang is None:
        return None
    letters = re.sub(r"\W", "", alias)
    if alias[:1].islower() or (letters.isupper() and len(letters) <= 3 and letters.isascii()):
        return lang
    if lang in UNPADDED_LANGUAGES and letters.isascii():
        return lang
    return None


def _is_unpadded(alias: str, lang: str | None) -> bool:
    return lang in UNPADDED_LANGUAGES or bool(
        re.search(r"[\u3040-\u30FF\u3400-\u9FFF]", alias)
    )


@dataclass(frozen=True, slots=True)
class Gazetteer:
    entities: pl.DataFrame  # entity_id, name, wikidata_id, type, side
    patterns: pl.DataFrame  # pattern, entity_id, kind, scope, core_start, core_len, topic
    pattern_list: list[str]  # distinct patterns, longest first (for the automaton)


def _alias_rows(
    spec: dict, entity_ids: list[str], kind: str, rows: list[tuple]
) -> None:
    for key in ("all", *LANGUAGES, "surname"):
        lang = None if key in ("all", "surname") else key
        row_kind = kind if key != "surname" else "surname"
        for alias in spec.get(key, []):
            unpadded = _is_unpadded(alias, lang)
            scope = _scope(alias, lang)
            for form in _expand_alias(alias, lang):
                for eid in entity_ids:
                    rows.append((form, eid, row_kind, scope, unpadded))


def _entities(raw: dict) -> list[Entity]:
    """The canonical entities of gazetteer.toml, in file order; a repeated one is an error."""
    entities: list[Entity] = []
    by_name: dict[str, str] = {}
    for spec in raw["entity"]:
        qid = spec.get("wikidata") or None
        eid = qid or _slug(spec["name"])
        if spec["name"] in by_name or eid in by_name.values():
            raise ValueError(f"duplicate entity in gazetteer: {spec['name']}")
        by_name[spec["name"]] = eid
        entities.append(Entity(eid, spec["name"], qid, spec["type"], spec["side"]))
    return entities


def _read_toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _entity_frame(entities: list[Entity]) -> pl.DataFrame:
    return pl.DataFrame(
        [(e.entity_id, e.name, e.wikidata_id, e.type, e.side) for e in entities],
        schema={
            "entity_id": pl.String, "name": pl.String, "wikidata_id": pl.String,
            "type": pl.String, "side": pl.String,
        },
        orient="row",
    )


@cache
def entity_table(data_dir: Path = DATA_DIR) -> pl.DataFrame:
    """The canonical entities alone, without expanding any pattern.

    The flow process needs only this (the warehouse's ``entities`` table); building the
    patterns takes ≈ 0.3 s and ≈ 60 MB that only the annotating workers need.
    """
    return _entity_frame(_entities(_read_toml(data_dir / "gazetteer.toml")))


@cache
def load_gazetteer(data_dir: Path = DATA_DIR) -> Gazetteer:
    """Read and expand the gazetteer and topic keywords (cached: once per process)."""
    raw = _read_toml(data_dir / "gazetteer.toml")
    topics = _read_toml(data_dir / "topics.toml")
    entities = _entities(raw)
    by_name = {e.name: e.entity_id for e in entities}
    rows: list[tuple] = []
    for spec, entity in zip(raw["entity"], entities, strict=True):
        eid = entity.entity_id
        if spec.get("distinctive"):
            spec = {**spec, "all": [*spec.get("all", []), *spec.get("surname", [])]}
            spec.pop("surname", None)
        _alias_rows(spec, [eid], "full", rows)
    for spec in raw.get("compound", []):
        _alias_rows(spec, [by_name[n] for n in spec["entities"]], "full", rows)
    for spec in raw.get("block", []):
        _alias_rows(spec, [""], "block", rows)
    for topic, spec in topics["topic"].items():
        for key in ("all", *LANGUAGES):
            lang = None if key == "all" else key
            for kw in spec.get(key, []):
                prefix = kw.endswith("*")
                kw = kw.rstrip("*")
                unpadded = _is_unpadded(kw, lang)
                for form in _expand_alias(kw, lang):
                    rows.append((form, "", "topic:" + topic, lang, unpadded, prefix))

    frame = pl.DataFrame(
        [r if len(r) == 6 else (*r, False) for r in rows],
        schema={
            "alias": pl.String, "entity_id": pl.String, "kind": pl.String,
            "scope": pl.String, "unpadded": pl.Boolean, "prefix": pl.Boolean,
        },
        orient="row",
    )
    normalised = _normalise_strings(frame["alias"].to_list())
    frame = frame.with_columns(core=pl.Series(normalised).str.strip_chars(" ")).filter(
        pl.col("core") != ""
    )
    frame = frame.with_columns(
        pattern=pl.when(pl.col("unpadded"))
        .then(pl.col("core"))
        .when(pl.col("prefix"))
        .then(pl.lit(" ") + pl.col("core"))
        .otherwise(pl.lit(" ") + pl.col("core") + pl.lit(" ")),
        core_start=pl.when(pl.col("unpadded")).then(0).otherwise(1).cast(pl.Int64),
        core_len=pl.col("core").str.len_bytes().cast(pl.Int64),
    )
    # A pattern valid everywhere makes the same pattern's language-scoped rows redundant.
    frame = (
        frame.with_columns(
            anywhere=pl.col("scope").is_null().any().over("pattern", "entity_id", "kind")
        )
        .filter(~pl.col("anywhere") | pl.col("scope").is_null())
        .unique(["pattern", "entity_id", "kind", "scope"])
        .select("pattern", "entity_id", "kind", "scope", "core_start", "core_len")
        .sort("pattern", "entity_id", "kind", "scope", nulls_last=True)
    )
    pattern_list = sorted(set(frame["pattern"].to_list()), key=lambda p: (-len(p), p))
    return Gazetteer(_entity_frame(entities), frame, pattern_list)
