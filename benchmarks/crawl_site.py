"""A generated county government site for ``bench_crawl.py``, served from memory.

    python benchmarks/crawl_site.py serve --articles 10000 --dead-ports 41001,41002 \
        --port-file /tmp/port [--procs 2]

Deterministic (fixed seed): the same arguments give the same pages byte for byte. The site
looks like a TRS-style county CMS: a home page, ``COLUMNS`` column list pages
(``/zwdt/index.html``, ``/zwdt/index_1.html`` …, 20 dated entries each and a pager linking
every page), and article pages (``/zwdt/202406/t20240615_123.html``) with Chinese body text,
a 发布时间 date, previous/next and related-article links, and the shared header/footer.

Planted defects (known to :class:`Site`, so the benchmark can check both tools against them):

- ``dead_internal``: about 1% of articles carry one related link to an article or
  attachment that does not exist (404); a few dead targets are linked from two pages;
- ``dead_external``: a few "友情链接" to ``http://127.0.0.1:PORT/`` and
  ``http://localhost:PORT/`` where nothing listens (connection refused);
- ``unverified``: a few links that answer 503 (with ``Retry-After: 0``) or 403 — not dead
  for kaohe ("unverified, retry later"), errors for a plain link checker.

The server is aiohttp.web on 127.0.0.1 answering from a dict of pre-encoded bodies; with
``--procs N`` N processes share the port (SO_REUSEPORT). Every answer carries the
``LinkChecker`` header, linkchecker's documented switch for lifting its per-host rate cap on
a server one owns. The site lists of URLs are plain data so a bare client can fetch them all.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import signal
import socket
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 20240630
ITEMS_PER_LIST = 20
COLUMNS = [
    ("zwdt", "政务动态"),
    ("tzgg", "通知公告"),
    ("zcwj", "政策文件"),
    ("zcjd", "政策解读"),
    ("bmdt", "部门动态"),
    ("xzdt", "乡镇动态"),
    ("rsxx", "人事信息"),
    ("czzj", "财政资金"),
    ("ghjh", "规划计划"),
    ("tjxx", "统计信息"),
    ("yjgl", "应急管理"),
    ("hjbh", "生态环境"),
    ("jyxx", "教育信息"),
    ("ylws", "医疗卫生"),
    ("shbz", "社会保障"),
    ("jyta", "建议提案办理"),
]
TOPICS = [
    "县政府常务会议",
    "乡村振兴",
    "安全生产",
    "防汛抗旱",
    "营商环境",
    "政务公开",
    "森林防火",
    "农村人居环境整治",
    "高标准农田建设",
    "义务教育",
    "医疗保障",
    "就业创业",
    "食品安全",
    "生态环境保护",
    "招商引资",
    "民生实事",
]
VERBS = ["召开", "部署", "推进", "开展", "督导", "调研", "落实", "印发", "启动", "通报"]
SUFFIXES = ["工作会议", "专项行动", "实施方案", "工作要点", "检查情况", "推进会", "培训班"]
AGENCIES = [
    "县自然资源局",
    "县生态环境局",
    "县卫生健康委员会",
    "县市场监督管理局",
    "县应急管理局",
    "县农业农村局",
    "县教育局",
    "县人力资源和社会保障局",
    "县住房和城乡建设局",
    "县财政局",
]
SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署，进一步提升{topic}工作水平，结合我县实际，制定本方案。",
    "{year}年{month}月{day}日，{agency}组织召开{topic}工作推进会，研究部署下一阶段重点任务。",
    "会议强调，各乡镇、各部门要提高政治站位，压实工作责任，确保{topic}各项任务落到实处。",
    "截至{month}月底，全县累计完成投资{n}万元，占年度计划的{k}%，工作进度符合预期。",
    "{agency}联合有关部门开展专项检查，共检查单位{k}家，发现问题{k}个，已全部督促整改。",
    "要坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，持续推进{topic}。",
    "各单位要建立健全工作台账，明确时间节点，于{month}月{day}日前将进展情况报县政府办公室。",
    "县财政安排专项资金{n}万元，重点支持{topic}和基础设施建设项目。",
    "对工作推进不力、整改落实不到位的单位，将予以通报批评，并纳入年度绩效考核。",
    "会议要求，要以钉钉子精神抓好各项政策措施落地见效，切实增强人民群众的获得感、幸福感。",
    "全面推行行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度。",
    "加快推进数字政府建设，提升政务数据共享和业务协同水平，推动更多事项“一网通办”。",
]
STYLE = (
    "body{font:14px/1.8 'Microsoft YaHei',SimSun;margin:0}.top{background:#c00;color:#fff}"
    ".nav li{display:inline-block;padding:0 12px}.list li{border-bottom:1px dashed #ccc}"
    ".date{float:right;color:#999}.foot{text-align:center;color:#666;font-size:12px}"
)


@dataclass
class Site:
    """Pages keyed by path, and the defects planted in them."""

    pages: dict[str, str] = field(default_factory=dict)  # path -> HTML
    statuses: dict[str, int] = field(default_factory=dict)  # path -> 403/503 (unverified)
    dead_internal: set[tuple[str, str]] = field(default_factory=set)  # (page path, target path)
    dead_external: set[tuple[str, str]] = field(default_factory=set)  # (page path, abs URL)
    unverified: set[tuple[str, str]] = field(default_factory=set)  # (page path, target path)

    def expected_dead(self, base: str) -> set[tuple[str, str]]:
        """(page URL, target URL) pairs that are dead, as absolute URLs under ``base``."""
        dead = {(base + p, base + t) for p, t in self.dead_internal}
        dead |= {(base + p, t) for p, t in self.dead_external}
        return dead

    def all_urls(self, base: str) -> list[str]:
        """Every site URL a full crawl requests: pages, dead targets and the 403/503 ones."""
        paths = {*self.pages, *self.statuses, *(t for _, t in self.dead_internal)}
        return sorted(base + p for p in paths)


def _sentence(rng: random.Random, day: date, topic: str) -> str:
    return rng.choice(SENTENCES).format(
        topic=topic,
        year=day.year,
        month=day.month,
        day=day.day,
        agency=rng.choice(AGENCIES),
        n=rng.randint(100, 99999),
        k=rng.randint(2, 99),
    )


def _relative(page: str, target: str) -> str:
    """``./t….html`` within the same month folder, ``../202405/t….html`` across months."""
    here, there = page.rsplit("/", 1)[0], target.rsplit("/", 1)
    return f"./{there[1]}" if here == there[0] else f"../{there[0].rsplit('/', 1)[1]}/{there[1]}"


def _page(title: str, body: str, crumb: str) -> str:
    nav = "".join(f'<li><a href="/{slug}/index.html">{name}</a></li>' for slug, name in COLUMNS)
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{title}_某某县人民政府</title>'
        f"<style>{STYLE}</style>"
        "<script>var _hmt=_hmt||[];function srh(){return false;}</script></head><body>"
        '<div class="top"><a href="/index.html">某某县人民政府</a>'
        '<form action="/search" onsubmit="return srh()"><input name="q"></form></div>'
        f'<ul class="nav"><li><a href="/index.html">首页</a></li>{nav}</ul>'
        f'<div class="crumb">当前位置：<a href="/index.html">首页</a> &gt; {crumb}</div>'
        f"{body}"
        '<div class="foot"><p>主办：某某县人民政府办公室 承办：某某县政务服务和大数据管理局</p>'
        "<p>网站标识码：6500000001 新ICP备05001234号-1 新公网安备 65000002000001号</p>"
        "<p>联系电话：0909-5221234 地址：某某县行政服务中心三楼</p></div></body></html>"
    )


def _list_page(slug: str, name: str, index: int, pages: int, entries: list[tuple]) -> str:
    rows = "".join(
        f'<li><a href="{href}" title="{title}">{title}</a><span class="date">{day}</span></li>'
        for title, href, day in entries
    )

    def href(k: int) -> str:
        return "index.html" if k == 0 else f"index_{k}.html"

    pager = [f'<a href="{href(0)}">首页</a>']
    if index > 0:
        pager.append(f'<a href="{href(index - 1)}">上一页</a>')
    pager += [
        f'<a href="{href(k)}">{k + 1}</a>' if k != index else f"<b>{k + 1}</b>"
        for k in range(pages)
    ]
    if index < pages - 1:
        pager.append(f'<a href="{href(index + 1)}">下一页</a>')
    pager.append(f'<a href="{href(pages - 1)}">尾页</a>')
    body = (
        f'<div class="main"><h2>{name}</h2><ul class="list">{rows}</ul>'
        f'<div class="pager">共{pages}页 {" ".join(pager)}</div></div>'
    )
    crumb = f'<a href="/{slug}/index.html">{name}</a>'
    return _page(name if index == 0 else f"{name}（第{index + 1}页）", body, crumb)


def build_site(
    articles: int = 10_000,
    dead_ports: tuple[int, ...] = (),
    dead_rate: float = 0.01,
    unverified: int = 4,
    newest: date = date(2024, 6, 28),
) -> Site:
    """The whole site, deterministic for the same arguments."""
    rng = random.Random(SEED)
    site = Site()
    # articles: (column index, path, title, date), newest first within each column
    per_column: list[list[tuple[str, str, date]]] = [[] for _ in COLUMNS]
    for i in range(articles):
        c = i % len(COLUMNS)
        day = newest - timedelta(days=(i // len(COLUMNS)) * 2 + rng.randint(0, 1))
        slug = COLUMNS[c][0]
        topic = TOPICS[(i * 7 + c) % len(TOPICS)]
        title = f"{rng.choice(AGENCIES)}{rng.choice(VERBS)}{topic}{rng.choice(SUFFIXES)}"
        path = f"/{slug}/{day:%Y%m}/t{day:%Y%m%d}_{100000 + i}.html"
        per_column[c].append((path, title, day))

    everything = [a for col in per_column for a in col]
    dead_every = max(1, round(1 / dead_rate)) if dead_rate > 0 else 0
    friendly = ["某某市人民政府", "自治区人民政府", "某某县融媒体中心", "某某县档案馆"]
    n = 0
    carry: dict[str, str] = {}  # article path -> a dead link planted from the previous one
    unverified_paths = [
        (f"/interact/busy_{k}.jsp", 503) if k % 2 == 0 else (f"/xxgk/restricted_{k}.html", 403)
        for k in range(unverified)
    ]
    site.statuses = dict(unverified_paths)
    for c, (slug, name) in enumerate(COLUMNS):
        items = per_column[c]
        for j, (path, title, day) in enumerate(items):
            n += 1
            paras = "".join(
                f"<p>\u3000\u3000{''.join(_sentence(rng, day, TOPICS[c]) for _ in range(rng.randint(2, 4)))}</p>"
                for _ in range(rng.randint(3, 7))
            )
            related = [rng.choice(everything) for _ in range(3)]
            links = [f'<li><a href="{p}">{t}</a></li>' for p, t, _ in related]
            if path in carry:
                links.append(carry.pop(path))
            if dead_every and n % dead_every == 0:  # planted dead internal link (404)
                if n % (3 * dead_every) == 0:
                    target = f"/uploads/{day:%Y%m}/P{day:%Y%m%d}{n:06d}.pdf"
                    links.append(f'<li><a href="{target}">附件：{title}.pdf</a></li>')
                else:
                    target = f"/{slug}/{day:%Y%m}/t{day:%Y%m%d}_{900000 + n}.html"
                    links.append(f'<li><a href="{target}">{title}（已撤稿）</a></li>')
                site.dead_internal.add((path, target))
                if n % (10 * dead_every) == 0 and j + 1 < len(items):  # also from a 2nd page
                    site.dead_internal.add((items[j + 1][0], target))
                    carry[items[j + 1][0]] = f'<li><a href="{target}">相关附件</a></li>'
            if dead_ports and n % 997 == 0:  # planted dead "external" link (refused)
                port = dead_ports[(n // 997) % len(dead_ports)]
                hostname = "127.0.0.1" if (n // 997) % 2 else "localhost"
                target = f"http://{hostname}:{port}/"
                links.append(f'<li><a href="{target}">{rng.choice(friendly)}</a></li>')
                site.dead_external.add((path, target))
            if unverified_paths and n % 1499 == 0:
                target = unverified_paths[(n // 1499) % len(unverified_paths)][0]
                links.append(f'<li><a href="{target}">在线办事入口</a></li>')
                site.unverified.add((path, target))
            prev_next = ""
            if j > 0:
                prv = items[j - 1]
                prev_next += f'<p>上一篇：<a href="{_relative(path, prv[0])}">{prv[1]}</a></p>'
            if j + 1 < len(items):
                nxt = items[j + 1]
                prev_next += f'<p>下一篇：<a href="{_relative(path, nxt[0])}">{nxt[1]}</a></p>'
            body = (
                f'<div class="article"><h1>{title}</h1>'
                f'<div class="info">发布时间：{day:%Y-%m-%d} 来源：{rng.choice(AGENCIES)} '
                f"浏览次数：{rng.randint(10, 5000)}</div>"
                f'<div class="content">{paras}</div>{prev_next}'
                f'<div class="related"><h3>相关链接</h3><ul>{"".join(links)}</ul></div></div>'
            )
            crumb = f'<a href="/{slug}/index.html">{name}</a> &gt; 正文'
            site.pages[path] = _page(title, body, crumb)

    for c, (slug, name) in enumerate(COLUMNS):
        items = per_column[c]
        pages = max(1, -(-len(items) // ITEMS_PER_LIST))
        for k in range(pages):
            chunk = items[k * ITEMS_PER_LIST : (k + 1) * ITEMS_PER_LIST]
            entries = [(t, p, f"{d:%Y-%m-%d}") for p, t, d in chunk]
            path = f"/{slug}/index.html" if k == 0 else f"/{slug}/index_{k}.html"
            site.pages[path] = _list_page(slug, name, k, pages, entries)

    blocks = []
    for c, (slug, name) in enumerate(COLUMNS):
        rows = "".join(
            f'<li><a href="{p}">{t}</a><span class="date">{d:%m-%d}</span></li>'
            for p, t, d in per_column[c][:8]
        )
        blocks.append(
            f'<div class="block"><h3><a href="/{slug}/index.html">{name}</a>'
            f'<a class="more" href="/{slug}/index.html">更多&gt;&gt;</a></h3>'
            f'<ul class="list">{rows}</ul></div>'
        )
    site.pages["/index.html"] = _page("首页", f'<div class="main">{"".join(blocks)}</div>', "首页")
    # the header's search form posts here; link checkers that follow form actions fetch it
    site.pages["/search"] = _page("站内搜索", '<div class="main">请输入关键词</div>', "站内搜索")
    return site


# --- server ---------------------------------------------------------------------------------

ROBOTS = "User-agent: *\nAllow: /\n"


def make_app(site: Site):  # type: ignore[no-untyped-def]
    from aiohttp import web

    headers = {"Content-Type": "text/html; charset=utf-8", "LinkChecker": "unlimited"}
    bodies = {p: html.encode("utf-8") for p, html in site.pages.items()}
    bodies["/"] = bodies["/index.html"]
    not_found = "<html><body><h1>404 页面不存在</h1></body></html>".encode()

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        body = bodies.get(path)
        if body is not None:
            return web.Response(body=body, headers=headers)
        if path == "/robots.txt":
            return web.Response(text=ROBOTS, headers={"LinkChecker": "unlimited"})
        code = site.statuses.get(path)
        if code is not None:
            extra = {"Retry-After": "0"} if code == 503 else {}
            return web.Response(status=code, body=b"busy", headers={**headers, **extra})
        return web.Response(status=404, body=not_found, headers=headers)

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    app.router.add_route("HEAD", "/{tail:.*}", handle)
    return app


def _serve(sock: socket.socket, args: argparse.Namespace) -> None:
    from aiohttp import web

    site = build_site(args.articles, _ports(args.dead_ports), args.dead_rate, args.unverified)
    web.run_app(
        make_app(site), sock=sock, print=None, access_log=None, handle_signals=True, backlog=1024
    )


def _ports(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(",") if p)


def serve_main(args: argparse.Namespace) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(1024)
    sock.set_inheritable(True)
    port = sock.getsockname()[1]
    workers = [
        multiprocessing.Process(target=_serve, args=(sock, args), daemon=True)
        for _ in range(args.procs)
    ]
    for w in workers:
        w.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # -> finally: stop the workers
    # Ready once every worker built its site: the parent probes before it announces the port.
    asyncio.run(_wait_ready(port))
    Path(args.port_file).write_text(str(port))
    try:
        for w in workers:
            w.join()
    except KeyboardInterrupt:
        pass
    finally:
        for w in workers:
            if w.is_alive():
                w.terminate()


async def _wait_ready(port: int) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        ok = 0
        while ok < 20:  # several hits spread over the workers sharing the socket
            try:
                async with session.get(f"http://127.0.0.1:{port}/index.html") as r:
                    ok += r.status == 200
            except aiohttp.ClientError:
                await asyncio.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--articles", type=int, default=10_000)
    serve.add_argument("--dead-ports", default="")
    serve.add_argument("--dead-rate", type=float, default=0.01)
    serve.add_argument("--unverified", type=int, default=4)
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--port-file", required=True)
    serve.add_argument("--procs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    stats = sub.add_parser("stats")
    stats.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    if args.cmd == "serve":
        serve_main(args)
    else:
        site = build_site(args.articles, (1, 2))
        size = sum(len(h.encode()) for h in site.pages.values())
        print(
            f"{len(site.pages)} pages, {size / 1e6:.1f} MB, "
            f"{len(site.dead_internal)} dead internal, {len(site.dead_external)} dead external, "
            f"{len(site.unverified)} unverified"
        )


if __name__ == "__main__":
    main()
