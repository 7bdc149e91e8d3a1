"""Soft 404s: a page that is gone, answered as if it were there.

Many county CMSs answer a deleted article or a removed column with ``200 OK`` and a
“您访问的页面不存在” page, or redirect it to the home page. Status codes alone would call such
a column fresh (the home page is full of new dates) and such a link alive. These helpers
recognise the usual forms; what they find is a suspicion, worded as such (“疑似软404”):
a column that does so is missing, a link is *unverified* — never a dead link, which the issue
defines strictly as 404/410/DNS failure/refused connection confirmed on retry.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .decode import decode_html

#: Phrases of a “not found” page, in a title or a very short page.
_NOT_FOUND = (
    r"页面不存在|页面未找到|找不到(?:该|您要访问的|您访问的|您要找的)?页面|"
    r"(?:您|你)(?:所)?(?:要)?访问的(?:页面|网页|内容|信息)(?:已)?(?:不存在|被删除|已删除)|"
    r"页面已(?:被)?删除|(?:信息|内容|文章|栏目|稿件)(?:已(?:被)?删除|不存在)|"
    r"404\s*(?:not\s*found|错误|页面)|(?:错误|error)\s*(?:代码)?\s*[:：]?\s*404|page\s+not\s+found"
)
_IN_TEXT = re.compile(_NOT_FOUND, re.I)
_IN_TITLE = re.compile(_NOT_FOUND + r"|(?<!\d)404(?!\d)|not\s+found", re.I)
#: A page this short (visible characters, header and footer included) that says it was not
#: found is a “not found” page; a longer one is an article that mentions such a phrase.
SHORT_TEXT = 400
_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title", re.I | re.S)
_TAGS = re.compile(r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<[^>]*>", re.I | re.S)
_SPACE = re.compile(r"\s+")
_SMALL_BODY = 16 * 1024  # bodies link checks look into beyond the title
_TITLE_SCAN = 64 * 1024  # of a body decoded to find its title
_ROOT_PATH = re.compile(
    r"^/?(?:(?:index|default|home|main|portal)\.(?:s?html?|jsp|php|aspx?|do))?$", re.I
)


def _quote(text: str, limit: int = 30) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[:limit] + "…"


def soft_404(title: str, text: str) -> str | None:
    """Why a parsed page looks like a “not found” page (its title says so, or all it says is
    that), else None."""
    if _IN_TITLE.search(title):
        return f"疑似软404（页面标题为“{_quote(title)}”）"
    if len(text) <= SHORT_TEXT:
        m = _IN_TEXT.search(text)
        if m is not None:
            return f"疑似软404（页面内容为“{_quote(m.group(0))}”）"
    return None


def soft_404_html(body: bytes, content_type: str | None) -> str | None:
    """:func:`soft_404` for a body fetched only to check a link: the title is found with a
    regular expression, and the text is looked at only in small bodies — link checks are
    many, and a “not found” page is small."""
    text = decode_html(body[:_TITLE_SCAN], content_type).text
    m = _TITLE_RE.search(text)
    title = _SPACE.sub(" ", m.group(1)).strip() if m else ""
    visible = ""
    if len(body) <= _SMALL_BODY:
        visible = _SPACE.sub(" ", _TAGS.sub(" ", text)).strip()
        visible = visible.replace(title, "", 1) if title else visible
    return soft_404(title, visible)


def is_root(url: str) -> bool:
    """A site's home page address: ``/``, ``/index.html``, ``/default.aspx``…, no query."""
    parts = urlsplit(url)
    return not parts.query and bool(_ROOT_PATH.match(parts.path))


def redirected_to_root(requested: str, final: str) -> bool:
    """A URL that is not a home page but ended (after redirects) on one: a deleted page or
    column that the CMS sends home."""
    return final != requested and is_root(final) and not is_root(requested)
