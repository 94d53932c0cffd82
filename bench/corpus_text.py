# ruff: noqa: E501  (sentence pools: one phrase per string reads better than wrapped ones)
"""Text pools for the benchmark corpus: sentences, headlines, names and UI words in nine languages.

Written for this benchmark (fictional people, outlets and events). A sentence is built
from a subject, a predicate and a tail drawn independently, and a detail clause of words
drawn at random, so two pages of the same language share phrases but rarely whole
sentences and few word triples: near-duplicate detection sees distinct articles, as in a
real feed (tests/test_bench_corpus.py checks it). Pools are split into Russia–China
relevant phrases and unrelated ones (sport, weather, city life, technology), so
annotation has work to do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

LANGUAGES = ("en", "ru", "zh", "fr", "de", "es", "ar", "ja", "id")
# Languages written without spaces between words (and with their own full stop).
_NO_SPACES = {"zh": "。", "ja": "。"}


@dataclass(frozen=True)
class Pool:
    """Everything needed to write an article in one language."""

    rel_subjects: tuple[str, ...]
    rel_predicates: tuple[str, ...]
    gen_subjects: tuple[str, ...]
    gen_predicates: tuple[str, ...]
    tails: tuple[str, ...]
    rel_titles: tuple[str, ...]  # may hold {city} and {n}
    gen_titles: tuple[str, ...]
    cities: tuple[str, ...]
    authors: tuple[str, ...]
    sections: tuple[str, ...]  # navigation labels
    related: str  # heading of the related-links box
    cookie: str  # cookie banner text
    footer: str  # footer line


POOLS: dict[str, Pool] = {
    "en": Pool(
        rel_subjects=("Russia's foreign minister", "A Kremlin spokesman", "China's commerce ministry",
                      "A senior official in Beijing", "The Russian energy company Gazprom",
                      "Chinese President Xi Jinping", "Vladimir Putin", "An analyst in Shanghai",
                      "A delegation from Moscow", "The Shanghai Cooperation Organisation"),
        rel_predicates=("said trade between Russia and China would keep growing",
                        "signed an agreement on payments in roubles and yuan",
                        "discussed the Power of Siberia 2 pipeline",
                        "called the partnership with Beijing a strategic priority",
                        "announced new rail freight routes between the two countries",
                        "rejected Western criticism of military exercises with China",
                        "promised closer cooperation on the Northern Sea Route",
                        "reported record oil deliveries to Chinese refineries"),
        gen_subjects=("The city council", "A local football club", "The weather service",
                      "A start-up from the suburbs", "The national museum", "Hospital staff",
                      "The ministry of education", "A group of volunteers", "The central bank",
                      "Airport authorities"),
        gen_predicates=("opened a new park near the river", "won its third match in a row",
                        "warned of heavy rain and strong winds",
                        "raised funding for a battery factory",
                        "extended its opening hours for the summer",
                        "asked residents to save water", "changed the school calendar",
                        "kept interest rates unchanged", "reported more passengers than last year"),
        tails=("on Tuesday", "last week", "according to officials", "in a statement",
               "despite objections", "after months of talks", "earlier this month",
               "in {city}", "for the {n}th time", "by {n} percent"),
        rel_titles=("Russia and China sign {n} new trade deals", "Putin and Xi meet in {city}",
                    "Gazprom raises gas exports to China by {n}%",
                    "Moscow and Beijing hold joint naval drills",
                    "Yuan payments now cover {n}% of Russia–China trade",
                    "Chinese carmakers expand in Russia", "Lavrov visits {city} for talks"),
        gen_titles=("Storm expected in {city} this weekend", "Local club wins cup after {n} years",
                    "New metro line opens in {city}", "Museum shows {n} forgotten paintings",
                    "Prices for coffee rise again", "Start-up builds batteries from salt",
                    "{city} marathon draws {n} runners"),
        cities=("London", "Moscow", "Beijing", "Chicago", "Sydney", "Toronto", "Vladivostok",
                "Harbin"),
        authors=("Anna Miller", "James Carter", "Laura Chen", "David Brooks", "Emily Stone",
                 "Michael Grant", "Sarah Lee", "Tom Hughes"),
        sections=("World", "Politics", "Business", "Technology", "Sport", "Culture", "Opinion",
                  "Science"),
        related="Related stories",
        cookie="We use cookies to improve your experience. By continuing you accept our policy.",
        footer="All rights reserved. Reproduction without permission is prohibited.",
    ),
    "ru": Pool(
        rel_subjects=("Министр иностранных дел России", "Пресс-секретарь Кремля",
                      "Министр коммерции КНР", "Председатель КНР Си Цзиньпин",
                      "Президент Владимир Путин", "Эксперт из Шанхая",
                      "Представитель «Газпрома»", "Посол Китая в Москве",
                      "Вице-премьер Александр Новак", "Глава Минэкономразвития"),
        rel_predicates=("заявил, что товарооборот России и Китая продолжит расти",
                        "сообщил о расчётах в рублях и юанях",
                        "обсудил строительство газопровода «Сила Сибири — 2»",
                        "назвал партнёрство с Пекином стратегическим приоритетом",
                        "объявил о новых железнодорожных маршрутах между странами",
                        "отверг критику совместных учений России и Китая",
                        "пообещал развивать сотрудничество на Северном морском пути",
                        "сообщил о рекордных поставках нефти в Китай"),
        gen_subjects=("Городской совет", "Местный футбольный клуб", "Гидрометцентр",
                      "Молодой стартап", "Краеведческий музей", "Главный врач больницы",
                      "Министр образования региона", "Отряд волонтёров", "Центральный банк",
                      "Аэропорт"),
        gen_predicates=("открыл новый парк у реки", "одержал третью победу подряд",
                        "предупредил о сильном дожде и ветре",
                        "привлёк инвестиции для завода аккумуляторов",
                        "продлил часы работы на лето", "попросил жителей экономить воду",
                        "изменил школьный календарь", "сохранил ключевую ставку",
                        "сообщил о росте пассажиропотока"),
        tails=("во вторник", "на прошлой неделе", "по словам чиновников", "в своём заявлении",
               "несмотря на возражения", "после долгих переговоров", "в начале месяца",
               "в городе {city}", "уже в {n}-й раз", "на {n} процентов"),
        rel_titles=("Россия и Китай подписали {n} новых соглашений",
                    "Путин и Си Цзиньпин встретились в городе {city}",
                    "«Газпром» увеличил экспорт газа в Китай на {n}%",
                    "Москва и Пекин провели совместные учения флота",
                    "Доля юаня в торговле с Китаем достигла {n}%",
                    "Китайские автопроизводители расширяются в России",
                    "Лавров прибыл в город {city} на переговоры"),
        gen_titles=("В городе {city} ожидается шторм", "Местный клуб выиграл кубок впервые за {n} лет",
                    "В городе {city} открылась новая линия метро",
                    "Музей показал {n} забытых картин", "Цены на кофе снова выросли",
                    "Стартап делает аккумуляторы из соли",
                    "Марафон в городе {city} собрал {n} бегунов"),
        cities=("Москва", "Иркутск", "Владивосток", "Казань", "Новосибирск", "Хабаровск",
                "Пекин", "Благовещенск"),
        authors=("Анна Смирнова", "Игорь Волков", "Елена Кузнецова", "Дмитрий Орлов",
                 "Мария Соколова", "Павел Лебедев", "Ольга Морозова", "Сергей Попов"),
        sections=("Мир", "Политика", "Экономика", "Технологии", "Спорт", "Культура", "Мнения",
                  "Наука"),
        related="Читайте также",
        cookie="Мы используем файлы cookie. Продолжая, вы соглашаетесь с нашей политикой.",
        footer="Все права защищены. Перепечатка без разрешения запрещена.",
    ),
    "zh": Pool(
        rel_subjects=("俄罗斯外交部长", "克里姆林宫发言人", "中国商务部", "北京一位高级官员",
                      "俄罗斯天然气工业公司", "国家主席习近平", "俄罗斯总统普京",
                      "上海的一位分析人士", "莫斯科代表团", "上海合作组织"),
        rel_predicates=("表示中俄贸易将继续增长", "签署了以卢布和人民币结算的协议",
                        "讨论了西伯利亚力量2号管道", "称与北京的伙伴关系是战略重点",
                        "宣布开通两国之间新的铁路货运线路", "驳斥了西方对中俄联合演习的批评",
                        "承诺在北方海航道加强合作", "报告对中国炼油厂的石油供应创纪录"),
        gen_subjects=("市议会", "本地足球俱乐部", "气象部门", "一家郊区初创企业", "国家博物馆",
                      "医院工作人员", "教育部", "一群志愿者", "中央银行", "机场管理部门"),
        gen_predicates=("在河边开放了新公园", "连续第三场比赛获胜", "发布了暴雨和大风预警",
                        "为电池工厂筹集了资金", "延长了夏季开放时间", "呼吁居民节约用水",
                        "调整了学校校历", "维持利率不变", "报告旅客人数超过去年"),
        tails=("周二", "上周", "据官员介绍", "在一份声明中", "尽管有人反对", "经过数月谈判后",
               "本月早些时候", "在{city}", "第{n}次", "在第{n}届论坛上"),
        rel_titles=("中俄签署{n}项新贸易协议", "普京与习近平在{city}会晤",
                    "俄气对华天然气出口增长{n}%", "中俄举行联合海上演习",
                    "人民币结算占中俄贸易{n}%", "中国汽车制造商扩大在俄业务",
                    "拉夫罗夫抵达{city}举行会谈"),
        gen_titles=("{city}本周末将迎来风暴", "本地球队时隔{n}年再夺冠军", "{city}新地铁线开通",
                    "博物馆展出{n}幅被遗忘的画作", "咖啡价格再次上涨", "初创企业用盐制造电池",
                    "{city}马拉松吸引{n}名跑者"),
        cities=("北京", "上海", "哈尔滨", "广州", "莫斯科", "深圳", "成都", "满洲里"),
        authors=("王芳", "李明", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽"),
        sections=("国际", "政治", "财经", "科技", "体育", "文化", "评论", "科学"),
        related="相关新闻",
        cookie="我们使用Cookie来改善您的体验。继续浏览即表示您同意我们的政策。",
        footer="版权所有，未经许可不得转载。",
    ),
    "fr": Pool(
        rel_subjects=("Le ministre russe des Affaires étrangères", "Un porte-parole du Kremlin",
                      "Le ministère chinois du Commerce", "Un haut responsable à Pékin",
                      "Le groupe russe Gazprom", "Le président chinois Xi Jinping",
                      "Vladimir Poutine", "Un analyste basé à Shanghai",
                      "Une délégation venue de Moscou", "L'Organisation de coopération de Shanghai"),
        rel_predicates=("a affirmé que les échanges entre la Russie et la Chine continueraient de croître",
                        "a signé un accord sur les paiements en roubles et en yuans",
                        "a évoqué le gazoduc Force de Sibérie 2",
                        "a qualifié le partenariat avec Pékin de priorité stratégique",
                        "a annoncé de nouvelles liaisons ferroviaires entre les deux pays",
                        "a rejeté les critiques occidentales des manœuvres conjointes",
                        "a promis une coopération plus étroite sur la route maritime du Nord",
                        "a fait état de livraisons record de pétrole vers la Chine"),
        gen_subjects=("Le conseil municipal", "Le club de football local", "Météo-France",
                      "Une jeune pousse de la banlieue", "Le musée national",
                      "Le personnel de l'hôpital", "Le ministère de l'Éducation",
                      "Un groupe de bénévoles", "La banque centrale", "L'aéroport"),
        gen_predicates=("a ouvert un nouveau parc au bord du fleuve",
                        "a remporté son troisième match d'affilée",
                        "a annoncé de fortes pluies et des vents violents",
                        "a levé des fonds pour une usine de batteries",
                        "a prolongé ses horaires pour l'été",
                        "a demandé aux habitants d'économiser l'eau",
                        "a modifié le calendrier scolaire", "a maintenu ses taux inchangés",
                        "a accueilli plus de voyageurs que l'an dernier"),
        tails=("mardi", "la semaine dernière", "selon des responsables", "dans un communiqué",
               "malgré des objections", "après des mois de négociations", "au début du mois",
               "à {city}", "pour la {n}e fois", "de {n} pour cent"),
        rel_titles=("La Russie et la Chine signent {n} nouveaux accords",
                    "Poutine et Xi se retrouvent à {city}",
                    "Gazprom augmente ses exportations vers la Chine de {n} %",
                    "Moscou et Pékin mènent des exercices navals conjoints",
                    "Le yuan représente {n} % du commerce sino-russe",
                    "Les constructeurs chinois s'étendent en Russie",
                    "Lavrov en visite à {city} pour des pourparlers"),
        gen_titles=("Tempête attendue à {city} ce week-end", "Le club local gagne la coupe après {n} ans",
                    "Une nouvelle ligne de métro à {city}", "Le musée expose {n} tableaux oubliés",
                    "Le prix du café augmente encore", "Une jeune pousse fabrique des batteries au sel",
                    "Le marathon de {city} attire {n} coureurs"),
        cities=("Paris", "Lyon", "Marseille", "Moscou", "Pékin", "Bordeaux", "Lille", "Shanghai"),
        authors=("Claire Dubois", "Julien Martin", "Sophie Laurent", "Nicolas Bernard",
                 "Camille Petit", "Antoine Moreau", "Léa Fontaine", "Hugo Lefèvre"),
        sections=("Monde", "Politique", "Économie", "Technologies", "Sport", "Culture", "Idées",
                  "Sciences"),
        related="À lire aussi",
        cookie="Nous utilisons des cookies pour améliorer votre expérience. En continuant, vous acceptez.",
        footer="Tous droits réservés. Reproduction interdite sans autorisation.",
    ),
    "de": Pool(
        rel_subjects=("Der russische Außenminister", "Ein Sprecher des Kreml",
                      "Das chinesische Handelsministerium", "Ein hoher Beamter in Peking",
                      "Der russische Energiekonzern Gazprom", "Chinas Präsident Xi Jinping",
                      "Wladimir Putin", "Ein Analyst aus Shanghai", "Eine Delegation aus Moskau",
                      "Die Shanghaier Organisation für Zusammenarbeit"),
        rel_predicates=("sagte, der Handel zwischen Russland und China werde weiter wachsen",
                        "unterzeichnete ein Abkommen über Zahlungen in Rubel und Yuan",
                        "besprach die Pipeline Kraft Sibiriens 2",
                        "nannte die Partnerschaft mit Peking eine strategische Priorität",
                        "kündigte neue Güterzugverbindungen zwischen beiden Ländern an",
                        "wies westliche Kritik an gemeinsamen Manövern zurück",
                        "versprach engere Zusammenarbeit auf der Nordostpassage",
                        "meldete Rekordlieferungen von Öl an chinesische Raffinerien"),
        gen_subjects=("Der Stadtrat", "Der örtliche Fußballverein", "Der Wetterdienst",
                      "Ein junges Unternehmen aus dem Umland", "Das Landesmuseum",
                      "Das Klinikpersonal", "Das Kultusministerium", "Eine Gruppe Freiwilliger",
                      "Die Zentralbank", "Der Flughafen"),
        gen_predicates=("eröffnete einen neuen Park am Fluss", "gewann das dritte Spiel in Folge",
                        "warnte vor Starkregen und Sturm",
                        "sammelte Geld für eine Batteriefabrik",
                        "verlängerte die Öffnungszeiten für den Sommer",
                        "bat die Bewohner, Wasser zu sparen", "änderte den Schulkalender",
                        "ließ die Leitzinsen unverändert",
                        "meldete mehr Fahrgäste als im Vorjahr"),
        tails=("am Dienstag", "vergangene Woche", "nach Angaben von Beamten",
               "in einer Erklärung", "trotz Einwänden", "nach monatelangen Gesprächen",
               "Anfang des Monats", "in {city}", "zum {n}. Mal", "um {n} Prozent"),
        rel_titles=("Russland und China unterzeichnen {n} neue Handelsabkommen",
                    "Putin und Xi treffen sich in {city}",
                    "Gazprom steigert Gasexporte nach China um {n} Prozent",
                    "Moskau und Peking halten gemeinsames Seemanöver ab",
                    "Yuan deckt {n} Prozent des Handels ab",
                    "Chinesische Autobauer expandieren in Russland",
                    "Lawrow reist zu Gesprächen nach {city}"),
        gen_titles=("Sturm in {city} am Wochenende erwartet", "Verein gewinnt Pokal nach {n} Jahren",
                    "Neue U-Bahn-Linie in {city} eröffnet", "Museum zeigt {n} vergessene Gemälde",
                    "Kaffeepreise steigen erneut", "Jungunternehmen baut Batterien aus Salz",
                    "Marathon in {city} zieht {n} Läufer an"),
        cities=("Berlin", "Hamburg", "München", "Leipzig", "Moskau", "Peking", "Dresden", "Köln"),
        authors=("Katrin Schulz", "Markus Weber", "Julia Fischer", "Stefan Wagner",
                 "Lena Becker", "Thomas Hoffmann", "Nina Koch", "Jan Richter"),
        sections=("Ausland", "Politik", "Wirtschaft", "Digital", "Sport", "Kultur", "Meinung",
                  "Wissen"),
        related="Mehr zum Thema",
        cookie="Wir verwenden Cookies, um Ihr Erlebnis zu verbessern. Mit der Nutzung stimmen Sie zu.",
        footer="Alle Rechte vorbehalten. Nachdruck nur mit Genehmigung.",
    ),
    "es": Pool(
        rel_subjects=("El ministro ruso de Exteriores", "Un portavoz del Kremlin",
                      "El Ministerio de Comercio de China", "Un alto funcionario en Pekín",
                      "La energética rusa Gazprom", "El presidente chino Xi Jinping",
                      "Vladímir Putin", "Un analista de Shanghái", "Una delegación de Moscú",
                      "La Organización de Cooperación de Shanghái"),
        rel_predicates=("afirmó que el comercio entre Rusia y China seguirá creciendo",
                        "firmó un acuerdo de pagos en rublos y yuanes",
                        "abordó el gasoducto Fuerza de Siberia 2",
                        "calificó la asociación con Pekín de prioridad estratégica",
                        "anunció nuevas rutas ferroviarias entre ambos países",
                        "rechazó las críticas occidentales a las maniobras conjuntas",
                        "prometió más cooperación en la Ruta Marítima del Norte",
                        "informó de envíos récord de petróleo a refinerías chinas"),
        gen_subjects=("El ayuntamiento", "El club de fútbol local", "El servicio meteorológico",
                      "Una empresa emergente", "El museo nacional", "El personal del hospital",
                      "El Ministerio de Educación", "Un grupo de voluntarios", "El banco central",
                      "El aeropuerto"),
        gen_predicates=("abrió un nuevo parque junto al río", "ganó su tercer partido seguido",
                        "alertó de lluvias intensas y fuertes vientos",
                        "recaudó fondos para una fábrica de baterías",
                        "amplió su horario durante el verano",
                        "pidió a los vecinos ahorrar agua", "cambió el calendario escolar",
                        "mantuvo los tipos de interés",
                        "registró más pasajeros que el año pasado"),
        tails=("el martes", "la semana pasada", "según fuentes oficiales", "en un comunicado",
               "pese a las objeciones", "tras meses de negociaciones", "a principios de mes",
               "en {city}", "por {n}.ª vez", "un {n} por ciento"),
        rel_titles=("Rusia y China firman {n} nuevos acuerdos comerciales",
                    "Putin y Xi se reúnen en {city}",
                    "Gazprom eleva un {n} % sus exportaciones a China",
                    "Moscú y Pekín realizan maniobras navales conjuntas",
                    "El yuan ya cubre el {n} % del comercio bilateral",
                    "Los fabricantes chinos de coches crecen en Rusia",
                    "Lavrov viaja a {city} para conversar"),
        gen_titles=("Se espera una tormenta en {city} este fin de semana",
                    "El club local gana la copa tras {n} años", "Nueva línea de metro en {city}",
                    "El museo muestra {n} cuadros olvidados", "El café vuelve a subir",
                    "Una empresa fabrica baterías con sal",
                    "El maratón de {city} reúne a {n} corredores"),
        cities=("Madrid", "Barcelona", "Sevilla", "Valencia", "Moscú", "Pekín", "Bilbao",
                "Buenos Aires"),
        authors=("Lucía García", "Javier López", "Marta Sánchez", "Carlos Ruiz",
                 "Elena Torres", "Pablo Navarro", "Ana Romero", "Diego Castro"),
        sections=("Internacional", "Política", "Economía", "Tecnología", "Deportes", "Cultura",
                  "Opinión", "Ciencia"),
        related="Noticias relacionadas",
        cookie="Usamos cookies para mejorar su experiencia. Si continúa, acepta nuestra política.",
        footer="Todos los derechos reservados. Prohibida su reproducción sin permiso.",
    ),
    "ar": Pool(
        rel_subjects=("وزير الخارجية الروسي", "المتحدث باسم الكرملين", "وزير التجارة الصيني",
                      "مسؤول رفيع في بكين", "شركة غازبروم الروسية", "الرئيس الصيني شي جين بينغ",
                      "الرئيس فلاديمير بوتين", "محلل في شنغهاي", "الوفد القادم من موسكو",
                      "الأمين العام لمنظمة شنغهاي للتعاون"),
        rel_predicates=("أكد أن التجارة بين روسيا والصين ستواصل النمو",
                        "وقع اتفاقا للدفع بالروبل واليوان",
                        "ناقش مشروع خط أنابيب قوة سيبيريا 2",
                        "وصف الشراكة مع بكين بأنها أولوية استراتيجية",
                        "أعلن عن خطوط شحن جديدة بالسكك الحديدية بين البلدين",
                        "رفض الانتقادات الغربية للمناورات المشتركة",
                        "تعهد بتعاون أوثق في طريق بحر الشمال",
                        "أعلن عن شحنات نفط قياسية إلى المصافي الصينية"),
        gen_subjects=("المجلس البلدي", "النادي المحلي لكرة القدم", "مكتب الأرصاد الجوية",
                      "مشروع ناشئ من الضواحي", "المتحف الوطني", "مدير المستشفى",
                      "وزير التربية", "فريق من المتطوعين", "البنك المركزي", "مدير المطار"),
        gen_predicates=("افتتح حديقة جديدة قرب النهر", "حقق فوزه الثالث على التوالي",
                        "حذر من أمطار غزيرة ورياح قوية", "جمع تمويلا لمصنع بطاريات",
                        "مدد ساعات العمل خلال الصيف", "طلب من السكان ترشيد المياه",
                        "عدل التقويم المدرسي", "أبقى أسعار الفائدة دون تغيير",
                        "سجل عددا أكبر من المسافرين مقارنة بالعام الماضي"),
        tails=("يوم الثلاثاء", "الأسبوع الماضي", "بحسب مسؤولين", "في بيان رسمي",
               "رغم الاعتراضات", "بعد أشهر من المفاوضات", "في مطلع الشهر", "في {city}",
               "للمرة {n}", "بنسبة {n} في المئة"),
        rel_titles=("روسيا والصين توقعان {n} اتفاقيات تجارية جديدة", "بوتين وشي يلتقيان في {city}",
                    "غازبروم ترفع صادرات الغاز إلى الصين بنسبة {n}%",
                    "موسكو وبكين تجريان مناورات بحرية مشتركة",
                    "اليوان يغطي {n}% من التجارة الروسية الصينية",
                    "شركات السيارات الصينية تتوسع في روسيا", "لافروف يصل إلى {city} لإجراء محادثات"),
        gen_titles=("عاصفة متوقعة في {city} نهاية الأسبوع", "النادي المحلي يفوز بالكأس بعد {n} عاما",
                    "افتتاح خط مترو جديد في {city}", "المتحف يعرض {n} لوحة منسية",
                    "أسعار القهوة ترتفع مجددا", "شركة ناشئة تصنع بطاريات من الملح",
                    "ماراثون {city} يجذب {n} عداء"),
        cities=("القاهرة", "دبي", "الرياض", "بيروت", "موسكو", "بكين", "عمان", "الدوحة"),
        authors=("أحمد منصور", "ليلى حداد", "محمد السيد", "سارة خليل", "عمر فاروق",
                 "نور الهدى", "خالد يوسف", "ريم عبد الله"),
        sections=("العالم", "سياسة", "اقتصاد", "تكنولوجيا", "رياضة", "ثقافة", "رأي", "علوم"),
        related="أخبار ذات صلة",
        cookie="نستخدم ملفات تعريف الارتباط لتحسين تجربتك. بمتابعة التصفح فإنك توافق على سياستنا.",
        footer="جميع الحقوق محفوظة. يمنع النقل دون إذن.",
    ),
    "ja": Pool(
        rel_subjects=("ロシアの外相は", "ロシア大統領府の報道官は", "中国商務省は",
                      "北京の政府高官は", "ロシアのガスプロムは", "中国の習近平国家主席は",
                      "プーチン大統領は", "上海のアナリストは", "モスクワの代表団は",
                      "上海協力機構の事務局長は"),
        rel_predicates=("ロシアと中国の貿易が今後も拡大すると述べた",
                        "ルーブルと人民元による決済の協定に署名した",
                        "パイプライン「シベリアの力2」について協議した",
                        "北京との協力を戦略的な優先事項だと強調した",
                        "両国を結ぶ新たな鉄道貨物ルートを発表した",
                        "中ロ合同演習への欧米の批判を退けた",
                        "北極海航路での協力強化を約束した",
                        "中国の製油所向け原油輸出が過去最高になったと報告した"),
        gen_subjects=("市議会は", "地元のサッカークラブは", "気象台は", "郊外のスタートアップは",
                      "国立博物館は", "病院の職員は", "文部科学省は", "ボランティアの団体は",
                      "中央銀行は", "空港の運営会社は"),
        gen_predicates=("川沿いに新しい公園を開いた", "3試合連続で勝利した",
                        "大雨と強風への警戒を呼びかけた", "電池工場のための資金を集めた",
                        "夏の営業時間を延長した", "住民に節水を求めた", "学校の年間予定を変更した",
                        "金利を据え置いた", "利用客が前年を上回ったと発表した"),
        tails=("火曜日に", "先週", "関係者によると", "声明で", "反対意見があるなか",
               "数カ月の交渉を経て", "今月初めに", "{city}で", "{n}回目となる", "{n}日に"),
        rel_titles=("ロシアと中国、{n}件の新たな貿易協定に署名", "プーチン氏と習氏が{city}で会談",
                    "ガスプロム、対中ガス輸出を{n}%増加", "中ロが合同海上演習を実施",
                    "人民元決済が中ロ貿易の{n}%に", "中国の自動車メーカーがロシアで拡大",
                    "ラブロフ外相が{city}を訪問"),
        gen_titles=("{city}で週末に嵐の恐れ", "地元クラブ、{n}年ぶりに優勝", "{city}で新しい地下鉄線が開業",
                    "博物館が忘れられた絵画{n}点を公開", "コーヒー価格が再び上昇",
                    "塩から電池をつくるスタートアップ", "{city}マラソンに{n}人が参加"),
        cities=("東京", "大阪", "札幌", "福岡", "モスクワ", "北京", "名古屋", "新潟"),
        authors=("佐藤花子", "鈴木一郎", "高橋美咲", "田中健", "伊藤真理", "渡辺翔", "山本彩",
                 "中村大輔"),
        sections=("国際", "政治", "経済", "テクノロジー", "スポーツ", "文化", "オピニオン", "科学"),
        related="関連記事",
        cookie="当サイトではクッキーを使用しています。閲覧を続けると同意したものとみなします。",
        footer="無断転載を禁じます。",
    ),
    "id": Pool(
        rel_subjects=("Menteri Luar Negeri Rusia", "Juru bicara Kremlin",
                      "Kementerian Perdagangan China", "Seorang pejabat senior di Beijing",
                      "Perusahaan energi Rusia Gazprom", "Presiden China Xi Jinping",
                      "Presiden Vladimir Putin", "Seorang analis di Shanghai",
                      "Delegasi dari Moskow", "Organisasi Kerja Sama Shanghai"),
        rel_predicates=("mengatakan perdagangan Rusia dan China akan terus tumbuh",
                        "menandatangani perjanjian pembayaran dalam rubel dan yuan",
                        "membahas pipa gas Power of Siberia 2",
                        "menyebut kemitraan dengan Beijing sebagai prioritas strategis",
                        "mengumumkan rute kereta barang baru antara kedua negara",
                        "menolak kritik Barat atas latihan militer bersama",
                        "berjanji mempererat kerja sama di Rute Laut Utara",
                        "melaporkan pengiriman minyak ke kilang China mencapai rekor"),
        gen_subjects=("Dewan kota", "Klub sepak bola setempat", "Badan meteorologi",
                      "Sebuah perusahaan rintisan", "Museum nasional", "Petugas rumah sakit",
                      "Kementerian Pendidikan", "Sekelompok relawan", "Bank sentral",
                      "Pengelola bandara"),
        gen_predicates=("membuka taman baru di tepi sungai", "meraih kemenangan ketiga berturut-turut",
                        "memperingatkan hujan lebat dan angin kencang",
                        "mengumpulkan dana untuk pabrik baterai",
                        "memperpanjang jam buka selama musim panas",
                        "meminta warga menghemat air", "mengubah kalender sekolah",
                        "mempertahankan suku bunga",
                        "mencatat jumlah penumpang lebih banyak dari tahun lalu"),
        tails=("pada hari Selasa", "pekan lalu", "menurut para pejabat", "dalam sebuah pernyataan",
               "meski ada keberatan", "setelah berbulan-bulan perundingan", "awal bulan ini",
               "di {city}", "untuk ke-{n} kalinya", "sebesar {n} persen"),
        rel_titles=("Rusia dan China teken {n} kesepakatan dagang baru",
                    "Putin dan Xi bertemu di {city}",
                    "Gazprom naikkan ekspor gas ke China {n} persen",
                    "Moskow dan Beijing gelar latihan laut bersama",
                    "Yuan kini mencakup {n} persen perdagangan Rusia-China",
                    "Produsen mobil China berekspansi di Rusia",
                    "Lavrov tiba di {city} untuk perundingan"),
        gen_titles=("Badai diperkirakan melanda {city} akhir pekan ini",
                    "Klub lokal juara setelah {n} tahun", "Jalur MRT baru dibuka di {city}",
                    "Museum pamerkan {n} lukisan yang terlupakan", "Harga kopi kembali naik",
                    "Perusahaan rintisan membuat baterai dari garam",
                    "Maraton {city} diikuti {n} pelari"),
        cities=("Jakarta", "Surabaya", "Bandung", "Medan", "Moskow", "Beijing", "Makassar",
                "Denpasar"),
        authors=("Siti Rahma", "Budi Santoso", "Dewi Lestari", "Agus Pratama", "Rina Wulandari",
                 "Hendra Wijaya", "Putri Ayu", "Fajar Nugroho"),
        sections=("Dunia", "Politik", "Ekonomi", "Teknologi", "Olahraga", "Budaya", "Opini",
                  "Sains"),
        related="Berita terkait",
        cookie="Kami menggunakan cookie untuk meningkatkan pengalaman Anda. Dengan melanjutkan, Anda setuju.",
        footer="Hak cipta dilindungi undang-undang.",
    ),
}


def _fill(template: str, pool: Pool, rng: random.Random) -> str:
    return template.format(city=rng.choice(pool.cities), n=rng.randint(2, 95))


@cache
def _filler_vocabulary(language: str) -> tuple[str, ...]:
    """Words (characters for Chinese and Japanese) of the unrelated pools: the stuff of the
    detail clauses, with no Russia–China signal in it."""
    pool = POOLS[language]
    phrases = pool.gen_subjects + pool.gen_predicates
    if language in _NO_SPACES:
        return tuple(sorted({c for p in phrases for c in p if c.isalpha()}))
    return tuple(sorted({w.strip(",.;:") for p in phrases for w in p.split()} - {""}))


def _detail(language: str, rng: random.Random) -> str:
    """A clause of words drawn at random: the article's own detail (figures, places, names
    in a real story). Without it, two articles of a language shared most of their word
    triples and many thousands of them were near duplicates of one another."""
    vocabulary = _filler_vocabulary(language)
    if language in _NO_SPACES:
        return "".join(rng.choices(vocabulary, k=rng.randint(8, 14)))
    return " ".join(rng.choices(vocabulary, k=rng.randint(5, 9)))


def sentence(language: str, relevant: bool, rng: random.Random) -> str:
    """One sentence: subject, predicate, (mostly) a tail, and a detail clause of its own."""
    pool = POOLS[language]
    subjects, predicates = ((pool.rel_subjects, pool.rel_predicates) if relevant
                            else (pool.gen_subjects, pool.gen_predicates))
    parts = [rng.choice(subjects), rng.choice(predicates)]
    if rng.random() < 0.8:
        parts.append(_fill(rng.choice(pool.tails), pool, rng))
    stop = _NO_SPACES.get(language)
    if stop:
        # time/place before the verb, the detail after it
        return "".join(parts[:1] + parts[2:] + parts[1:2]) + "、" + _detail(language, rng) + stop
    return " ".join(parts) + ", " + _detail(language, rng) + "."


def headline(language: str, relevant: bool, rng: random.Random) -> str:
    pool = POOLS[language]
    return _fill(rng.choice(pool.rel_titles if relevant else pool.gen_titles), pool, rng)


def paragraphs(language: str, relevant: bool, words: int,
               rng: random.Random) -> list[str]:
    """Body paragraphs of about ``words`` words (characters / 2 for Chinese and Japanese).

    A relevant article is mostly relevant sentences. Three unrelated articles in ten
    mention Russia–China relations in one sentence, as local news sometimes does in
    passing; the rest never do.
    """
    share = 0.7 if relevant else 0.0
    out: list[str] = []
    count = 0
    cjk = language in _NO_SPACES
    while count < words:
        para = [sentence(language, rng.random() < share, rng) for _ in range(rng.randint(2, 5))]
        joined = ("" if cjk else " ").join(para)
        count += len(joined) // 2 if cjk else len(joined.split())
        out.append(joined)
    if not relevant and rng.random() < 0.3:
        k = rng.randrange(len(out))
        out[k] += ("" if cjk else " ") + sentence(language, True, rng)
    return out


def word_count(language: str, text: str) -> int:
    """Words as :func:`paragraphs` counts them."""
    return len(text) // 2 if language in _NO_SPACES else len(text.split())
