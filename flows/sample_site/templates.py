# ruff: noqa: E501  (the page templates are HTML; wrapping their lines would only obscure them)
"""Page templates of the four sample outlets (used by ``build.py`` only, never at serve time).

Each outlet wraps the article body in the clutter real news pages carry — navigation,
breadcrumbs, an inline "read also" box, share buttons, related and most-read lists, a
newsletter form, a cookie banner, a footer — so extraction is tested on realistic HTML.
Dates appear in the page only when the article's ``date_in`` is "meta" or "jsonld"; the
other pages carry no date at all (no visible date, no year in the footer).
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flows.sample_site.build import Article

BASE = "{{BASE}}"

# Interface words per language, shared by the multilingual outlets.
UI: dict[str, dict[str, str]] = {
    "en": dict(share="Share this story", related="Related stories", read_also="Read more",
               most_read="Most read", newsletter="Get the morning briefing in your inbox",
               subscribe="Sign up", email="Your email address",
               cookie="We use cookies to personalise content and ads and to analyse our "
                      "traffic.", accept="Accept all", reject="Reject", settings="Manage",
               home="Home", about="About us", contact="Contact", privacy="Privacy policy",
               terms="Terms of use", advertise="Advertise", search="Search", tags="Topics",
               photo="Photo", published="Published", updated="Updated", skip="Skip to content"),
    "de": dict(share="Artikel teilen", related="Mehr zum Thema", read_also="Lesen Sie auch",
               most_read="Meistgelesen", newsletter="Der Morgen-Newsletter der Redaktion",
               subscribe="Abonnieren", email="Ihre E-Mail-Adresse",
               cookie="Wir verwenden Cookies, um Inhalte zu personalisieren und Zugriffe zu "
                      "analysieren.", accept="Alle akzeptieren", reject="Ablehnen",
               settings="Einstellungen", home="Startseite", about="Über uns",
               contact="Kontakt", privacy="Datenschutz", terms="Impressum",
               advertise="Werbung", search="Suche", tags="Themen", photo="Foto",
               published="Veröffentlicht", updated="Aktualisiert", skip="Zum Inhalt"),
    "es": dict(share="Compartir", related="Noticias relacionadas", read_also="Lea también",
               most_read="Lo más leído", newsletter="Reciba nuestro boletín cada mañana",
               subscribe="Suscribirse", email="Su correo electrónico",
               cookie="Utilizamos cookies propias y de terceros para mejorar nuestros "
                      "servicios.", accept="Aceptar", reject="Rechazar",
               settings="Configurar", home="Portada", about="Quiénes somos",
               contact="Contacto", privacy="Política de privacidad", terms="Aviso legal",
               advertise="Publicidad", search="Buscar", tags="Temas", photo="Foto",
               published="Publicado", updated="Actualizado", skip="Ir al contenido"),
    "fr": dict(share="Partager", related="À lire aussi", read_also="Lire aussi",
               most_read="Les plus lus", newsletter="Recevez notre lettre d'information",
               subscribe="S'inscrire", email="Votre adresse e-mail",
               cookie="Nous utilisons des cookies pour améliorer votre expérience.",
               accept="Tout accepter", reject="Tout refuser", settings="Paramétrer",
               home="Accueil", about="Qui sommes-nous", contact="Contact",
               privacy="Confidentialité", terms="Mentions légales", advertise="Publicité",
               search="Rechercher", tags="Mots-clés", photo="Photo", published="Publié le",
               updated="Mis à jour", skip="Aller au contenu"),
    "zh": dict(share="分享到", related="相关新闻", read_also="延伸阅读", most_read="热点排行",
               newsletter="订阅每日要闻", subscribe="订阅", email="电子邮箱",
               cookie="本网站使用Cookie以改善您的浏览体验。", accept="接受", reject="拒绝",
               settings="设置", home="首页", about="关于我们", contact="联系我们",
               privacy="隐私政策", terms="版权声明", advertise="广告服务", search="搜索",
               tags="标签", photo="图片", published="发布时间", updated="更新时间",
               skip="跳到正文"),
    "ja": dict(share="シェアする", related="関連記事", read_also="あわせて読みたい",
               most_read="アクセスランキング", newsletter="ニュースレターを受け取る",
               subscribe="登録", email="メールアドレス",
               cookie="当サイトではサービス向上のためにCookieを使用しています。",
               accept="同意する", reject="拒否する", settings="設定", home="トップ",
               about="会社概要", contact="お問い合わせ", privacy="プライバシーポリシー",
               terms="利用規約", advertise="広告掲載", search="検索", tags="キーワード",
               photo="写真", published="配信", updated="更新", skip="本文へ"),
    "ar": dict(share="شارك", related="أخبار ذات صلة", read_also="اقرأ أيضا",
               most_read="الأكثر قراءة", newsletter="اشترك في النشرة اليومية",
               subscribe="اشترك", email="بريدك الإلكتروني",
               cookie="يستخدم هذا الموقع ملفات تعريف الارتباط لتحسين تجربتك.",
               accept="موافق", reject="رفض", settings="الإعدادات", home="الرئيسية",
               about="من نحن", contact="اتصل بنا", privacy="سياسة الخصوصية",
               terms="شروط الاستخدام", advertise="أعلن معنا", search="بحث", tags="الوسوم",
               photo="صورة", published="نشر في", updated="تحديث", skip="انتقل إلى المحتوى"),
    "id": dict(share="Bagikan", related="Berita Terkait", read_also="Baca juga",
               most_read="Terpopuler", newsletter="Dapatkan kabar pilihan setiap pagi",
               subscribe="Langganan", email="Alamat email Anda",
               cookie="Situs ini menggunakan cookie untuk meningkatkan pengalaman Anda.",
               accept="Setuju", reject="Tolak", settings="Atur", home="Beranda",
               about="Tentang Kami", contact="Kontak", privacy="Kebijakan Privasi",
               terms="Pedoman Media Siber", advertise="Iklan", search="Cari", tags="Tag",
               photo="Foto", published="Diterbitkan", updated="Diperbarui",
               skip="Langsung ke konten"),
    "ru": dict(share="Поделиться", related="Читайте также", read_also="Читайте также",
               most_read="Самое читаемое", newsletter="Подпишитесь на нашу рассылку",
               subscribe="Подписаться", email="Ваш e-mail",
               cookie="Мы используем файлы cookie. Продолжая пользоваться сайтом, вы "
                      "соглашаетесь с этим.", accept="Принять", reject="Отказаться",
               settings="Настроить", home="Главная", about="О редакции",
               contact="Контакты", privacy="Политика конфиденциальности",
               terms="Правила использования", advertise="Реклама", search="Поиск",
               tags="Теги", photo="Фото", published="Опубликовано", updated="Обновлено",
               skip="К содержанию"),
}

HTML_LANG = {"en": "en-GB", "zh": "zh-CN", "de": "de-DE", "es": "es-419", "fr": "fr",
             "ru": "ru", "ja": "ja", "ar": "ar", "id": "id-ID"}


def visible_date(lang: str, iso: str) -> str:
    """The date line as the outlet prints it, in the writer's local time."""
    d = datetime.fromisoformat(iso)
    hm = d.strftime("%H:%M")
    return {
        "en": f"{d.day} {d.strftime('%B %Y')}, {hm}",
        "de": f"{d:%d.%m.%Y}, {hm} Uhr",
        "es": f"{d:%d/%m/%Y} - {hm}",
        "fr": f"{d:%d/%m/%Y} à {d:%Hh%M}",
        "zh": f"{d.year}年{d:%m}月{d:%d}日 {hm}",
        "ja": f"{d.year}年{d.month}月{d.day}日 {d.hour}時{d.minute:02d}分",
        "ar": f"{d:%Y/%m/%d} {hm}",
        "id": f"{d:%d/%m/%Y}, {hm} WIB",
        "ru": f"{d:%d.%m.%Y} {hm}",
    }[lang]


def e(text: str) -> str:
    return escape(text, quote=True)


def charset_tag(a: Article, style: str) -> str:
    """The in-page charset declaration, or nothing when the HTTP header declares it."""
    if a.charset_in == "header":
        return ""
    label = {"utf-8": "utf-8", "windows-1251": "windows-1251", "gbk": "gbk"}[a.charset]
    if style == "http-equiv":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">\n'
    return f'<meta charset="{label}">\n'


def date_meta(a: Article) -> str:
    if a.date_in != "meta":
        return ""
    out = f'<meta property="article:published_time" content="{a.published}">\n'
    if a.modified:
        out += f'<meta property="article:modified_time" content="{a.modified}">\n'
    return out


def jsonld(outlet: dict[str, Any], a: Article, graph: bool | None = None) -> str:
    """schema.org NewsArticle; datePublished only when the article's date is in JSON-LD."""
    graph = a.jsonld_graph if graph is None else graph
    publisher = {"@type": "NewsMediaOrganization", "name": outlet["name"],
                 "url": f"{BASE}/{outlet['slug']}/",
                 "logo": {"@type": "ImageObject", "url": f"{BASE}/{outlet['slug']}/logo.png"}}
    article: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.dek,
        "inLanguage": a.language,
        "mainEntityOfPage": a.url,
        "articleSection": a.section,
        "image": [f"{BASE}/{outlet['slug']}/img/{a.id}.jpg"],
        "author": [{"@type": "Person", "name": n} for n in a.authors],
    }
    if a.date_in == "jsonld":
        article["datePublished"] = a.published
        if a.modified:
            article["dateModified"] = a.modified
    if graph:
        article["@id"] = a.url + "#article"
        article["publisher"] = {"@id": f"{BASE}/{outlet['slug']}/#organization"}
        publisher["@id"] = f"{BASE}/{outlet['slug']}/#organization"
        data: dict[str, Any] = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebSite", "@id": f"{BASE}/{outlet['slug']}/#website",
             "url": f"{BASE}/{outlet['slug']}/", "name": outlet["name"]},
            {"@type": "WebPage", "@id": a.url, "url": a.url, "name": a.title,
             "isPartOf": {"@id": f"{BASE}/{outlet['slug']}/#website"}},
            article,
            publisher,
        ]}
    else:
        data = {"@context": "https://schema.org", **article, "publisher": publisher}
    return ('<script type="application/ld+json">'
            + json.dumps(data, ensure_ascii=False, indent=1) + "</script>\n")


def social_meta(outlet: dict[str, Any], a: Article) -> str:
    return (
        f'<meta name="description" content="{e(a.dek)}">\n'
        f'<link rel="canonical" href="{a.url}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:site_name" content="{e(outlet["name"])}">\n'
        f'<meta property="og:title" content="{e(a.title)}">\n'
        f'<meta property="og:description" content="{e(a.dek)}">\n'
        f'<meta property="og:url" content="{a.url}">\n'
        f'<meta property="og:image" content="{BASE}/{outlet["slug"]}/img/{a.id}.jpg">\n'
        f'<meta name="twitter:card" content="summary_large_image">\n'
    )


def body_html(a: Article, aside: str, subhead_tag: str = "h2") -> str:
    """Paragraphs; lines starting with '## ' are subheads; the aside goes after paragraph 2."""
    parts = []
    for i, p in enumerate(a.paragraphs):
        if p.startswith("## "):
            parts.append(f"<{subhead_tag}>{e(p[3:])}</{subhead_tag}>")
        else:
            parts.append(f"<p>{e(p)}</p>")
        if i == 1 and aside:
            parts.append(aside)
    return "\n".join(parts)


def pick(others: list[Article], a: Article, n: int) -> list[Article]:
    """Related links: other articles of the outlet in the same language (charset-safe)."""
    same = [o for o in others if o.language == a.language]
    return same[:n]


def links(items: list[Article], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "\n".join(f'<li{attr}><a href="{o.url}">{e(o.title)}</a></li>' for o in items)


def cookie_banner(lang: str, cls: str) -> str:
    ui = UI[lang]
    return (f'<div class="{cls}" role="dialog" aria-live="polite" hidden>'
            f"<p>{e(ui['cookie'])} <a href=\"{BASE}/privacy\">{e(ui['privacy'])}</a></p>"
            f'<button class="accept">{e(ui["accept"])}</button>'
            f'<button class="reject">{e(ui["reject"])}</button>'
            f'<button class="settings">{e(ui["settings"])}</button></div>\n')


def render(outlet: dict[str, Any], a: Article, others: list[Article]) -> str:
    return {
        "meridian-post": meridian,
        "baikal-vestnik": baikal,
        "orient-observer": orient,
        "kabar-nusantara": kabar,
    }[outlet["slug"]](outlet, a, others)


# --- The Meridian Post: an international broadsheet (en, with de and es editions) ---------

MERIDIAN_NAV = {
    "en": ["World", "Europe", "Asia", "Business", "Opinion", "Sport", "Culture"],
    "de": ["Welt", "Politik", "Wirtschaft", "Meinung", "Sport", "Kultur"],
    "es": ["Mundo", "América Latina", "Economía", "Opinión", "Deportes", "Cultura"],
}


def meridian(outlet: dict[str, Any], a: Article, others: list[Article]) -> str:
    ui = UI[a.language]
    nav = "".join(f'<li><a href="{BASE}/meridian-post/{s.lower()}/">{e(s)}</a></li>'
                  for s in MERIDIAN_NAV[a.language])
    related = pick(others, a, 4)
    aside = ""
    if related:
        r = related[0]
        aside = (f'<aside class="inline-related"><span>{e(ui["read_also"])}:</span> '
                 f'<a href="{r.url}">{e(r.title)}</a></aside>')
    dateline = ""
    if a.page_has_date:
        dateline = (f'<time class="dateline" datetime="{a.published}">'
                    f"{e(visible_date(a.language, a.published or ''))}</time>")
    byline = f'<p class="byline" rel="author">{e(a.byline)}</p>' if a.byline else ""
    return f"""<!DOCTYPE html>
<html lang="{HTML_LANG[a.language]}">
<head>
{charset_tag(a, "charset")}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(a.title)} | {e(a.section)} | The Meridian Post</title>
{social_meta(outlet, a)}{date_meta(a)}<link rel="stylesheet" href="{BASE}/meridian-post/static/site.css">
<link rel="alternate" type="application/rss+xml" title="The Meridian Post" href="{BASE}/meridian-post/rss.xml">
{jsonld(outlet, a)}<script async src="{BASE}/meridian-post/static/ads.js"></script>
</head>
<body class="article-page section-{e(a.section.lower())}">
<a class="skip-link" href="#story">{e(ui["skip"])}</a>
<div class="ad-slot ad-leaderboard" data-slot="top">Advertisement</div>
<header class="masthead">
<a class="logo" href="{BASE}/meridian-post/">The Meridian Post</a>
<form class="search" action="{BASE}/meridian-post/search"><input name="q" placeholder="{e(ui["search"])}"></form>
<nav class="primary-nav" aria-label="Sections"><ul>{nav}</ul></nav>
<div class="editions"><a href="{BASE}/meridian-post/">English</a> <a href="{BASE}/meridian-post/de/">Deutsch</a> <a href="{BASE}/meridian-post/es/">Español</a></div>
</header>
<div class="ticker"><strong>Live</strong> <a href="{BASE}/meridian-post/live/">Markets: follow the trading day as it happens</a></div>
<main id="story">
<article class="story">
<nav class="breadcrumbs"><a href="{BASE}/meridian-post/">{e(ui["home"])}</a> › <a href="{BASE}/meridian-post/{e(a.section.lower())}/">{e(a.section)}</a></nav>
<header class="story-header">
<h1 class="headline">{e(a.title)}</h1>
<p class="standfirst">{e(a.dek)}</p>
{byline}
{dateline}
</header>
<figure class="lead-image"><img src="{BASE}/meridian-post/img/{a.id}.jpg" alt="" width="1200" height="675"><figcaption>{e(ui["photo"])}: Meridian Post picture desk</figcaption></figure>
<div class="story-body">
{body_html(a, aside)}
</div>
<div class="share-tools"><span>{e(ui["share"])}</span> <a class="share-facebook" href="#">Facebook</a> <a class="share-x" href="#">X</a> <a class="share-linkedin" href="#">LinkedIn</a> <a class="share-email" href="#">Email</a> <button class="copy-link">Copy link</button></div>
<ul class="tags"><li>{e(ui["tags"])}:</li><li><a href="#">{e(a.section)}</a></li></ul>
</article>
<section class="related-stories"><h2>{e(ui["related"])}</h2><ul>
{links(related[1:])}
</ul></section>
</main>
<aside class="sidebar">
<section class="most-read"><h2>{e(ui["most_read"])}</h2><ol>
{links(pick(others, a, 5)[::-1])}
</ol></section>
<section class="newsletter"><h2>{e(ui["newsletter"])}</h2><form><input type="email" placeholder="{e(ui["email"])}"><button>{e(ui["subscribe"])}</button></form></section>
<div class="ad-slot ad-mpu" data-slot="side">Advertisement</div>
</aside>
<footer class="site-footer">
<ul><li><a href="#">{e(ui["about"])}</a></li><li><a href="#">{e(ui["contact"])}</a></li><li><a href="#">{e(ui["privacy"])}</a></li><li><a href="#">{e(ui["terms"])}</a></li><li><a href="#">{e(ui["advertise"])}</a></li></ul>
<p>© The Meridian Post Ltd. All rights reserved. Registered in England and Wales.</p>
</footer>
{cookie_banner(a.language, "cookie-banner")}</body>
</html>
"""


# --- Байкальский вестник: a Russian regional outlet on an old CMS --------------------------

BAIKAL_NAV = ["Новости", "Политика", "Экономика", "Происшествия", "Спорт", "Культура",
              "Мнения", "Фото"]


def baikal(outlet: dict[str, Any], a: Article, others: list[Article]) -> str:
    ui = UI["ru"]
    nav = "".join(f'<li class="b-menu__item"><a href="{BASE}/baikal-vestnik/rubric/{i}/">'
                  f"{s}</a></li>" for i, s in enumerate(BAIKAL_NAV, 1))
    related = pick(others, a, 5)
    aside = ""
    if related:
        r = related[-1]
        aside = (f'<div class="read-also"><b>{ui["read_also"]}:</b> '
                 f'<a href="{r.url}">{e(r.title)}</a></div>')
    info = ""
    if a.page_has_date:
        info = f'<span class="news-detail__date">{visible_date("ru", a.published or "")}</span> '
    author = f'<div class="news-detail__author">{e(a.byline)}</div>' if a.byline else ""
    ld = jsonld(outlet, a) if a.date_in == "jsonld" else ""  # older pages have no JSON-LD
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
{charset_tag(a, "http-equiv")}<title>{e(a.title)} - Байкальский вестник</title>
{social_meta(outlet, a)}{date_meta(a)}<meta name="yandex-verification" content="7f3a9c0d2e1b4a56">
<link rel="stylesheet" href="{BASE}/baikal-vestnik/templates/main.css?v=318">
<link rel="alternate" type="application/atom+xml" href="{BASE}/baikal-vestnik/atom.xml">
{ld}</head>
<body>
<div class="b-top">
<div class="b-top__weather">Иркутск: -12°C</div>
<div class="b-top__currency">USD 92,4 · EUR 99,8 · CNY 12,7</div>
<div class="b-top__age">18+</div>
</div>
<div class="b-header">
<a class="b-header__logo" href="{BASE}/baikal-vestnik/">Байкальский вестник</a>
<div class="b-header__slogan">Новости Иркутска, Прибайкалья и мира</div>
<form class="b-search" action="{BASE}/baikal-vestnik/search/"><input type="text" name="q" placeholder="{ui["search"]}"></form>
</div>
<ul class="b-menu">{nav}</ul>
<div class="b-layout">
<div class="b-content">
<div class="news-detail">
<div class="breadcrumbs"><a href="{BASE}/baikal-vestnik/">{ui["home"]}</a> / <a href="{BASE}/baikal-vestnik/rubric/1/">{e(a.section)}</a></div>
<h1>{e(a.title)}</h1>
<div class="news-detail__info">{info}<span class="news-detail__views">Просмотров: 1 284</span> <span class="news-detail__comments">Комментарии (0)</span></div>
<div class="news-detail__lead"><b>{e(a.dek)}</b></div>
<div class="news-detail__img"><img src="{BASE}/baikal-vestnik/upload/iblock/{a.id}.jpg" alt="{e(a.title)}"><span>{ui["photo"]}: пресс-служба</span></div>
<div class="news-detail__text">
{body_html(a, aside, "h3")}
</div>
{author}
<div class="news-detail__share">{ui["share"]}: <a href="#" class="vk">ВКонтакте</a> <a href="#" class="ok">Одноклассники</a> <a href="#" class="tg">Telegram</a> <a href="#" class="wa">WhatsApp</a></div>
<div class="news-detail__subscribe">Подписывайтесь на наш канал в Telegram, чтобы первыми узнавать главные новости Приангарья.</div>
<div class="news-detail__error">Нашли ошибку? Выделите текст и нажмите Ctrl+Enter.</div>
</div>
<div class="b-related"><div class="b-related__title">{ui["related"]}</div><ul>
{links(related[:3], "b-related__item")}
</ul></div>
<div class="b-comments"><h4>Комментарии</h4><p>Комментариев пока нет. Будьте первым!</p><form><textarea name="comment"></textarea><button>Отправить</button></form></div>
</div>
<div class="b-sidebar">
<div class="b-banner">Реклама</div>
<div class="b-popular"><div class="b-popular__title">{ui["most_read"]}</div><ol>
{links(related[2:])}
</ol></div>
<div class="b-mailing"><p>{ui["newsletter"]}</p><form><input type="email" placeholder="{ui["email"]}"><button>{ui["subscribe"]}</button></form></div>
</div>
</div>
<div class="b-footer">
<div class="b-footer__menu"><a href="#">{ui["about"]}</a> | <a href="#">{ui["contact"]}</a> | <a href="#">{ui["advertise"]}</a> | <a href="#">{ui["privacy"]}</a></div>
<div class="b-footer__copy">© Байкальский вестник. Сетевое издание. Свидетельство о регистрации СМИ ЭЛ № ФС 77-00000. При использовании материалов ссылка на сайт обязательна.</div>
<div class="b-footer__counters"><img src="{BASE}/baikal-vestnik/counter.gif" width="88" height="31" alt=""></div>
</div>
{cookie_banner("ru", "cookie-notice")}</body>
</html>
"""


# --- 东方观察 Orient Observer: a Chinese outlet with ja, ar and fr editions ----------------

ORIENT_NAV = {
    "zh": ["时政", "国际", "财经", "军事", "科技", "体育", "文化"],
    "ja": ["国際", "中国", "経済", "社会", "スポーツ", "動画"],
    "ar": ["الصين", "العالم", "اقتصاد", "ثقافة", "رياضة", "فيديو"],
    "fr": ["Chine", "Monde", "Économie", "Culture", "Sport", "Vidéos"],
}
# Written as character references so that the GBK pages can carry them too.
LANG_SWITCH = " | ".join(
    f'<a href="{BASE}/orient-observer/{code}/">'
    + label.encode("ascii", "xmlcharrefreplace").decode() + "</a>"
    for code, label in (("zh", "中文"), ("ja", "日本語"), ("ar", "العربية"), ("fr", "Français"))
)
ORIENT_NAME = {"zh": "东方观察", "ja": "東方観察", "ar": "مرصد الشرق",
               "fr": "L'Observateur d'Orient"}


def orient(outlet: dict[str, Any], a: Article, others: list[Article]) -> str:
    lang = a.language
    ui, name = UI[lang], ORIENT_NAME[lang]
    rtl = ' dir="rtl"' if lang == "ar" else ""
    nav = "".join(f'<a href="{BASE}/orient-observer/{lang}/channel/{i}/">{s}</a>'
                  for i, s in enumerate(ORIENT_NAV[lang], 1))
    related = pick(others, a, 5)
    info = []
    if a.page_has_date:
        info.append(f'<span class="time">{visible_date(lang, a.published or "")}</span>')
    info.append(f'<span class="source">{e(name)}</span>')
    if a.byline:
        info.append(f'<span class="author">{e(a.byline)}</span>')
    aside = ""
    if related:
        aside = (f'<p class="extend"><strong>{ui["read_also"]}</strong> '
                 f'<a href="{related[0].url}">{e(related[0].title)}</a></p>')
    editor = '<div class="editor">（责任编辑：王磊）</div>' if lang == "zh" else ""
    return f"""<!DOCTYPE html>
<html lang="{HTML_LANG[lang]}"{rtl}>
<head>
{charset_tag(a, "charset")}<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{e(a.title)}_{e(name)}</title>
<meta name="keywords" content="{e(a.section)}">
{social_meta(outlet, a)}{date_meta(a)}<link rel="stylesheet" href="{BASE}/orient-observer/css/detail.css">
{jsonld(outlet, a)}</head>
<body class="lang-{lang}">
<div class="topbar">
<div class="lang-switch">{LANG_SWITCH}</div>
<div class="login"><a href="#">登录</a> <a href="#">注册</a></div>
</div>
<div class="header"><a class="logo" href="{BASE}/orient-observer/{lang}/">{e(name)}</a><div class="nav">{nav}</div><form class="so"><input name="kw" placeholder="{ui["search"]}"></form></div>
<div class="container">
<div class="main">
<div class="position"><a href="{BASE}/orient-observer/{lang}/">{ui["home"]}</a> &gt; <a href="#">{e(a.section)}</a> &gt; 正文</div>
<div class="detail">
<h1 class="title">{e(a.title)}</h1>
<div class="info">{" ".join(info)}</div>
<div class="share-top">{ui["share"]}: <a class="wechat" href="#">微信</a> <a class="weibo" href="#">微博</a> <a class="x" href="#">X</a></div>
<div id="detailContent" class="content">
<div class="pic"><img src="{BASE}/orient-observer/img/{a.id}.jpg" alt=""><p class="pic-desc">{ui["photo"]}</p></div>
{body_html(a, aside, "h3")}
</div>
{editor}
</div>
<div class="related"><h2>{ui["related"]}</h2><ul>
{links(related[1:4])}
</ul></div>
</div>
<div class="side">
<div class="rank"><h3>{ui["most_read"]}</h3><ol>
{links(related[::-1][:4])}
</ol></div>
<div class="qr"><img src="{BASE}/orient-observer/img/qr.png" alt=""><p>{ui["newsletter"]}</p></div>
</div>
</div>
<div class="footer">
<p><a href="#">{ui["about"]}</a> | <a href="#">{ui["contact"]}</a> | <a href="#">{ui["terms"]}</a> | <a href="#">{ui["privacy"]}</a> | <a href="#">{ui["advertise"]}</a></p>
<p>东方观察网 版权所有 · 互联网新闻信息服务许可证 10120170000</p>
</div>
{cookie_banner(lang, "cookie-tip")}</body>
</html>
"""


# --- Kabar Nusantara: an Indonesian WordPress site (with an English desk) --------------------

KABAR_NAV = ["Nasional", "Internasional", "Ekonomi", "Olahraga", "Teknologi", "Gaya Hidup",
             "English"]


def kabar(outlet: dict[str, Any], a: Article, others: list[Article]) -> str:
    lang = a.language
    ui = UI[lang]
    nav = "".join(f'<li class="menu-item"><a href="{BASE}/kabar-nusantara/{s.lower()}/">{s}</a>'
                  f"</li>" for s in KABAR_NAV)
    related = pick(others, a, 4) or others[:3]
    aside = ""
    if related and lang == "id":
        aside = (f'<p class="baca-juga"><strong>{ui["read_also"]}:</strong> '
                 f'<a href="{related[0].url}">{e(related[0].title)}</a></p>')
    meta = []
    if a.byline:
        meta.append(f'<span class="author vcard">{e(a.byline)}</span>')
    if a.page_has_date:
        meta.append(f'<span class="posted-on"><time class="entry-date published" '
                    f'datetime="{a.published}">{visible_date("id", a.published or "")}</time></span>')
    if a.syndicated_from:
        meta.append('<span class="source">Source: The Meridian Post</span>')
    graph = jsonld(outlet, a, graph=True)  # Yoast SEO always writes an @graph
    return f"""<!DOCTYPE html>
<html lang="{HTML_LANG[lang] if lang == "id" else "en-US"}">
<head>
{charset_tag(a, "charset").replace(">", " />", 1)}<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{e(a.title)} - Kabar Nusantara</title>
<meta name="robots" content="index, follow, max-image-preview:large" />
{social_meta(outlet, a)}{date_meta(a)}<!-- This site is optimized with the Yoast SEO plugin -->
{graph}<link rel="alternate" type="application/rss+xml" title="Kabar Nusantara &raquo; Feed" href="{BASE}/kabar-nusantara/feed/" />
<link rel="stylesheet" id="kabar-style-css" href="{BASE}/kabar-nusantara/wp-content/themes/kabar/style.css?ver=2.4.1" media="all" />
</head>
<body class="post-template-default single single-post single-format-standard">
<a class="skip-link screen-reader-text" href="#primary">{ui["skip"]}</a>
<div id="page" class="site">
<div class="top-bar"><span class="breaking">Terkini</span> <a href="{BASE}/kabar-nusantara/">Pantauan arus lalu lintas dan cuaca hari ini</a></div>
<header id="masthead" class="site-header">
<div class="site-branding"><p class="site-title"><a href="{BASE}/kabar-nusantara/" rel="home">Kabar Nusantara</a></p><p class="site-description">Tajam, Akurat, Terpercaya</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{nav}</ul></nav>
</header>
<div id="content" class="site-content">
<main id="primary" class="site-main">
<nav class="breadcrumb"><a href="{BASE}/kabar-nusantara/">{ui["home"]}</a> » <a href="#">{e(a.section)}</a></nav>
<article class="post type-post status-publish format-standard has-post-thumbnail hentry">
<header class="entry-header">
<h1 class="entry-title">{e(a.title)}</h1>
<div class="entry-meta">{" ".join(meta)}</div>
</header>
<div class="post-thumbnail"><img src="{BASE}/kabar-nusantara/wp-content/uploads/{a.id}.jpg" alt="" /><p class="wp-caption-text">{ui["photo"]}: Dok. Kabar Nusantara</p></div>
<div class="entry-content">
{body_html(a, aside)}
</div>
<footer class="entry-footer"><span class="tags-links">{ui["tags"]}: <a href="#" rel="tag">{e(a.section)}</a></span></footer>
<div class="share-buttons">{ui["share"]}: <a class="share-facebook" href="#">Facebook</a> <a class="share-x" href="#">X</a> <a class="share-whatsapp" href="#">WhatsApp</a> <a class="share-telegram" href="#">Telegram</a></div>
</article>
<section class="related-posts"><h3>{ui["related"]}</h3><ul>
{links(related[1:])}
</ul></section>
<div id="comments" class="comments-area"><h3 class="comment-reply-title">Tinggalkan Balasan</h3><form><textarea></textarea><input type="submit" value="Kirim Komentar" /></form></div>
</main>
<aside id="secondary" class="widget-area">
<section class="widget widget_popular"><h2 class="widget-title">{ui["most_read"]}</h2><ol>
{links(pick(others, a, 5)[::-1])}
</ol></section>
<section class="widget widget_newsletter"><h2 class="widget-title">{ui["newsletter"]}</h2><form><input type="email" placeholder="{ui["email"]}" /><button>{ui["subscribe"]}</button></form></section>
</aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info"><a href="#">{ui["about"]}</a> · <a href="#">{ui["terms"]}</a> · <a href="#">{ui["privacy"]}</a> · <a href="#">{ui["contact"]}</a><br />Kabar Nusantara — PT Kabar Media Nusantara. Hak cipta dilindungi undang-undang.</div></footer>
</div>
{cookie_banner(lang, "cookie-consent")}</body>
</html>
"""


# --- index pages ---------------------------------------------------------------------------

def outlet_index(outlet: dict[str, Any], items: list[Article]) -> str:
    """The outlet's front page: headlines only (no dates, so it gives nothing away)."""
    return f"""<!DOCTYPE html>
<html lang="{outlet["language"]}">
<head><meta charset="utf-8"><title>{e(outlet["name"])}</title></head>
<body><h1>{e(outlet["name"])}</h1><p>{e(outlet["description"])}</p><ul>
{links(items)}
</ul></body>
</html>
"""


def root_index(outlets: list[dict[str, Any]]) -> str:
    items = "\n".join(f'<li><a href="{BASE}/{o["slug"]}/">{e(o["name"])}</a></li>'
                      for o in outlets)
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sample news sites</title></head>
<body><h1>Sample news sites (sinorus demo)</h1><ul>
{items}
</ul></body>
</html>
"""
