"""What the checks need from an HTML page, extracted once at crawl time.

Keeping only links, visible text and "list items" (a link plus the text around it) instead
of the whole DOM keeps memory flat over a few hundred pages, and lets the checks stay pure
functions over plain data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .urls import normalize

_LINK_SELECTOR = "a[href], area[href], iframe[src], frame[src]"
_INVISIBLE = ["script", "style", "noscript", "template", "head"]
_BLOCKS = (
    "address,article,aside,blockquote,br,dd,div,dl,dt,fieldset,figcaption,figure,footer,form,"
    "h1,h2,h3,h4,h5,h6,header,hr,li,main,nav,ol,p,pre,section,table,td,th,tr,ul"
)
# Elements that hold one entry of a column list: <li>, a table row, a <dd>, a <p> or <div>.
_ITEM_CONTAINERS = frozenset({"li", "tr", "dd", "dt", "p", "div", "article", "section"})
_ITEM_MAX_CHARS = 300  # larger "containers" are whole lists, not one entry
MAX_LINKS = 3000  # real pages have a few hundred; more is a generated trap
_MAX_BLOCK_INSERTS = 20_000  # past this, separate text nodes by newlines the fast C way
# The DOM costs up to ~40 bytes per input character on dense markup (lexbor nodes), so an
# oversized page is first stripped of what never matters here, then cut.
MAX_PARSE_CHARS = 500_000
_NOISE = re.compile(
    r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|data:[^\"'\s)>]{64,}",
    re.I | re.S,
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s;]+)", re.I)
_META_KEYS = ("name", "property", "itemprop")


@dataclass(frozen=True, slots=True)
class ListItem:
    """A link and the text of the element that holds it (where a list shows its date)."""

    href: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class ParsedPage:
    title: str
    text: str  # visible text; blocks on their own lines, inline markup joined without gaps
    links: tuple[str, ...]  # normalised absolute URLs, unique, in document order
    items: tuple[ListItem, ...]
    truncated: bool = False  # only a prefix of the document was parsed
    # ``<meta>`` tags that may state the publication date, as (name, content): see dates.py
    meta: tuple[tuple[str, str], ...] = ()
    refresh: str | None = None  # target of a ``<meta http-equiv="refresh">``, normalised


def _collapse(text: str) -> str:
    """``_SPACES.sub(" ", text)``, without the (slow) regex pass where it cannot change
    anything: no character of _SPACES but the space, and no two spaces in a row."""
    t = text
    if "  " in t or "\t" in t or "\r" in t or "\f" in t or "\v" in t or "\xa0" in t:
        return _SPACES.sub(" ", t)
    return t


def _node_text(node: LexborNode) -> str:
    return _collapse(node.text(deep=True, separator=" ", strip=True)).strip()


def _item_text(anchor: LexborNode, anchor_text: str, containers: dict[int, str]) -> str:
    """The text of the list entry holding ``anchor`` (whose own text is ``anchor_text``);
    ``containers`` memoises container texts per page, for anchors sharing one (pagers)."""
    node = anchor.parent
    only_child = anchor.prev is None and anchor.next is None
    if only_child and node is not None and node.tag in _ITEM_CONTAINERS:
        return anchor_text  # <li><a>…</a></li>: the entry's text is the anchor's
    while node is not None:
        tag = node.tag
        if tag in _ITEM_CONTAINERS:
            key = node.mem_id
            text = containers.get(key)
            if text is None:
                text = containers[key] = _node_text(node)
            if len(text) <= _ITEM_MAX_CHARS:
                return text
            break
        if tag == "body" or tag == "html":
            break
        node = node.parent
    # <a>标题</a> (2020-11-09)<br> inside one big block: take the anchor and what follows it.
    parts = [anchor_text]
    sibling = anchor.next
    for _ in range(6):
        if sibling is None or sibling.tag in ("a", "br", "li", "p", "div", "tr"):
            break
        parts.append(sibling.text_content or "" if sibling.tag == "-text" else _node_text(sibling))
        sibling = sibling.next
    return _collapse(" ".join(parts)).strip()


def parse_html(
    url: str, html: str, max_chars: int = MAX_PARSE_CHARS, *, items: bool = True
) -> ParsedPage:
    """Parse at most ``max_chars`` characters of ``html`` (after dropping scripts, styles,
    comments and inline data URIs from an oversized document). ``items=False`` skips the
    list items (the crawler wants them on column pages only: they are most of the work)."""
    truncated = False
    if len(html) > max_chars:
        html = _NOISE.sub("", html)
        if len(html) > max_chars:
            html, truncated = html[:max_chars], True
    tree = LexborHTMLParser(html)
    base = None
    for node in tree.tags("base"):  # the first <base href>; a CSS "base[href]" is far slower
        attributes = node.attributes
        if "href" in attributes:
            base = normalize(attributes["href"] or "", url)
            break
    base = base or url
    meta, refresh = _head_meta(tree, base)
    title_node = tree.css_first("title")
    title = _node_text(title_node) if title_node else ""

    links: dict[str, None] = {}
    entries: list[ListItem] = []
    containers: dict[int, str] = {}
    for node in tree.css(_LINK_SELECTOR):
        tag = node.tag
        raw = node.attributes.get("href" if tag == "a" or tag == "area" else "src")
        target = normalize(raw or "", base)
        if target is None:
            continue
        if target not in links and len(links) >= MAX_LINKS:
            break
        links[target] = None
        if items and tag == "a":
            title_text = _node_text(node)
            entries.append(ListItem(target, title_text, _item_text(node, title_text, containers)))

    tree.strip_tags(_INVISIBLE)
    blocks = tree.css(_BLOCKS)
    separator = "\n" if len(blocks) > _MAX_BLOCK_INSERTS else ""
    if not separator:
        for node in blocks:
            node.insert_before("\n")
            node.insert_after("\n")
    body = tree.body
    raw_text = body.text(deep=True, separator=separator, strip=False) if body else ""
    # _SPACES never matches a newline, so collapsing runs over the whole text at once is
    # the same as line by line (and needless when no run can be there); blank lines go.
    lines = _collapse(raw_text).split("\n")
    text = "\n".join(filter(None, map(str.strip, lines)))
    del tree, blocks, containers  # free the DOM before the caller parses the next page
    return ParsedPage(title, text, tuple(links), tuple(entries), truncated, meta, refresh)


def _head_meta(tree: LexborHTMLParser, base: str) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """Date-bearing ``<meta>`` tags (every named one with a digit in its content: a few per
    page) and the target of a refresh, read before ``<head>`` is stripped."""
    found: list[tuple[str, str]] = []
    refresh = None
    for node in tree.tags("meta"):
        attributes = node.attributes
        content = attributes.get("content") or ""
        if not content or len(found) >= 50:
            continue
        equiv = (attributes.get("http-equiv") or "").lower()
        if equiv == "refresh" and refresh is None:
            m = _REFRESH_URL.search(content)
            refresh = normalize(m.group(1), base) if m else None
            continue
        key = next((attributes[k] for k in _META_KEYS if attributes.get(k)), None)
        if key and any(c.isdigit() for c in content):
            found.append((key.strip(), content.strip()[:100]))
    return tuple(found), refresh
