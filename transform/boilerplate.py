"""Lines that extraction keeps but that are not the article's text."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from transform.titles import _key, overlap

# A block this short whose text is mostly link text is a pointer to another article
# ("Read also: <a>…</a>", a related-stories box), not part of this one.
_LINK_BLOCK_MAX_WORDS = 40
_LINK_BLOCK_DENSITY = 0.6
_LINK_BLOCK_TAGS = ("p", "aside", "div")
# ...unless it is a sentence of the story with a link in it: it ends like a sentence
# (headlines do not) and the link leaves part of it unlinked. A closing colon introduces
# a quote ("The Examiner reports:").
_SENTENCE_MIN_WORDS = 8
_SENTENCE_MAX_DENSITY = 0.8
_SENTENCE_END = re.compile(r"[.!?][\"'”’»)]*$|:$")


def strip_headline(text: str, headline: str | None) -> str:
    """Drop the headline when the text repeats it as its first line(s)."""
    if not headline or not text:
        return text
    target = _key(headline)
    lines = text.split("\n")
    while lines and lines[0].strip() and _key(lines[0]) == target:
        lines.pop(0)
    return "\n".join(lines).lstrip("\n")


# Headings that open a list of other articles at the end of a page.
_MORE_FROM = re.compile(
    r"^(?:more (?:from|on|in|stories|news)\b|related(?: articles| stories| news| coverage)?:?$|"
    r"read (?:more|next|also)\b|you (?:may|might) also like|recommended(?: for you)?:?$|"
    r"most (?:read|popular)|top stories$|читайте также|по теме:?$|lire aussi|à lire aussi|"
    r"mehr zum thema|das könnte sie auch interessieren|lea también|te puede interesar|"
    r"leggi anche|相关(?:新闻|阅读|文章)|関連記事|baca juga)",
    re.I,
)


def cut_trailing_lists(text: str) -> str:
    """Cut the text at a "More from …"/"Related" heading found in its last third."""
    lines = text.split("\n")
    start = (2 * len(lines)) // 3
    for i in range(max(1, start), len(lines)):
        line = lines[i].strip()
        if len(line) <= 60 and _MORE_FROM.match(line):
            return "\n".join(lines[:i]).rstrip()
    return text


def drop_author_bios(text: str, names: list[str], bios: list[str] | None = None) -> str:
    """Drop closing lines that introduce an author.

    A closing line is a bio when it shows a Person description from the page's
    structured data, or when it opens with an author's name (or the same surname, or
    "Outlet's Name") followed by a verb such as "is", "covers", "writes".
    """
    lines = text.split("\n")
    surnames = {name.split()[-1].casefold() for name in names if name.split()}
    while lines and (_is_declared_bio(lines[-1], bios or [])
                     or _opens_with_author(lines[-1], surnames)):
        lines.pop()
    return "\n".join(lines)


def _is_declared_bio(line: str, bios: list[str]) -> bool:
    return any(overlap(line, bio) >= 0.8 and len(line) >= 0.5 * min(len(bio), 200)
               for bio in bios)


def _opens_with_author(line: str, surnames: set[str]) -> bool:
    match = _BIO_OPENING.match(line.strip())
    return (match is not None and len(line) < _BIO_MAX_CHARS
            and match["name"].split()[-1].casefold() in surnames)


# "Jane Doe is …", "Outlet's Jane Doe is …"; up to four capitalised words of name.
_BIO_OPENING = re.compile(
    r"(?:\w[\w.&-]*['’]s\s+)?(?P<name>(?:[A-ZÀ-ÖØ-Þ][\w.'’-]*\s+){0,3}[A-ZÀ-ÖØ-Þ][\w'’-]+)\s+"
    r"(?:is|was|has|covers|writes|reports|joined|est|ist|es|è)\b"
)
_BIO_MAX_CHARS = 800


def _link_density(element: HtmlElement) -> tuple[float, int]:
    text = element.text_content()
    length = len(text.strip())
    if not length:
        return 0.0, 0
    linked = sum(len(a.text_content().strip()) for a in element.iter("a"))
    return linked / length, len(text.split())


def _is_linked_sentence(element: HtmlElement, density: float, words: int) -> bool:
    if element.tag != "p":
        return False
    text = element.text_content().strip()
    if text.endswith(":"):
        return True
    return (words >= _SENTENCE_MIN_WORDS and density < _SENTENCE_MAX_DENSITY
            and _SENTENCE_END.search(text) is not None)


def prune_link_blocks(tree: HtmlElement) -> HtmlElement:
    """Remove short, link-dominated blocks in place (inline "read also" boxes and the like).

    Extractors keep such blocks when they sit inside the article's container; their
    headlines then read as part of the story (and name entities it never mentions).
    """
    doomed = []
    # Innermost blocks first: a block's words are at least those of any block inside it, so
    # once one is too long to be a link block, none of its ancestors need counting (the
    # article's containers would otherwise be read again at every level).
    too_long: set[HtmlElement] = set()
    for element in reversed(list(tree.iter(*_LINK_BLOCK_TAGS))):
        if element in too_long or element.find(".//a") is None:
            continue
        density, words = _link_density(element)
        if words > _LINK_BLOCK_MAX_WORDS:
            parent = element.getparent()
            while parent is not None and parent not in too_long:
                too_long.add(parent)
                parent = parent.getparent()
        elif density >= _LINK_BLOCK_DENSITY and not _is_linked_sentence(element, density, words):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return tree


# Page furniture that sits inside the article's container: author boxes, newsletter and
# comment prompts, sign-up/bookmark pop-ups, hidden elements. Named by class/id words that
# mean the same on any site. ("paywall" is not one: sites put it on the story's own
# paragraphs; embedded posts stay: they are often what the story quotes.)
_FURNITURE = re.compile(
    r"(?:^|[-_\s])(?:author-?bio|about-?(?:the-?)?author|author-?(?:info|box|card)|newsletter|"
    r"show-?comments|comments?-?(?:area|section|form|cta|prompt|count)|bookmark|sign-?up|"
    r"register-?wall)(?:$|[-_\s])",
)  # lowercase, matched against lowered names: re.I is several times slower
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Larger blocks are containers of the story itself, whatever their names say.
_FURNITURE_MAX_WORDS = 150


def _is_furniture(element: HtmlElement) -> bool:
    # Not the class "hidden": utility CSS shows such elements on wide screens.
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    if style and _DISPLAY_NONE.search(style):
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return _FURNITURE.search(names) is not None


_NAMED = "//*[@class or @id or @style or @hidden]"


def prune_furniture(tree: HtmlElement) -> HtmlElement:
    """Remove page furniture (see ``_FURNITURE``) in place; the story's text stays."""
    doomed = []
    for element in tree.xpath(_NAMED):
        if element.tag in ("html", "body") or not _is_furniture(element):
            continue
        if len(element.text_content().split()) <= _FURNITURE_MAX_WORDS:
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return tree
