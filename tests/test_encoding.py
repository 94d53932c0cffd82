"""Decoding pages: header charset, meta tag, BOM, and detection when the label lies."""

from __future__ import annotations

from ingest.encoding import decode_body

RU = "Министр иностранных дел России Сергей Лавров встретился с китайским коллегой Ван И в Пекине."
ZH = "中俄两国外长在北京举行会谈，双方同意加强在上海合作组织框架内的合作。"


def _page(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p><p>{text}</p></body></html>"


def test_windows_1251_declared_in_header() -> None:
    text, enc = decode_body(_page(RU).encode("cp1251"), "text/html; charset=windows-1251")
    assert RU in text and enc == "cp1251"


def test_windows_1251_declared_in_meta() -> None:
    body = _page(RU, '<meta charset="windows-1251">').encode("cp1251")
    assert RU in decode_body(body, "text/html")[0]


def test_gbk_declared_as_gb2312_decodes_with_the_superset() -> None:
    body = _page(ZH, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    assert ZH in decode_body(body.encode("gbk"), None)[0]


def test_page_declared_utf8_that_is_really_windows_1251() -> None:
    text, enc = decode_body(_page(RU * 3).encode("cp1251"), "text/html; charset=utf-8")
    assert RU in text
    assert enc == "cp1251"


def test_utf8_bom_wins() -> None:
    body = b"\xef\xbb\xbf" + _page(ZH).encode("utf-8")
    assert ZH in decode_body(body, "text/html; charset=iso-8859-1")[0]
