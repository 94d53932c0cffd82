"""Paywalls and cookie walls: pages whose visible text is a wall, not an article."""

from __future__ import annotations

import re
from typing import Any

from transform.structured import PageData

# Lowercase only, matched against lowered text: with re.I, Python's re took ≈ 0.8 ms per
# 4.5 KB article (7× longer), a tenth of a worker's time per page.
_PAYWALL = re.compile(
    r"subscribe (?:now )?to (?:continue|keep) reading|to continue reading,? (?:please )?"
    r"(?:subscribe|log ?in|sign in)|already a subscriber|this (?:article|content|story) is "
    r"(?:only )?(?:available|reserved) (?:to|for) (?:subscribers|members)|"
    r"subscribers only|premium content|become a (?:subscriber|member) to read|"
    r"pour lire la suite|réservé aux abonnés|article réservé|weiterlesen mit|"
    r"nur für abonnenten|jetzt abonnieren|lesen sie (?:jetzt )?weiter mit|"
    r"solo para suscriptores|contenido exclusivo para suscriptores|suscríbete para seguir|"
    r"riservato agli abbonati|материал доступен только (?:по )?подписчикам|"
    r"оформите подписку|доступно только по подписке|订阅后(?:可)?阅读|付费(?:阅读|内容)|"
    r"会員限定|有料会員",
)
_COOKIE = re.compile(
    r"cookie|consent|gdpr|privacy (?:policy|settings|preferences)|accept all|reject all|"
    r"manage (?:options|preferences)|we value your privacy|before you continue|"
    r"datenschutz|einwilligung|zustimmen|akzeptieren|"
    r"consentement|accepter|tout refuser|aceptar|rechazar|"
    r"файл(?:ы|ов)? cookie|куки|согласие|соглас(?:ен|иться)|隐私|同意|クッキー",
    re.I,
)


def declared_paywall(page: PageData) -> bool:
    """True when the page's structured data says it is not free to read."""
    values: list[Any] = page.article_values("isAccessibleForFree")
    values += page.meta.get("article:content_tier", [])
    for value in values:
        text = str(value).strip().lower()
        if text in {"false", "0", "no", "locked", "metered", "premium"}:
            return True
    return False


def cut_paywall(text: str) -> tuple[str, bool]:
    """Drop the wall's lines (and anything after them); report whether a wall was found."""
    if not _PAYWALL.search(text.lower()):
        return text, False
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if len(line) < 400 and _PAYWALL.search(line.lower()):
            return "\n".join(lines[:i]).strip(), True
    return text, False


def is_cookie_wall(text: str) -> bool:
    """A short text whose lines are mostly about cookies and consent."""
    if len(text.split()) > 400:  # before splitting lines: most articles stop here
        return False
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return False
    hits = sum(1 for line in lines if _COOKIE.search(line))
    return hits / len(lines) >= 0.5


def drop_cookie_lines(text: str) -> str:
    """Remove consent-banner lines that leaked into an article's text."""
    lines = text.split("\n")
    kept = [line for line in lines
            if not (len(line) < 300 and re.search(r"cookie|consent", line, re.I)
                    and _COOKIE.search(line))]
    return "\n".join(kept)
