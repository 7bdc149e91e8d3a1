"""Local test sites for the crawler, served by aiohttp.web on 127.0.0.1 (random ports).

Host names ending in ``.test`` resolve to 127.0.0.1 through :class:`StubResolver`; any other
name fails to resolve, which is how a DNS failure is planted without touching real DNS.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import socket
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from kaohe.crawler import TextFinding

AS_OF = date(2024, 6, 30)
SITE = "www.county.test"
OTHER = "other.test"
NO_DNS = "gone.invalid-host.test.example"  # not *.test: the stub resolver refuses it

ROBOTS = "User-agent: *\nDisallow: /private/\n"


class StubResolver(AbstractResolver):
    """``*.test`` -> 127.0.0.1; everything else: "Name or service not known"."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if not host.endswith(".test"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        return None


@dataclass
class RequestLog:
    """What the server saw: hits per path+query, user agents, peak concurrency."""

    hits: Counter[str] = field(default_factory=Counter)
    user_agents: set[str] = field(default_factory=set)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    inflight: int = 0
    max_inflight: int = 0

    def paths(self, prefix: str) -> list[str]:
        return [p for p in self.hits if p.startswith(prefix)]

    @web.middleware
    async def middleware(self, request: web.Request, handler):  # type: ignore[no-untyped-def]
        self.hits[request.path_qs] += 1
        self.user_agents.add(request.headers.get("User-Agent", ""))
        self.headers[request.path_qs] = dict(request.headers)
        self.inflight += 1
        self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            return await handler(request)
        finally:
            self.inflight -= 1


def new_app(log: RequestLog) -> web.Application:
    app = web.Application(middlewares=[log.middleware])

    async def robots(request: web.Request) -> web.Response:
        return web.Response(text=ROBOTS, content_type="text/plain")

    app.router.add_get("/robots.txt", robots)
    return app


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[int]:
    """Serve ``app`` on 127.0.0.1 in the running loop; yields the port."""
    runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=0.2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


@contextmanager
def serve_in_thread(app: web.Application) -> Iterator[int]:
    """Serve ``app`` from a thread with its own loop, for synchronous APIs (CLI, inspect)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, object] = {}

    async def start() -> None:
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=0.2
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        box["runner"], box["port"] = runner, runner.addresses[0][1]

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(5)
    try:
        yield box["port"]  # type: ignore[misc]
    finally:
        runner: web.AppRunner = box["runner"]  # type: ignore[assignment]
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def closed_port() -> int:
    """A port nothing listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def html(title: str, body: str, meta_charset: str | None = None, nav: bool = True) -> str:
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    menu = (
        '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/news/">政务动态</a></li></ul>'
        if nav
        else ""
    )
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>{menu}"
        f"{body}<div class='foot'>Copyright 2003-2024 县人民政府 ICP备05001234号-1</div></body></html>"
    )


def column_list(entries: list[tuple[str, str, str]]) -> str:
    """``<ul>`` of (title, href, date text) the way county CMS templates render lists."""
    rows = "".join(
        f'<li><a href="{h}">{t}</a><span class="date">{d}</span></li>' for t, h, d in entries
    )
    return f'<ul class="list">{rows}</ul>'


def respond(body: str, encoding: str = "utf-8", content_type: str = "text/html; charset=utf-8"):  # type: ignore[no-untyped-def]
    """A handler answering ``body`` encoded as ``encoding`` with the given Content-Type."""

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body.encode(encoding), headers={"Content-Type": content_type})

    return handler


def status(code: int, **headers: str):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=code, text=f"status {code}", headers=headers)

    return handler


def gzip_bomb(decompressed_mb: int = 200) -> bytes:
    """~200 KB of gzip that inflates to ``decompressed_mb`` MB of zeros (multi-member)."""
    member = gzip.compress(b"\0" * (10 * 1024 * 1024), 9)
    return member * (decompressed_mb // 10)


# A trivial text checker standing in for the real wording/privacy rules.
_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def toy_checker(text: str) -> Iterator[TextFinding]:
    for m in re.finditer("部暑", text):
        yield TextFinding("部暑", m.start(), "wording", "error", "部署", "typo")
    for m in _ID_CARD.finditer(text):
        masked = m.group()[:6] + "********" + m.group()[-4:]
        yield TextFinding(masked, m.start(), "privacy", "critical", "遮盖身份证号", "id_card")
