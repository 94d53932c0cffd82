"""Turning response bytes into text: header charset, BOM, meta tag, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""")
# Declared legacy Chinese charsets are decoded with their superset: pages labelled GB2312
# or GBK routinely contain characters only GB18030 has.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "iso-8859-1": "cp1252",
              "ascii": "cp1252", "us-ascii": "cp1252"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.\-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _normalise(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(canonical, _SUPERSETS.get(name.strip().lower(), canonical))


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page; returns (text, encoding used).

    A declared charset is trusted only if the bytes decode cleanly with it: a page
    declared UTF-8 that is really windows-1251 falls through to detection.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace"), name
    head = body[:4096]
    declared = [charset_from_content_type(content_type)]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        match = pattern.search(head)
        if match:
            declared.append(match.group(1).decode("ascii", "ignore"))
    for name in declared:
        encoding = _normalise(name)
        if encoding:
            try:
                return body.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        encoding = _normalise(best.encoding) or best.encoding
        return body.decode(encoding, errors="replace"), encoding
    return body.decode("utf-8", errors="replace"), "utf-8"
