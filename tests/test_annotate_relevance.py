"""Relevance, topics, language and the annotate contract, on texts written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from transform import language
from transform.annotate import annotate, annotate_records
from transform.language import declared_code, identify_many


def one(title: str, text: str, lang: str | None = None) -> dict:
    return annotate_records([{"id": "x", "title": title, "text": text, "language": lang}])[0]


def test_bilateral_story_is_relevant() -> None:
    r = one("Putin and Xi discuss gas", "Russia and China agreed to expand gas supplies via "
            "the Power of Siberia pipeline, the Kremlin said.", "en")
    assert r["is_relevant"] and r["relevance"] >= 0.5
    assert "energy" in r["topics"]


def test_one_sided_story_is_not_relevant() -> None:
    r = one("Moscow budget", "Russia's parliament approved the budget. Vladimir Putin signed it.")
    assert not r["is_relevant"]
    assert r["relevance"] < 0.5


def test_passing_mention_is_not_enough() -> None:
    text = ("Russia's central bank raised rates again. " * 15) + "Analysts also cited China."
    assert not one("Rates rise in Russia", text, "en")["is_relevant"]


def test_fine_china_is_not_relevant() -> None:
    r = one("Fine china for sale", "A set of fine china and bone china plates, Russian style.")
    assert not r["is_relevant"]
    assert "China" not in {e["name"] for e in r["entities"]}


def test_relevance_across_languages() -> None:
    cases = [
        ("ru", "Лавров и Ван И провели переговоры", "Россия и Китай обсудили сотрудничество."),
        ("zh", "中俄外长会谈", "王毅同拉夫罗夫举行会谈。"),
        ("ja", "中ロ首脳が会談", "習近平国家主席とプーチン大統領が会談した。"),
        ("ar", "بوتين وشي يبحثان التعاون", "بحث الرئيس الروسي مع نظيره الصيني العلاقات."),
        ("de", "Moskau und Peking", "Russland und China vertiefen ihre Zusammenarbeit."),
        ("fr", "Pékin et Moscou", "La Chine et la Russie renforcent leur coopération."),
        ("es", "Pekín y Moscú", "China y Rusia amplían su cooperación."),
        ("id", "Rusia dan Tiongkok", "Rusia dan Tiongkok memperkuat kerja sama."),
    ]
    for lang, title, text in cases:
        assert one(title, text, lang)["is_relevant"], lang


def test_topics_from_keywords_in_several_languages() -> None:
    assert "sanctions" in one("Санкции", "Новые санкции против России и Китая.", "ru")["topics"]
    assert "military" in one("Militärmanöver", "Russland und China halten Manöver ab.")["topics"]
    assert "taiwan" in one("Taiwan", "China warned Taiwan; Russia backed Beijing.")["topics"]
    assert "sco_brics" in one("SCO summit", "The SCO and BRICS met in Kazan.")["topics"]


def test_language_identification_and_cross_check() -> None:
    texts = ["Russia and China signed a long agreement on trade and energy today.",
             "Россия и Китай подписали соглашение о торговле и энергетике.",
             "中国和俄罗斯签署了贸易和能源协议。", ""]
    assert identify_many(texts, [None, "en", None, "fr-FR"]) == ["en", "ru", "zh", "fr"]
    assert declared_code("zh_Hans") == "zh" and declared_code("EN-us") == "en"
    assert declared_code("x") is None


def test_batched_identification_is_py3langids_own() -> None:
    # Samples of different lengths and scripts in one batch (the batch is walked sorted by
    # length), plus samples with no feature at all.
    texts = ["Der Außenminister reiste am Dienstag nach Peking.", "Ok",
             "El comercio entre Rusia y China creció el año pasado según los datos oficiales "
             "publicados por las aduanas de ambos países.",
             "モスクワで首脳会談が行われた。", "وقال المتحدث إن المحادثات كانت بناءة.",
             "Presiden bertemu dengan para menteri di istana pada hari Senin.",
             "LE PRÉSIDENT A PARLÉ", "12345", "", "Украина"]
    samples = [language._Model.encode(t) for t in texts]
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    reference.set_languages(sorted(language.NEWS_LANGUAGES))
    batched = language._model().classify(samples)
    for sample, (lang, conf) in zip(samples, batched, strict=True):
        if not sample:
            continue
        ref_lang, ref_conf = reference.classify(sample)
        assert (lang, conf) == (ref_lang, pytest.approx(ref_conf, abs=1e-4))


def test_annotate_frame_contract_and_order() -> None:
    frame = pl.DataFrame({
        "id": ["b", "a", "c"],
        "title": [None, "Xi meets Putin", "Empty"],
        "text": ["Nothing here.", "Xi Jinping met Vladimir Putin in Beijing.", ""],
        "language": [None, "en", None],
        "published_at": [datetime(2025, 1, 1, tzinfo=UTC)] * 3,
    })
    out = annotate(frame)
    assert out["id"].to_list() == ["b", "a", "c"]
    assert out.columns == ["id", "language", "mentions", "entities", "relevance",
                           "is_relevant", "topics", "dates"]
    assert out["mentions"][0].to_list() == []
    assert out["is_relevant"].to_list() == [False, True, False]
    ents = {e["name"]: e for e in out["entities"][1]}
    assert ents["Xi Jinping"]["count"] == 2 and ents["Xi Jinping"]["wikidata_id"] == "Q15031"


def test_annotate_is_deterministic() -> None:
    rec = {"id": "d", "title": "中俄关系", "text": "王毅在莫斯科会见普京。王毅表示……"}
    assert annotate_records([rec]) == annotate_records([rec])


def test_annotate_records_contract() -> None:
    [r] = annotate_records([{"id": 1, "title": "t", "text": "Russia and China."}])
    assert set(r) == {"id", "language", "entities", "relevance", "is_relevant", "topics",
                      "dates"}
    assert r["dates"] == [] and r["id"] == "1"
    assert set(r["entities"][0]) == {"name", "wikidata_id", "type", "side", "count"}


def test_empty_batch() -> None:
    out = annotate(pl.DataFrame({"id": [], "title": [], "text": [], "language": []},
                                schema={"id": pl.String, "title": pl.String,
                                        "text": pl.String, "language": pl.String}))
    assert out.height == 0
