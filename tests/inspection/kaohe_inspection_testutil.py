"""A planted county site served on 127.0.0.1 from a thread, whose pages a test can change
between two runs (to see findings fixed, or the archive keep the page as it was).

Planted: a stale column (住建局, last entry 2023-01-02, 180 days), a fresh one (托里镇), an empty
one (托里镇), a missing one (农业农村局, 404), a dead link (404) and a refused connection, a 503
link (unverified, never dead), a wording error (部暑) on the 住建局 article, a mobile number and
an ID number (privacy) on the same article.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

AS_OF = "2024-06-30"
PHONE = "13812345678"
ID_NUMBER = "110101199003074514"
TYPO = "部暑"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{body}<div class='foot'>县人民政府 主办</div></body></html>"
    )


def listing(entries: list[tuple[str, str, str]]) -> str:
    rows = "".join(f'<li><a href="{h}">{t}</a><span>{d}</span></li>' for t, h, d in entries)
    return f'<ul class="list">{rows}</ul>'


@dataclass
class PlantedSite:
    """Path -> (status, HTML). Change ``pages`` between runs; the server reads it per request."""

    refused_port: int = field(default_factory=closed_port)
    pages: dict[str, tuple[int, str]] = field(default_factory=dict)
    port: int = 0

    def __post_init__(self) -> None:
        dead = f"http://127.0.0.1:{self.refused_port}/nothing.html"
        self.pages.update(
            {
                "/": (
                    200,
                    page(
                        "精河县人民政府",
                        (
                            '<ul><li><a href="/col/zjj/">住建局重点领域</a></li>'
                            '<li><a href="/col/news/">乡镇动态</a></li>'
                            '<li><a href="/col/empty/">托里镇通知公告</a></li>'
                            '<li><a href="/gone.html">已删除的页面</a></li>'
                            f'<li><a href="{dead}">外部系统</a></li>'
                            '<li><a href="/busy.html">繁忙的页面</a></li></ul>'
                            "<p>欢迎访问精河县人民政府网站。</p>"
                        ),
                    ),
                ),  # fmt: skip
                "/col/zjj/": (
                    200,
                    page(
                        "住建局重点领域",
                        listing(
                            [
                                ("保障性住房分配公示", "/col/zjj/a1.html", "2023-01-02"),
                                ("棚户区改造进展", "/col/zjj/a2.html", "2022-11-20"),
                            ]
                        ),
                    ),
                ),  # fmt: skip
                "/col/zjj/a1.html": (
                    200,
                    page(
                        "保障性住房分配公示",
                        (
                            f"<p>各单位要认真{TYPO}本年度保障性住房分配工作。</p>"
                            f"<p>联系人手机：{PHONE}。</p>"
                            f"<p>申请人身份证号：{ID_NUMBER}。</p>"
                        ),
                    ),
                ),  # fmt: skip
                "/col/zjj/a2.html": (200, page("棚户区改造进展", "<p>改造工作有序推进。</p>")),
                "/col/news/": (
                    200,
                    page(
                        "乡镇动态",
                        listing(
                            [
                                ("托里镇召开工作会议", "/col/news/n1.html", "2024-06-20"),
                            ]
                        ),
                    ),
                ),  # fmt: skip
                "/col/news/n1.html": (200, page("托里镇召开工作会议", "<p>会议要求狠抓落实。</p>")),
                "/col/empty/": (200, page("通知公告", "<p>暂无信息</p>")),
                "/busy.html": (503, "busy"),
            }
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def columns_csv(self) -> bytes:
        b = self.base
        return (
            "单位,栏目,网址,更新周期(天)\n"
            f"住建局,保障性住房,{b}/col/zjj/,180\n"
            f"托里镇,乡镇动态,{b}/col/news/,14\n"
            f"托里镇,通知公告,{b}/col/empty/,180\n"
            f"农业农村局,政策文件,{b}/col/missing/,180\n"
        ).encode()

    def app(self) -> web.Application:
        async def robots(request: web.Request) -> web.Response:
            return web.Response(text="User-agent: *\nDisallow:\n", content_type="text/plain")

        async def handler(request: web.Request) -> web.Response:
            found = self.pages.get(request.path)
            if found is None:
                return web.Response(status=404, text="not found")
            status, body = found
            return web.Response(
                status=status, body=body.encode("utf-8"), content_type="text/html", charset="utf-8"
            )

        app = web.Application()
        app.router.add_get("/robots.txt", robots)
        app.router.add_get("/{tail:.*}", handler)
        return app


@contextmanager
def serve(site: PlantedSite) -> Iterator[PlantedSite]:
    """Serve ``site`` on 127.0.0.1 from a thread with its own event loop."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, object] = {}

    async def start() -> None:
        runner = web.AppRunner(site.app(), access_log=None, shutdown_timeout=0.2)
        await runner.setup()
        tcp = web.TCPSite(runner, "127.0.0.1", 0)
        await tcp.start()
        box["runner"] = runner
        site.port = runner.addresses[0][1]

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(5)
    try:
        yield site
    finally:
        runner: web.AppRunner = box["runner"]  # type: ignore[assignment]
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
