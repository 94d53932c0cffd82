"""Lines that extraction keeps but that are not the article's text."""

from __future__ import annotations

from transform.titles import _key


def strip_headline(text: str, headline: str | None) -> str:
    """Drop the headline when the text repeats it as its first line(s)."""
    if not headline or not text:
        return text
    target = _key(headline)
    lines = text.split("\n")
    while lines and lines[0].strip() and _key(lines[0]) == target:
        lines.pop(0)
    return "\n".join(lines).lstrip("\n")
