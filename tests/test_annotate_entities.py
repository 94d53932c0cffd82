"""Entity matching rules, in each gazetteer language, on texts written for these tests."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.annotate import annotate, annotate_records, entities_frame
from transform.entities import pattern_occurrences
from transform.gazetteer import normalise


def names(text: str, lang: str | None = None, title: str = "") -> dict[str, int]:
    [row] = annotate_records([{"id": "t", "title": title, "text": text, "language": lang}])
    return {e["name"]: e["count"] for e in row["entities"]}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "China said on Monday that Chinese officials would visit Russia.", {"China": 2}),
        ("ru", "Китай, Китая, Китаю, Китаем и Китае; КНР.", {"China": 6}),
        ("zh", "中国外交部表示，中方将继续合作。", {"China": 1}),
        ("id", "Tiongkok dan Cina adalah nama lain untuk China.", {"China": 3}),
        ("fr", "La Chine et les diplomates chinois ont salué la décision chinoise.", {"China": 3}),
        ("de", "Chinas Regierung und die chinesische Botschaft in China.", {"China": 3}),
        ("es", "China y la diplomacia china; los turistas chinos.", {"China": 3}),
        ("ar", "قالت الصين إن الوفد الصيني وصل إلى بالصين وللصين", {"China": 4}),
        ("ja", "中国政府は中国側の立場を説明した。", {"China": 2}),
    ],
)
def test_country_aliases_and_inflection(lang: str, text: str, expected: dict) -> None:
    found = names(text, lang)
    for name, count in expected.items():
        assert found.get(name) == count, found


@pytest.mark.parametrize(
    "form", ["Путин", "Путина", "Путину", "Путиным", "Путине", "Владимиром Путиным"]
)
def test_russian_person_inflection(form: str) -> None:
    assert "Vladimir Putin" in names(f"Сегодня с {form} встретились журналисты.", "ru")


def test_russian_adjective_inflection() -> None:
    found = names("Российский министр и делегация китайского правительства.", "ru")
    assert set(found) >= {"Russia", "China"}


def test_arabic_proclitics_and_demonyms() -> None:
    found = names("وقال الرئيس الروسي إن العلاقات مع بكين وبموسكو قوية، وروسيا مستعدة.", "ar")
    assert {"Russia", "Beijing", "Moscow"} <= set(found)
    assert found["Russia"] == 2


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The fine china was displayed next to bone china plates."),
        ("en", "Machinery and Chinatown restaurants."),
        ("id", "Mereka datang as soon as possible, kata asisten."),
    ],
)
def test_case_and_word_boundaries(lang: str, text: str) -> None:
    found = names(text, lang)
    assert "China" not in found and "United States" not in found, found


def test_indonesian_as_only_upper_case() -> None:
    assert "United States" in names("Presiden AS bertemu pejabat Rusia di Jakarta.", "id")
    assert "United States" not in names("Pesawat itu terbang as jauh dari Rusia.", "id")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Sino-Russian ties are strong."),
        ("ru", "Российско-китайские отношения развиваются."),
        ("zh", "中俄关系持续发展。"),
        ("zh", "俄中合作不断加深。"),
        ("ja", "中ロ関係が強化された。"),
        ("id", "Hubungan Rusia-Tiongkok semakin erat."),
        ("fr", "Le partenariat sino-russe se renforce."),
        ("es", "La alianza chino-rusa se fortalece."),
        ("de", "Die russisch-chinesische Partnerschaft wächst."),
    ],
)
def test_compounds_count_for_both_countries(lang: str, text: str) -> None:
    assert {"China", "Russia"} <= set(names(text, lang))


def test_compound_is_one_mention_per_country() -> None:
    found = names("中俄关系持续发展。", "zh")
    assert found["China"] == 1 and found["Russia"] == 1


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Sergey Lavrov spoke."), ("en", "Sergei Lavrov spoke."),
        ("fr", "Sergueï Lavrov a parlé."), ("de", "Sergej Lawrow sprach."),
        ("ru", "Сергей Лавров заявил."), ("zh", "拉夫罗夫表示。"), ("ja", "ラブロフ外相は述べた。"),
        ("ar", "قال سيرغي لافروف"),
    ],
)
def test_transliteration_variants_lavrov(lang: str, text: str) -> None:
    assert "Sergey Lavrov" in names(text, lang)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Volodymyr Zelenskyy said.", "Volodymyr Zelenskyy"),
        ("Volodymyr Zelensky said.", "Volodymyr Zelenskyy"),
        ("Andrei Belousov arrived.", "Andrey Belousov"),
        ("Andrei Beloussow kam an.", "Andrey Belousov"),
    ],
)
def test_transliteration_variants(text: str, person: str) -> None:
    assert person in names(text)


def test_surname_alone_needs_full_name_first() -> None:
    assert "Wang Yi" not in names("Wang said the talks went well.", "en")
    found = names("Wang Yi met reporters. Later Wang said the talks went well.", "en")
    assert found["Wang Yi"] == 2


def test_surname_goes_to_the_person_named_last() -> None:
    text = "Wang Wenbin told reporters that China objects. Wang said more talks were needed."
    found = names(text, "en")
    assert "Wang Yi" not in found
    assert found["Wang Wenbin"] == 2


def test_surname_in_title_may_refer_forward() -> None:
    found = names("Xi Jinping arrived in Moscow.", "en", title="Xi heads to Russia")
    assert found["Xi Jinping"] == 2


def test_mr_surname_after_full_name() -> None:
    found = names("Xi Jinping and Vladimir Putin met. Mr Xi later left.", "en")
    assert found["Xi Jinping"] == 2


def test_distinctive_surname_counts_alone() -> None:
    assert "Vladimir Putin" in names("Putin said Russia would respond.", "en")


def test_mentions_keep_surface_as_written() -> None:
    frame = pl.DataFrame({"id": ["a"], "title": ["Кремль"], "text": ["В Кремлё Sino-Russian"],
                          "language": ["ru"]})
    [row] = annotate(frame).to_dicts()
    surfaces = {(m["entity_id"], m["surface"]) for m in row["mentions"]}
    assert ("Q148", "Sino-Russian") in surfaces
    assert any(s == "Кремлё" for _, s in surfaces)
    titles = [m for m in row["mentions"] if m["in_title"]]
    assert [m["surface"] for m in titles] == ["Кремль"]


def test_entities_frame_is_the_gazetteer() -> None:
    ents = entities_frame()
    assert ents.columns == ["entity_id", "name", "wikidata_id", "type", "side"]
    assert ents.height >= 150
    assert ents["entity_id"].is_unique().all()
    by_name = {r["name"]: r for r in ents.iter_rows(named=True)}
    assert by_name["China"]["wikidata_id"] == "Q148"
    assert by_name["Vladimir Putin"]["side"] == "russia"
    assert set(ents["side"]) <= {"china", "russia", "other"}


# The matcher's normalisation, as its rule reads: every character that is not a letter,
# digit or mark (nor a space) becomes spaces of its UTF-8 width; ё and Arabic alef/ya
# variants fold. Written here as plain regexes, one per width.
_RULE = [
    (r"[\x00-\x7F&&[^0-9A-Za-z ]]", " "),
    (r"[\x{80}-\x{7FF}&&[^\p{L}\p{N}\p{M}]]", "  "),
    (r"[\x{800}-\x{FFFF}&&[^\p{L}\p{N}\p{M}]]", "   "),
    (r"[\x{10000}-\x{10FFFF}&&[^\p{L}\p{N}\p{M}]]", "    "),
]


def _by_rule(texts: list[str]) -> list[str]:
    expr = pl.col("t")
    for pattern, spaces in _RULE:
        expr = expr.str.replace_all(pattern, spaces)
    expr = expr.str.replace_many(["ё", "Ё", "أ", "إ", "آ", "ى"], ["е", "Е", "ا", "ا", "ا", "ي"])
    return pl.DataFrame({"t": texts}, schema={"t": pl.String}).select(expr)["t"].to_list()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=5))
def test_normalisation_follows_its_rule(texts: list[str]) -> None:
    assert normalise(pl.Series(texts, dtype=pl.String)).to_list() == _by_rule(texts)


def test_normalisation_examples() -> None:
    texts = ["«Ёлка», — сказал он.", "中俄，“合作”。", "Xi's visit 🇷🇺!", "الأسد… إلى", ""]
    out = normalise(pl.Series(texts)).to_list()
    assert out == _by_rule(texts)
    assert [len(t.encode()) for t in out] == [len(t.encode()) for t in texts]
    assert out[0].split() == ["Елка", "сказал", "он"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text("ab ", min_size=1, max_size=4), min_size=1, max_size=12, unique=True),
    st.lists(st.text("ab c", max_size=30), min_size=1, max_size=4),
)
def test_occurrences_are_those_of_one_automaton(patterns: list[str], texts: list[str]) -> None:
    # Small alphabets: many matches ending at one place, nested and repeated.
    docs = pl.DataFrame({"row": range(len(texts)), "lang": ["en"] * len(texts), "doc": texts},
                        schema={"row": pl.UInt32, "lang": pl.String, "doc": pl.String})
    got = pattern_occurrences(docs, patterns).select(
        "row", "pattern", pos=pl.col("pos").cast(pl.Int64)
    )
    expected = (
        docs.select(
            "row",
            pattern=pl.col("doc").str.extract_many(patterns, overlapping=True),
            pos=pl.col("doc").str.find_many(patterns, overlapping=True),
        )
        .explode(["pattern", "pos"])
        .drop_nulls("pattern")
        .select("row", "pattern", pos=pl.col("pos").cast(pl.Int64))
    )
    assert sorted(got.rows()) == sorted(expected.rows())


def test_no_articles_annotate_to_the_same_columns_as_some() -> None:
    # A run that fetched nothing stages empty tables without loading the annotators.
    frame = pl.DataFrame({"id": ["a1"], "title": ["Putin meets Xi in Beijing"],
                          "text": ["Vladimir Putin and Xi Jinping met on Tuesday."],
                          "language": ["en"], "published_at": ["2025-03-04T10:00:00+00:00"]})
    some = annotate(frame)
    none = annotate(frame.clear())
    assert none.height == 0 and some.height == 1
    assert none.schema == some.schema
