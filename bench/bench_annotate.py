"""Annotation throughput: articles per second for ~5 KB texts, full gazetteer, one process.

Usage: python bench/bench_annotate.py [--articles 4000] [--batch 2000]
The texts are synthetic news paragraphs in the nine gazetteer languages (written for this
benchmark), cycled and shuffled deterministically to ~5,000 characters each.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from transform.annotate import annotate
from transform.gazetteer import load_gazetteer

PARAGRAPHS = {
    "en": [
        "Russian President Vladimir Putin met Chinese leader Xi Jinping in Moscow on Tuesday.",
        "Trade between Russia and China grew again last year, officials said, as payments "
        "moved to yuan and roubles.",
        "The talks also covered the Power of Siberia 2 pipeline and Arctic shipping routes.",
        "Analysts in Washington and Brussels watched the visit closely amid new sanctions.",
        "Local councils approved a new budget for schools and roads after a long debate.",
    ],
    "ru": [
        "Президент России Владимир Путин провел переговоры с Си Цзиньпином в Кремле.",
        "Товарооборот между Россией и Китаем вырос, сообщил Михаил Мишустин.",
        "Стороны обсудили поставки газа по газопроводу «Сила Сибири».",
        "В Москве прошла выставка современного искусства, собравшая тысячи посетителей.",
    ],
    "zh": [
        "国家主席习近平在北京会见俄罗斯总统普京，双方就中俄关系交换了意见。",
        "外交部发言人表示，中方愿同俄方加强在上海合作组织框架内的合作。",
        "今年一季度，国内消费市场继续回暖，服务业增长较快。",
    ],
    "ja": [
        "中国の習近平国家主席とロシアのプーチン大統領は電話で会談した。",
        "両国はエネルギー分野での協力拡大で一致した。",
        "東京では新しい美術館が開館し、多くの来場者が訪れた。",
    ],
    "ar": [
        "بحث الرئيس الروسي فلاديمير بوتين مع نظيره الصيني شي جين بينغ العلاقات الثنائية.",
        "وأكد الجانبان أهمية التعاون في مجال الطاقة والتجارة.",
    ],
    "de": [
        "Russland und China wollen ihre Zusammenarbeit im Energiesektor ausbauen.",
        "Der russische Außenminister Sergej Lawrow traf in Peking seinen Amtskollegen Wang Yi.",
        "In Berlin wurde über den Haushalt für das kommende Jahr beraten.",
    ],
    "fr": [
        "Le président russe Vladimir Poutine a reçu Wang Yi au Kremlin mardi.",
        "La Chine et la Russie ont signé plusieurs accords commerciaux.",
    ],
    "es": [
        "Rusia y China firmaron acuerdos comerciales en Vladivostok.",
        "El primer ministro chino, Li Qiang, visitó Moscú la semana pasada.",
    ],
    "id": [
        "Presiden Rusia Vladimir Putin bertemu Presiden Tiongkok Xi Jinping di Beijing.",
        "Perdagangan antara Rusia dan China terus meningkat, kata para pejabat.",
    ],
}


# Sentences with no gazetteer entity, so that entity density is that of real news
# (most sentences of an article name no country or leader).
NEUTRAL = {
    "en": ["The committee said the figures would be reviewed at its next meeting in the spring.",
           "Prices for fresh produce rose slightly, while fuel costs were broadly unchanged."],
    "ru": ["Комитет сообщил, что данные будут рассмотрены на следующем заседании весной.",
           "Цены на свежие продукты немного выросли, а стоимость топлива не изменилась."],
    "zh": ["委员会表示，相关数据将在春季的下一次会议上进行审议。",
           "新鲜农产品价格小幅上涨，燃料成本基本持平。"],
    "ja": ["委員会は、数字は春の次回会合で見直されると述べた。",
           "生鮮食品の価格はわずかに上昇し、燃料費はほぼ横ばいだった。"],
    "ar": ["وقالت اللجنة إن الأرقام ستتم مراجعتها في اجتماعها المقبل في الربيع.",
           "وارتفعت أسعار المنتجات الطازجة قليلا، بينما ظلت تكاليف الوقود دون تغيير."],
    "de": ["Der Ausschuss erklärte, die Zahlen würden in der nächsten Sitzung geprüft.",
           "Die Preise für frische Lebensmittel stiegen leicht, die Treibstoffkosten kaum."],
    "fr": ["Le comité a indiqué que les chiffres seraient examinés lors de sa prochaine réunion.",
           "Les prix des produits frais ont légèrement augmenté, ceux du carburant sont stables."],
    "es": ["El comité dijo que las cifras se revisarán en su próxima reunión en primavera.",
           "Los precios de los productos frescos subieron ligeramente y el combustible no cambió."],
    "id": ["Komite mengatakan angka-angka itu akan ditinjau pada rapat berikutnya di musim semi.",
           "Harga produk segar naik sedikit, sementara biaya bahan bakar hampir tidak berubah."],
}


def make_articles(n: int, size: int = 5000, seed: int = 7) -> pl.DataFrame:
    rng = random.Random(seed)
    langs = sorted(PARAGRAPHS)
    rows = []
    for i in range(n):
        lang = langs[i % len(langs)]
        paras: list[str] = []
        while sum(len(p) + 1 for p in paras) < size:
            pool = PARAGRAPHS[lang] if rng.random() < 0.3 else NEUTRAL[lang]
            paras.append(rng.choice(pool))
        text = "\n".join(paras)[:size]
        title = rng.choice(PARAGRAPHS[lang])[:80]
        rows.append((f"a{i}", title, text, lang if i % 2 else None))
    return pl.DataFrame(
        rows, schema={"id": pl.String, "title": pl.String, "text": pl.String,
                      "language": pl.String}, orient="row",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=2000)
    args = parser.parse_args()
    frame = make_articles(args.articles)
    t0 = time.perf_counter()
    load_gazetteer()
    annotate(frame.head(10))  # warm-up: language model, topic tables
    load_s = time.perf_counter() - t0
    mean_chars = frame["text"].str.len_chars().mean()
    print(f"gazetteer load + warm-up: {load_s:.2f} s; patterns: "
          f"{len(load_gazetteer().pattern_list)}")
    for with_dates in (False, True):
        # CPU seconds of this process as well as wall time: on a shared machine the wall
        # figure also counts time spent waiting for a core.
        t0, c0 = time.perf_counter(), time.process_time()
        relevant = 0
        for start in range(0, frame.height, args.batch):
            out = annotate(frame.slice(start, args.batch), with_dates=with_dates)
            relevant += int(out["is_relevant"].sum())
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        what = ("entities, relevance, topics, language + dates in text" if with_dates
                else "entities, relevance, topics, language")
        print(f"{what}: {frame.height} articles (mean {mean_chars:.0f} chars) in "
              f"{elapsed:.2f} s: {frame.height / elapsed:.0f} articles/s; "
              f"CPU {cpu:.2f} s: {frame.height / cpu:.0f} articles per CPU-second "
              f"(batch {args.batch}, {relevant} relevant)")


if __name__ == "__main__":
    main()
