"""Bytes to text for HTML pages: BOM, then the page's declared charset, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# Browsers treat these labels as windows-1252 / UTF-8 (WHATWG Encoding Standard).
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "utf8": "utf-8", "x-user-defined": "cp1252"}


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes) -> str:
    """Decode an HTML document as a browser would, without the HTTP header."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    match = _META_CHARSET.search(data[:4096])
    declared = _codec(match.group(1).decode("ascii", "ignore")) if match else None
    if declared:
        # A page labelled as a legacy charset but valid UTF-8 is almost always UTF-8.
        if declared not in {"utf-8", "utf-16", "utf-16-le", "utf-16-be"}:
            try:
                text = data.decode("utf-8")
                if any(ord(c) > 127 for c in text):
                    return text
            except UnicodeDecodeError:
                pass
        if declared.startswith("utf-16"):
            declared = "utf-8"  # an ASCII-readable meta tag cannot sit in a UTF-16 file
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("utf-8", errors="replace")
