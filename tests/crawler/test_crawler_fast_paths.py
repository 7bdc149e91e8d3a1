"""The crawler's fast paths give exactly what the plain computations give.

Normalised links are memoised (bounded LRU keyed on the part of the base they depend on)
and plain references are joined by string arithmetic; origin()/host() are memoised on the
URL's authority; list items skip work that cannot change them. Each is checked here against
the straightforward computation it replaces.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import re
from datetime import UTC, datetime

import pytest
from aiohttp import web
from crawler_sites import SITE, RequestLog, StubResolver, html, new_app, respond, serve
from selectolax.lexbor import LexborHTMLParser, LexborNode
from yarl import URL

from kaohe.crawler import CrawlConfig, Crawler, CrawlResult, InspectionReport, Page, urls
from kaohe.crawler.extract import _SPACES, _collapse, parse_html
from kaohe.crawler.records import FetchRecord
from kaohe.crawler.urls import (
    CACHE_MAX_HREF,
    CACHE_SIZE,
    host,
    normalize,
    normalize_cache_clear,
    normalize_cache_info,
    origin,
)

BASES = [
    "http://www.county.gov.cn/col/col123/index.html",
    "http://www.county.gov.cn/col/col123/",
    "http://www.county.gov.cn/col/col123/art.jsp;jsessionid=1?id=5#top",
    "http://www.county.gov.cn/col/col456/index.html",
    "http://www.county.gov.cn",
    "http://www.county.gov.cn?x=1",
    "http://www.county.gov.cn/",
    "https://WWW.County.gov.cn:443/a//b/c.html",
    "http://www.county.gov.cn:80/a/b.html",
    "http://127.0.0.1:8080/zwdt/202406/t20240615_1.html",
    "http://u:p@h.gov.cn:8080/a/b/c?x/y#z/w",
    "http://h.gov.cn/a\t/b.html",
    "http://h.gov.cn/%E5%8E%BF/x.html",
    "http://h.gov.cn/县/x.html",
    "http://h.gov.cn/a/b;c/d;e",
    "http://h.gov.cn/a?b/c",
    "http://[::1]/a/b",
    "http://[::1/a",
    "http:///a/b",
]
ATOMS = [
    "a", "b", ".", "..", "", "/", "//", "?", "#", ";", ":", "x.html", "%2e", "%20", " ",
    "\t", "\n", "\x01", "县", "http:", "HTTP:", "https://", "h2", "@", "[", "]", "=", "&",
    "~", "\\", "q=1", "...",
]  # fmt: skip


def _uncached(href: str, base: str | None) -> str | None:
    """normalize() as it was: clean the reference, then urljoin + yarl every time."""
    href = href.strip().replace("\\", "/")
    if not href or href.startswith("#") or href.lower().startswith(urls._SKIP_SCHEMES):
        return None
    return urls._resolve(href, base)


def _hrefs(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    found = {a + b for a, b in itertools.product(ATOMS, repeat=2)}
    while len(found) < n:
        found.add("".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 6))))
    return sorted(found)


def test_normalize_with_and_without_the_cache() -> None:
    hrefs = [
        "art_1.html", "../col456/index.html#top", "/县情/概况.html", "./t1.html", "?page=2",
        "//cdn.gov.cn/a.js", "HTTP://WWW.Example.GOV.CN:80/a?", "https://x.gov.cn:443", "",
        "javascript:void(0)", "\\col\\a.html", "../../../../x.html", "http:", "http:x.html",
        "a:b", ";p", "#", " /f.html ", "/a/./b/../c.html", "a//b", "//", "///x", "/\t/x",
        *_hrefs(1500, 1),
    ]  # fmt: skip
    normalize_cache_clear()
    for _ in range(2):  # filling the cache, then answering from it
        for base in BASES:
            for href in hrefs:
                assert normalize(href, base) == _uncached(href, base), (href, base)
    assert normalize_cache_info().hits > 0
    for href in hrefs[:200]:
        assert normalize(href) == _uncached(href, None)


def test_answers_are_shared_across_pages_of_one_directory() -> None:
    normalize_cache_clear()
    assert normalize("../a.html", "http://h.gov.cn/x/y/1.html") == "http://h.gov.cn/x/a.html"
    assert normalize("/index.html", "http://h.gov.cn/x/y/1.html") == "http://h.gov.cn/index.html"
    misses = normalize_cache_info().misses
    assert normalize("../a.html", "http://h.gov.cn/x/y/2.html") == "http://h.gov.cn/x/a.html"
    assert normalize("/index.html", "http://h.gov.cn/q/3.html") == "http://h.gov.cn/index.html"
    assert normalize_cache_info().misses == misses  # both answered from the cache
    # ... but not across directories or hosts, and never for a reference to the base itself
    assert normalize("../a.html", "http://h.gov.cn/z/y/1.html") == "http://h.gov.cn/z/a.html"
    assert normalize("/index.html", "http://g.gov.cn/x/1.html") == "http://g.gov.cn/index.html"
    assert normalize("?p=2", "http://h.gov.cn/x/y/2.html") == "http://h.gov.cn/x/y/2.html?p=2"
    assert normalize("", "http://h.gov.cn/x/y/2.html") is None


def test_cache_is_bounded() -> None:
    normalize_cache_clear()
    base = "http://h.gov.cn/col/index.html"
    for i in range(CACHE_SIZE + 500):
        assert normalize(f"a{i}.html", base) == f"http://h.gov.cn/col/a{i}.html"
    assert normalize_cache_info().currsize == CACHE_SIZE
    normalize_cache_clear()
    long_href = "/" + "县" * CACHE_MAX_HREF + ".html"
    long_base = "http://h.gov.cn/" + "d/" * 400 + "x.html"
    assert normalize(long_href, base) == _uncached(long_href, base)
    assert normalize("a.html", long_base) == _uncached("a.html", long_base)
    assert normalize_cache_info().currsize == 0  # such entries would be large: not kept


def test_plain_references_joined_by_string_arithmetic() -> None:
    rng = random.Random(7)
    hosts = ["h", "a.b", "127.0.0.1", "www.county.gov.cn", "xn--fiqs8s.cn", "h.", "127.1", "a-b"]
    ports = ["", ":80", ":443", ":8080", ":0", ":65535", ":65536", ":080"]
    segments = ["a", "A", "~u", "x.html", "x-y_z", "0", "...", "a..", "..a", "t2024_1.html"]
    joined = 0
    for _ in range(20_000):
        prefix = f"{rng.choice(['http', 'https'])}://{rng.choice(hosts)}{rng.choice(ports)}"
        if rng.random() < 0.8:
            prefix += "/" + "".join(rng.choice(segments) + "/" for _ in range(rng.randint(0, 4)))
        lead = rng.choice(["", "./", "../" * rng.randint(1, 4), "/"])
        path = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 3)))
        href = lead + path + rng.choice(["", "/"])
        got = urls._join_simple(href, prefix)
        if got is not None:
            joined += 1
            assert got == urls._resolve(href, prefix), (href, prefix)
    assert joined > 5000


def test_origin_and_host_memoised_on_the_authority() -> None:
    def plain_origin(url: str) -> str:
        u = URL(url)
        return f"{u.scheme}://{u.host}:{u.port}"

    def outcome(f, url):  # type: ignore[no-untyped-def]
        try:
            return f(url)
        except Exception as exc:  # noqa: BLE001 - the same error either way
            return type(exc)

    rng = random.Random(5)
    parts = ["h", "H", "a.b", ":80", ":443", ":8080", ":99999", ":x", "@", "u:p@", "/", "?",
             "#", "\t", "[", "]", "[::1]", "\\", "县", "xn--fiqs8s", ".", "%41", " "]  # fmt: skip
    for _ in range(5000):
        url = rng.choice(["http://", "https://", "HTTP://", ""])
        url += "".join(rng.choice(parts) for _ in range(rng.randint(1, 6)))
        assert outcome(origin, url) == outcome(plain_origin, url), url
        assert outcome(host, url) == outcome(lambda u: (URL(u).host or "").lower(), url), url


# --- list items -------------------------------------------------------------------------


def _reference_items(url: str, doc: str) -> list[tuple[str, str, str]]:
    """List items computed the plain way: every anchor's and container's text from the DOM."""

    def node_text(node: LexborNode) -> str:
        return _SPACES.sub(" ", node.text(deep=True, separator=" ", strip=True)).strip()

    def item_text(anchor: LexborNode) -> str:
        node = anchor.parent
        while node is not None and node.tag not in ("li", "tr", "dd", "dt", "p", "div",
                                                     "article", "section", "body", "html"):  # fmt: skip
            node = node.parent
        if node is not None and node.tag not in ("body", "html"):
            text = node_text(node)
            if len(text) <= 300:
                return text
        parts = [node_text(anchor)]
        sibling = anchor.next
        for _ in range(6):
            if sibling is None or sibling.tag in ("a", "br", "li", "p", "div", "tr"):
                break
            parts.append(
                sibling.text_content or "" if sibling.tag == "-text" else node_text(sibling)
            )
            sibling = sibling.next
        return _SPACES.sub(" ", " ".join(parts)).strip()

    found = []
    for node in LexborHTMLParser(doc).css("a[href]"):
        target = normalize(node.attributes.get("href") or "", url)
        if target is not None:
            found.append((target, node_text(node), item_text(node)))
    return found


LISTS = [
    """<ul><li><a href="a.html">通知一</a><span>2024-06-01</span></li>
    <li><a href="b.html">通知二</a></li><li> <a href="c.html">三</a> </li>
    <li><!-- x --><a href="d.html">四</a></li></ul>""",
    """<table><tr><td><a href="a.html">一</a></td><td>2023-12-01</td></tr>
    <tr><td><a href="b.html">二\u00a0\u00a0二</a></td><td>[01-15]</td></tr></table>""",
    """<div class=pager>共9页 <a href="index.html">首页</a> <a href="index_1.html">2</a>
    <a href="index_2.html">3</a> <a href="index_8.html">尾页</a></div>""",
    """<div>"""
    + "长文本" * 120
    + """<a href="x.html">标题</a> (2020-11-09)<br>
    <a href="y.html">另一条</a> <span>2020年11月9日</span> 尾巴<br></div>""",
    """<p><a href="a.html"><b>粗</b> 与 <i>斜</i></a></p><dl><dt><a href="t.html">术语</a></dt>
    <dd><a href="d.html">释义</a>\t2024/06/30</dd></dl><section><a href="s.html">节</a></section>""",
    """<a href="top.html">无容器</a> 2024.01.02 <span>x</span><p>段</p><font><a href="f.html">字</a></font>""",
    """<li><a href="same.html">一</a></li><li><a href="same.html">再一次</a></li>
    <li><span><a href="deep.html">深</a></span></li><li><a href="">空</a></li>""",
]


@pytest.mark.parametrize("doc", LISTS)
def test_list_items_match_the_plain_computation(doc: str) -> None:
    url = "http://h.gov.cn/col/index.html"
    page = parse_html(url, doc)
    assert [(i.href, i.title, i.text) for i in page.items] == _reference_items(url, doc)
    without = parse_html(url, doc, items=False)
    assert without.items == ()
    assert (without.title, without.text, without.links) == (page.title, page.text, page.links)


def test_collapse_is_the_regex() -> None:
    chars = [chr(c) for c in range(0x3000)] + ["\u3000", "\u2028", "\ufeff", "\U0001f600"]
    for c in chars:
        for text in (c, f"a{c}b", c + c, f" {c} "):
            assert _collapse(text) == _SPACES.sub(" ", text), hex(ord(c))


def _small_site() -> web.Application:
    entries = '<ul><li><a href="/col/a.html">文一</a> 2024-06-01</li></ul>'
    app = new_app(RequestLog())
    home = html("首页", '<a href="/col/">栏目</a><a href="/o.html">他</a>')
    app.router.add_get("/", respond(home))
    app.router.add_get("/col/", respond(html("栏目", entries)))
    app.router.add_get("/col/a.html", respond(html("文一", entries)))
    app.router.add_get("/o.html", respond(html("他", entries)))
    return app


def test_items_on_start_and_seed_pages_only_unless_asked(fast_config: CrawlConfig) -> None:
    async def go(everywhere: bool) -> dict[str, tuple[object, ...]]:
        async with serve(_small_site()) as port:
            base = f"http://{SITE}:{port}"
            crawler = Crawler(fast_config, resolver=StubResolver(), items_everywhere=everywhere)
            crawl = await crawler.crawl(base + "/", seeds=[base + "/col/"])
        return {  # the port differs between the two runs: paths only
            url.removeprefix(base): (
                page.title,
                page.text,
                [link.removeprefix(base) for link in page.links],
                [(i.href.removeprefix(base), i.title, i.text) for i in page.items],
            )
            for url, page in crawl.pages.items()
        }

    lean, full = asyncio.run(go(False)), asyncio.run(go(True))
    assert set(lean) == set(full) == {"/", "/col/", "/col/a.html", "/o.html"}
    assert {path for path, page in lean.items() if page[3]} == {"/", "/col/"}
    assert all(page[3] for page in full.values())
    for path, page in lean.items():
        assert page[:3] == full[path][:3]
        assert page[3] in ([], full[path][3])
    assert ("/col/a.html", "文一", "文一 2024-06-01") in lean["/col/"][3]


def test_repr_of_a_large_crawl_stays_small() -> None:
    record = FetchRecord("http://h/", "http://h/", 200, datetime.now(UTC), 0.1, 10, None, None)
    crawl = CrawlResult("http://h/", {"h"}, datetime.now(UTC))
    for i in range(2000):
        url = f"http://h/{i}.html"
        crawl.pages[url] = Page(url, 1, record, "题", "正文" * 500, (url,) * 20, ())
        crawl.page_urls.add(url)
    report = InspectionReport("http://h/", datetime.now(UTC).date(), 2000, [], crawl=crawl)
    assert len(repr(crawl)) < 1000 and len(repr(report)) < 1000
    assert re.search(r"site='http://h/'", repr(report))
