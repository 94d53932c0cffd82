"""Dates mentioned inside texts, per language and per rule, on texts written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from transform.annotate import annotate, annotate_records
from transform.textdates import dates_column, find_dates


def pairs(text: str, lang: str | None, pub: str | datetime | None) -> set[tuple[str, str]]:
    return {(d["value"], d["granularity"]) for d in find_dates(text, lang, pub)}


# 2025-06-11 is a Wednesday.
PUB = "2025-06-11T10:00:00+02:00"


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "The treaty was signed on 16 July 2001 in Moscow.", {("2001-07-16", "day")}),
        ("en", "Talks were held on March 3rd, 2024.", {("2024-03-03", "day")}),
        ("en", "Trade grew in November 2023.", {("2023-11", "month")}),
        ("ru", "Договор подписан 16 июля 2001 года.", {("2001-07-16", "day")}),
        ("ru", "Это произошло в феврале 2022 года.", {("2022-02", "month")}),
        ("zh", "双方于2001年7月16日签署条约。", {("2001-07-16", "day")}),
        ("zh", "二〇二四年五月十六日，普京访华。", {("2024-05-16", "day")}),
        ("id", "Perjanjian ditandatangani pada 16 Juli 2001.", {("2001-07-16", "day")}),
        ("id", "Invasi dimulai pada Februari 2022.", {("2022-02", "month")}),
        ("fr", "Le traité a été signé le 16 juillet 2001.", {("2001-07-16", "day")}),
        ("fr", "Le sommet du 1er mars 2024 à Pékin.", {("2024-03-01", "day")}),
        ("de", "Der Vertrag wurde am 16. Juli 2001 unterzeichnet.", {("2001-07-16", "day")}),
        ("es", "El tratado se firmó el 16 de julio de 2001.", {("2001-07-16", "day")}),
        ("es", "Ocurrió en febrero de 2022.", {("2022-02", "month")}),
        ("ar", "وقع البلدان المعاهدة في 16 تموز 2001.", {("2001-07-16", "day")}),
        ("ar", "وقع البلدان المعاهدة في ١٦ يوليو ٢٠٠١.", {("2001-07-16", "day")}),
        ("ar", "بدأت الحرب في شباط/فبراير 2022.", {("2022-02", "month")}),
        ("ja", "両国は2001年7月16日に条約に署名した。", {("2001-07-16", "day")}),
        ("ja", "令和6年5月16日に会談した。", {("2024-05-16", "day")}),
        (None, "Signed 2001-07-16 in Moscow.", {("2001-07-16", "day")}),
        ("de", "Stand: 16.07.2001", {("2001-07-16", "day")}),
        ("ar", "بدأت الحرب في 24 شباط/فبراير 2022.", {("2022-02-24", "day")}),
    ],
)
def test_absolute_dates_need_no_publication_time(lang: str | None, text: str,
                                                 expected: set) -> None:
    assert pairs(text, lang, None) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Xi spoke on Monday.", "2025-06-09"),
        ("en", "Xi spoke on Wednesday.", "2025-06-11"),  # the publication day itself
        ("en", "Xi will travel to Kazan on Friday.", "2025-06-13"),  # future tense: ahead
        ("en", "Xi spoke last Wednesday.", "2025-06-04"),
        ("en", "Xi arrives next Monday.", "2025-06-16"),
        ("ru", "Лавров заявил в пятницу.", "2025-06-06"),
        ("ru", "Переговоры состоятся в пятницу.", "2025-06-13"),
        ("ru", "Об этом сообщили в среду.", "2025-06-11"),
        ("zh", "王毅周一表示。", "2025-06-09"),
        ("zh", "王毅上周三表示。", "2025-06-04"),
        ("zh", "王毅将于下星期二访问。", "2025-06-17"),
        ("id", "Wang pada hari Senin mengatakan.", "2025-06-09"),
        ("id", "Pertemuan digelar Selasa (10/6).", "2025-06-10"),
        ("fr", "Il a déclaré mardi.", "2025-06-10"),
        ("fr", "Il se rendra vendredi à Pékin.", "2025-06-13"),
        ("de", "Putin sagte am Montagabend.", "2025-06-09"),
        ("es", "El ministro habló el martes.", "2025-06-10"),
        ("ar", "قال الوزير يوم الاثنين.", "2025-06-09"),
        ("ar", "وصل الوزير الثلاثاء.", "2025-06-10"),
        ("ja", "外相は月曜日に会談した。", "2025-06-09"),
    ],
)
def test_weekdays_resolve_against_publication_day(lang: str, text: str, expected: str) -> None:
    assert pairs(text, lang, PUB) == {(expected, "day")}


def test_weekday_matching_a_dated_day_in_the_text() -> None:
    # no tense marker: the weekday is the dated day the text names, ahead of publication
    text = "Xi heads to Moscow Friday for the parade of 13 June."
    assert pairs(text, "en", PUB) == {("2025-06-13", "day")}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "It happened yesterday.", ("2025-06-10", "day")),
        ("en", "They meet tomorrow.", ("2025-06-12", "day")),
        ("en", "Talks resume next week.", ("2025-W25", "week")),
        ("en", "Trade fell last month.", ("2025-05", "month")),
        ("en", "Trade grew last year.", ("2024", "year")),
        ("ru", "Об этом вчера сообщил МИД.", ("2025-06-10", "day")),
        ("ru", "Товарооборот вырос в прошлом году.", ("2024", "year")),
        ("zh", "外交部昨天表示。", ("2025-06-10", "day")),
        ("zh", "双方下个月举行会谈。", ("2025-07", "month")),
        ("id", "Hal itu diumumkan kemarin.", ("2025-06-10", "day")),
        ("id", "Perdagangan naik tahun lalu.", ("2024", "year")),
        ("fr", "Il l'a dit hier.", ("2025-06-10", "day")),
        ("fr", "Le sommet aura lieu la semaine prochaine.", ("2025-W25", "week")),
        ("de", "Er sagte das gestern.", ("2025-06-10", "day")),
        ("de", "Die Gespräche gehen morgen weiter.", ("2025-06-12", "day")),
        ("es", "Lo dijo ayer.", ("2025-06-10", "day")),
        ("es", "La cumbre será mañana.", ("2025-06-12", "day")),
        ("ar", "قال الوزير أمس.", ("2025-06-10", "day")),
        ("ar", "تعقد القمة الأسبوع المقبل.", ("2025-W25", "week")),
        ("ja", "外相は昨日会談した。", ("2025-06-10", "day")),
    ],
)
def test_relative_words(lang: str, text: str, expected: tuple[str, str]) -> None:
    assert pairs(text, lang, PUB) == {expected}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Xi visited Moscow in March.", "2025-03"),  # earlier this year
        ("en", "Xi will visit Moscow in August.", "2025-08"),
        ("en", "The deal was signed in December.", "2024-12"),  # far ahead: last year's
        ("id", "Pada Januari lalu, Lavrov ke Jakarta.", "2025-01"),
        ("id", "Kunjungan pada bulan Juli.", "2025-07"),
        ("ru", "Министры встречались в марте.", "2025-03"),
        ("zh", "习近平5月访俄。", "2025-05"),
        ("fr", "Il avait reçu Xi en mai.", "2025-05"),
        ("de", "Der Besuch war im Mai.", "2025-05"),
        ("es", "La cumbre fue en abril.", "2025-04"),
        ("ar", "جرت المحادثات في شهر أبريل.", "2025-04"),
        ("ja", "首脳会談は5月に行われた。", "2025-05"),
        ("en", "Xi met Putin in May last year.", "2024-05"),
        ("zh", "去年10月双方会谈。", "2024-10"),
    ],
)
def test_month_alone_resolves_to_nearest_sensible_year(lang: str, text: str,
                                                       expected: str) -> None:
    assert pairs(text, lang, PUB) == {(expected, "month")}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "The parade is on May 9.", "2025-05-09"),
        ("en", "Talks are planned for 20 June.", "2025-06-20"),
        ("ru", "Переговоры запланированы на 1 июля.", "2025-07-01"),
        ("de", "seit seiner Amtseinführung am 7. Mai", "2025-05-07"),
        ("fr", "le défilé du 3 septembre", "2025-09-03"),
        ("es", "desde el 2 de junio", "2025-06-02"),
        ("ja", "ラブロフ外相は8日、会談した。", "2025-06-08"),
        ("zh", "王毅10日表示。", "2025-06-10"),
    ],
)
def test_day_and_month_without_year(lang: str, text: str, expected: str) -> None:
    assert pairs(text, lang, PUB) == {(expected, "day")}


def test_december_in_january_is_last_year() -> None:
    assert pairs("Talks were held on December 28.", "en", "2025-01-05T09:00:00Z") == {
        ("2024-12-28", "day")
    }


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Trade rose in 2024.", {("2024", "year")}),
        ("en", "Between 2022 and 2024, trade doubled.", {("2022", "year"), ("2024", "year")}),
        ("ru", "В 2023 году товарооборот вырос.", {("2023", "year")}),
        ("zh", "2024年中俄贸易额达到2448亿美元。", {("2024", "year")}),
        ("id", "Pada tahun 2023 perdagangan naik.", {("2023", "year")}),
        ("es", "China presentó en 2023 un plan.", {("2023", "year")}),
        ("ar", "في عام 2023 ارتفعت التجارة.", {("2023", "year")}),
        ("en", "The Soviet Union ended in 1991.", {("1991", "year")}),
    ],
)
def test_years(lang: str, text: str, expected: set) -> None:
    assert pairs(text, lang, PUB) == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Officials may meet again. Trade reached $240 billion."),
        ("en", "He may 9 times out of 10 agree; 2000 troops were sent."),
        ("en", "Prices rose 2025% and the march continued at 20:15."),
        ("id", "Xi telah bertemu Putin lebih dari 40 kali. Ini peringatan ke-80."),
        ("id", "Sekitar 2024 orang hadir dalam pertemuan."),
        ("de", "Er wird morgens am Morgen kommen."),  # habitual and "the morning"
        ("es", "Por la mañana hubo reuniones."),
        ("ru", "Влияние на окружающую среду и экологическая среда."),
        ("zh", "中俄贸易额达到2448亿美元，增长了3个月。"),
        ("ja", "会談は3日間続いた。"),
        ("ar", "مارس الرئيس ضغوطا كبيرة."),
        ("fr", "Une mission vers Mars."),
    ],
)
def test_non_dates_are_not_reported(lang: str, text: str) -> None:
    assert find_dates(text, lang, PUB) == []


def test_without_publication_time_relative_expressions_are_skipped() -> None:
    text = "On Monday, in May and yesterday; the treaty of 16 July 2001."
    assert pairs(text, "en", None) == {("2001-07-16", "day")}


def test_time_zone_of_publication_decides_the_day() -> None:
    # 23:30 in Moscow on Tuesday 1 April is still 20:30 UTC the same day; 01:30 on 2 April
    # in Moscow is 1 April in UTC: the text's own offset counts.
    assert pairs("Он сказал вчера.", "ru", "2025-04-02T01:30:00+03:00") == {
        ("2025-04-01", "day")
    }
    utc = datetime(2025, 4, 1, 22, 30, tzinfo=UTC)
    assert pairs("He said yesterday.", "en", utc) == {("2025-03-31", "day")}


def test_output_in_text_order_and_deduplicated() -> None:
    found = find_dates("On Wednesday (11 June 2025) and today, after 3 March.", "en", PUB)
    assert [d["value"] for d in found] == ["2025-06-11", "2025-03-03"]
    assert found[0] == {"surface": "Wednesday", "value": "2025-06-11", "granularity": "day",
                        "resolved_from": "relative"}


def test_dates_column_accepts_datetimes_and_strings() -> None:
    frame = pl.DataFrame(
        {
            "text": ["He said yesterday.", "Вчера.", None],
            "language": ["en", "ru", None],
            "published_at": ["2025-06-11T10:00:00+02:00", "2025-06-11T01:00:00+03:00", None],
        }
    )
    out = dates_column(frame)
    assert out.dtype == pl.List(
        pl.Struct({"surface": pl.String, "value": pl.String, "granularity": pl.String,
                   "resolved_from": pl.String})
    )
    assert [[d["value"] for d in row] for row in out.to_list()] == [
        ["2025-06-10"], ["2025-06-10"], []
    ]
    typed = frame.with_columns(
        pl.Series("published_at", [datetime(2025, 6, 11, tzinfo=UTC)] * 3)
    )
    assert dates_column(typed).to_list()[0][0]["value"] == "2025-06-10"


def test_annotate_records_returns_dates() -> None:
    [row] = annotate_records(
        [{"id": "a", "title": "Talks", "text": "Wang Yi arrived in Moscow on Tuesday.",
          "language": "en", "published_at": "2025-04-02T10:00:00+03:00"}]
    )
    assert row["dates"] == [{"surface": "Tuesday", "value": "2025-04-01", "granularity": "day",
                             "resolved_from": "relative"}]


def test_annotate_adds_a_dates_column() -> None:
    frame = pl.DataFrame(
        {"id": ["a", "b"], "title": ["x", None], "text": ["Signed on 1 May 2024.", "Hier."],
         "language": ["en", "fr"]}
    )
    out = annotate(frame)
    assert out["dates"].to_list() == [
        [{"surface": "1 May 2024", "value": "2024-05-01", "granularity": "day",
          "resolved_from": "absolute"}], []
    ]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "The summit runs 27-28 June.", {"2025-06-27", "2025-06-28"}),
        ("ru", "Саммит пройдёт 27–28 июня.", {"2025-06-27", "2025-06-28"}),
        ("zh", "峰会将于6月27日至28日举行。", {"2025-06-27", "2025-06-28"}),
        ("fr", "Le sommet des 27 et 28 juin 2024.", {"2024-06-27", "2024-06-28"}),
        ("es", "La cumbre de los días 27 y 28 de junio.", {"2025-06-27", "2025-06-28"}),
        ("de", "Der Gipfel am 27. und 28. Juni.", {"2025-06-27", "2025-06-28"}),
    ],
)
def test_day_ranges_give_both_days(lang: str, text: str, expected: set) -> None:
    assert {v for v, _ in pairs(text, lang, PUB)} == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Putin visited China in 2000.", ("2000", "year")),
        ("de", "Das Treffen fand Ende vergangenen Jahres statt.", ("2024", "year")),
        ("ar", "التقى الزعيمان في شهر آذار/مارس الماضي.", ("2025-03", "month")),
        ("es", "La visita fue el martes pasado.", ("2025-06-10", "day")),
        ("fr", "Il est venu mardi dernier.", ("2025-06-10", "day")),
        ("id", "Dia datang Selasa lalu.", ("2025-06-10", "day")),
        ("ja", "先週水曜日に会談した。", ("2025-06-04", "day")),
        ("ru", "Он приедет в следующую среду.", ("2025-06-18", "day")),
        ("de", "Am 15.06. trifft er Xi.", ("2025-06-15", "day")),
        ("de", "Das war im Maerz.", ("2025-03", "month")),
    ],
)
def test_modifiers(lang: str, text: str, expected: tuple[str, str]) -> None:
    assert pairs(text, lang, PUB) == {expected}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("fr", "Les échanges ont baissé entre janvier et juillet.", {"2025-01", "2025-07"}),
        ("es", "Entre enero y julio el comercio cayó.", {"2025-01", "2025-07"}),
        ("de", "Von Januar bis Juli sank der Handel.", {"2025-01", "2025-07"}),
        ("id", "Perdagangan turun antara Januari dan Juli.", {"2025-01", "2025-07"}),
        ("ar", "انخفضت التجارة بين يناير/كانون الثاني ويوليو/تموز.", {"2025-01", "2025-07"}),
    ],
)
def test_month_spans_give_both_months(lang: str, text: str, expected: set) -> None:
    assert {v for v, _ in pairs(text, lang, PUB)} == expected


def test_scheduled_present_tense_points_ahead() -> None:
    # German present tense of a scheduled event ("findet … statt") is read as future
    assert pairs("Die Parade findet am Freitag statt.", "de", PUB) == {("2025-06-13", "day")}


def test_a_subordinate_clause_has_its_own_tense() -> None:
    # "would" belongs to the clause after "that"; the weekday to the main clause
    assert pairs("Macron suggested on Monday that allies would help.", "en", PUB) == {
        ("2025-06-09", "day")
    }
    assert pairs("He said that Xi will visit on Friday.", "en", PUB) == {("2025-06-13", "day")}


def test_annotate_can_skip_dates() -> None:
    import polars as pl

    from transform.annotate import annotate

    frame = pl.DataFrame({"id": ["1"], "title": ["Talks"], "language": ["en"],
                          "text": ["Putin met Xi in Moscow on 12 March 2025."]})
    assert annotate(frame)["dates"].to_list()[0] != []
    skipped = annotate(frame, with_dates=False)
    assert skipped["dates"].to_list() == [[]]
    assert skipped["entities"].to_list() == annotate(frame)["entities"].to_list()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # a month name that is a person's name
        ("en", "April Ryan asked the minister a question."),
        ("en", "Theresa May said the talks went well."),
        ("en", "June Carter sang in Moscow."),
        ("id", "Juni Sitorus menjadi juru bicara."),
        ("es", "Abril Zamora habló con la prensa."),
        ("fr", "Avril Lavigne a chanté à Pékin."),
        ("ru", "Май Сато выступила."),
        # "may" the modal verb
        ("en", "China may seek to extend the deal, officials said."),
        # ordinal anniversaries
        ("en", "Moscow marked the 80th anniversary of victory."),
        ("ru", "Москва отметила 80-летие Победы."),
        ("zh", "莫斯科庆祝胜利80周年。"),
        ("es", "Se celebró el 80.º aniversario de la victoria."),
        ("fr", "Le 80e anniversaire de la victoire."),
        ("de", "Zum 80. Jahrestag des Kriegsendes kam Xi."),
        ("ar", "احتفلت موسكو بالذكرى الـ80 للنصر."),
        ("ja", "戦勝80周年を記念した。"),
        # times of day
        ("en", "The talks began at 10:30 and ended at 14.45."),
        ("de", "Das Treffen begann um 10.05 Uhr."),
        ("ru", "Встреча началась в 15:30 по московскому времени."),
        ("fr", "La réunion a commencé à 10h30."),
        ("zh", "会谈于上午10点30分开始。"),
        ("ja", "会談は午後3時に始まった。"),
        ("es", "La reunión empezó a las 10.30 horas."),
        ("ar", "بدأ الاجتماع في الساعة 10:30 صباحا."),
        # prices, quantities, document numbers
        ("en", "Trade reached $240 billion, or 2024 million yuan."),
        ("en", "Resolution 2231 and document No. 2019/1187 were cited."),
        ("en", "Article ID 20250311 was updated."),
        ("ru", "Товарооборот составил 240 млрд долларов."),
        ("id", "Nilainya Rp 2.024 triliun."),
    ],
)
def test_traps_are_not_dates(lang: str, text: str) -> None:
    assert find_dates(text, lang, PUB) == []


@pytest.mark.parametrize(
    ("lang", "past", "future"),
    [
        ("en", "Lavrov said on Friday that ties were strong.", "Xi will arrive on Friday."),
        ("id", "Xi tiba pada hari Jumat.", "Xi akan tiba pada hari Jumat."),
        ("ru", "Си прибыл в Москву в пятницу.", "Си прибудет в Москву в пятницу."),
        ("zh", "习近平周五抵达莫斯科。", "习近平将于周五抵达莫斯科。"),
        ("es", "El presidente llegó el viernes.", "El presidente llegará el próximo viernes."),
        ("fr", "Le président est arrivé vendredi.", "Le président arrivera vendredi."),
        ("de", "Der Präsident ist am Freitag angekommen.",
         "Der Präsident wird am Freitag ankommen."),
        ("ar", "وصل الرئيس يوم الجمعة.", "سيصل الرئيس يوم الجمعة."),
        ("ja", "大統領は金曜日に到着した。", "大統領は金曜日に到着する予定だ。"),
    ],
)
def test_tense_chooses_the_past_or_the_coming_weekday(lang: str, past: str,
                                                      future: str) -> None:
    # published on Wednesday 11 June 2025: the Friday before, or the one after
    assert pairs(past, lang, PUB) == {("2025-06-06", "day")}
    assert pairs(future, lang, PUB) == {("2025-06-13", "day")}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The forum will run from October 22 to 24."),
        ("id", "Forum akan digelar 22-24 Oktober."),
        ("fr", "Le forum se tiendra du 22 au 24 octobre."),
        ("es", "El foro se celebrará del 22 al 24 de octubre."),
        ("de", "Das Forum findet vom 22. bis 24. Oktober statt."),
        ("ar", "سيعقد المنتدى يوم 22-24 أكتوبر."),
        ("ja", "フォーラムは10月22日から24日まで開かれる予定だ。"),
    ],
)
def test_ranges_give_both_ends(lang: str, text: str) -> None:
    assert pairs(text, lang, "2025-09-20T12:00:00Z") == {("2025-10-22", "day"),
                                                         ("2025-10-24", "day")}


def test_a_range_across_months_gives_both_ends() -> None:
    assert pairs("Форум пройдёт 31 августа — 1 сентября.", "ru", PUB) == {
        ("2025-08-31", "day"), ("2025-09-01", "day")}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ja", "明日、会談が行われる。", "2025-06-12"),
        ("zh", "明天举行会谈。", "2025-06-12"),
        ("id", "Pertemuan digelar besok.", "2025-06-12"),
        ("id", "Hari ini Xi bertemu Putin.", "2025-06-11"),
        ("ru", "Завтра начнутся переговоры.", "2025-06-12"),
        ("fr", "Aujourd'hui, Xi rencontre Poutine.", "2025-06-11"),
        ("fr", "La réunion est prévue demain.", "2025-06-12"),
        ("de", "Heute trifft Xi Putin.", "2025-06-11"),
        ("es", "Hoy Xi se reúne con Putin.", "2025-06-11"),
        ("ar", "يلتقي شي بوتين غدا.", "2025-06-12"),
        ("ar", "يلتقي شي بوتين اليوم.", "2025-06-11"),
    ],
)
def test_today_and_tomorrow(lang: str, text: str, expected: str) -> None:
    assert pairs(text, lang, PUB) == {(expected, "day")}


def test_resolved_from_tells_absolute_from_relative() -> None:
    found = find_dates("Putin arrived on Tuesday, after the 9 May 2025 parade and talks in "
                       "March.", "en", PUB)
    assert {d["value"]: d["resolved_from"] for d in found} == {
        "2025-06-10": "relative", "2025-05-09": "absolute", "2025-03": "relative"}


def test_a_batch_gives_what_each_text_gives_alone() -> None:
    # the batch is scanned per language with polars: mixing languages, empty and dateless
    # texts must not change any text's dates
    rows = [("Wang pada hari Selasa tiba di Moskow pada Februari 2022.", "id"),
            ("Си прибудет в пятницу, 13 июня.", "ru"), ("", "en"), (None, None),
            ("No dates here at all.", "en"), ("王毅10日表示，2024年贸易增长。", None),
            ("Talks on 2025-06-03 in Geneva.", "pt"), ("Xi spoke yesterday.", "en-GB")]
    frame = pl.DataFrame({"text": [t for t, _ in rows], "language": [lg for _, lg in rows],
                          "published_at": [PUB] * len(rows)})
    batch = dates_column(frame).to_list()
    alone = [find_dates(t or "", lg, PUB) for t, lg in rows]
    assert batch == alone
    assert [len(b) for b in batch] == [2, 1, 0, 0, 0, 2, 1, 1]  # Friday is 13 June


def test_the_project_set_scores_above_the_target() -> None:
    # texts written for the project in the format of the evaluation sets, scored like them
    from bench.eval_text_dates import evaluate, load

    recall, precision = evaluate(load(Path(__file__).parent / "fixtures" / "dates_in_text.jsonl"))
    assert recall >= 0.9 and precision >= 0.9
