"""Canonical URLs: one spelling per article, so that URL variants load once.

courlan does the general normalisation (scheme and host case, default ports, percent
encoding, sorted query, tracking parameters such as ``utm_*``, ``fbclid``, ``gclid``).
On top of it, the variants news sites serve one article under are folded here: the
``www.`` host, mobile and AMP hosts (``m.``, ``mobile.``, ``amp.``), AMP paths
(``/amp/…``, ``…/amp``, ``….amp.html``) and AMP switches in the query (``amp``,
``amp=1``, ``outputType=amp``), and the fragment. The canonical URL is an identity key,
not necessarily a fetchable address (``www.`` is gone); ``articles.url`` keeps the one
that was fetched.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url

# Host labels that only select a rendering of the same site.
_VARIANT_HOST_LABELS = ("www", "m", "mobile", "amp")
# Query parameters that only switch AMP or mobile rendering on.
_VARIANT_PARAMS = frozenset({"amp", "amp_js_v", "usqp", "outputtype", "output", "mobile"})
_VARIANT_VALUES = frozenset({"", "1", "true", "amp", "mobile"})
_AMP_SEGMENT = re.compile(r"(?:^|/)amp(?=/|$)")
_AMP_SUFFIX = re.compile(r"\.amp(\.html?)$")


def _host(netloc: str) -> str:
    host, sep, port = netloc.lower().partition(":")
    labels = host.split(".")
    # Strip a rendering label only while a registrable-looking name (two labels) remains,
    # and never from an IP address.
    while (len(labels) > 2 and labels[0] in _VARIANT_HOST_LABELS
           and not host.replace(".", "").isdigit()):
        labels = labels[1:]
    return ".".join(labels) + (sep + port if port else "")


def _path(path: str) -> str:
    path = _AMP_SUFFIX.sub(r"\1", path)
    path = _AMP_SEGMENT.sub("", path)
    return path or "/"


def _query(query: str) -> str:
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True)
            if not (k.lower() in _VARIANT_PARAMS and v.lower() in _VARIANT_VALUES)]
    return urlencode(sorted(kept))


def canonical_url(url: str) -> str:
    """The identity spelling of an article URL (see the module docstring for the rules)."""
    try:
        normalised = normalize_url(url)
    except (ValueError, TypeError):
        normalised = url
    parts = urlsplit(normalised)
    return urlunsplit((parts.scheme.lower(), _host(parts.netloc), _path(parts.path),
                       _query(parts.query), ""))


def domain_of(url: str) -> str:
    """The host (with port when not the default) that identifies the outlet's site."""
    return _host(urlsplit(url).netloc)


def article_id_for(canonical: str) -> str:
    """A stable article id: the first 16 hex digits of SHA-1 over the canonical URL."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def same_site(a: str, b: str) -> bool:
    """Whether two URLs belong to one site (``www.``, mobile and AMP hosts included)."""
    return domain_of(a) == domain_of(b)
