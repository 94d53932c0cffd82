"""Timestamps as feeds and sitemaps write them (RFC 822 and ISO 8601), parsed strictly."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_feed_date(value: str | None) -> str | None:
    """Return the timestamp as ISO 8601 with the offset it was written with, or None.

    A value without an offset is returned without one (the caller decides what it
    means); a bare day stays a bare day (``YYYY-MM-DD``).
    """
    if not value:
        return None
    value = value.strip()
    if _ISO_DAY.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.isoformat() if parsed else None
