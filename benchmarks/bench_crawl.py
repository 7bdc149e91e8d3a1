"""kaohe's crawler against linkchecker on a generated 10,000-page site, in one run.

    python benchmarks/bench_crawl.py [--articles 10000] [--concurrency 32]
        [--lc-threads 10,50] [--repeat 1] [--no-warc] [--profile] [--json results.json]

1. Generates a deterministic county government site (``crawl_site.py``: Chinese text, 16
   columns of dated list pages, ~10,000 article pages, ~1% planted dead internal links,
   a few dead "external" links to 127.0.0.1/localhost ports that refuse connections and a
   few links answering 503/403) and serves it from memory on 127.0.0.1 in a separate process
   group (aiohttp.web, ``--server-procs`` processes sharing the port).
2. Ceiling: a bare aiohttp client GETs every URL of the site (no parsing), so the server is
   seen not to be the bottleneck.
3. kaohe: ``kaohe.crawler.inspect`` with politeness lifted (``CrawlConfig().lifted()``,
   ``--concurrency`` per host and as many workers, no rate limit, robots.txt allowing all),
   in a child process; once without and (unless ``--no-warc``) once with a WARC archive.
4. linkchecker 10.6.0, installed only in its own virtualenv under the cache directory
   (``~/.cache/kaohe-bench/linkchecker-venv``) and run as a separate program — it is GPL,
   nothing here imports it — recursing over the whole site with ``--check-extern``, CSV
   output, once per ``--lc-threads`` value. Its per-host rate cap is lifted the documented
   way: ``maxrequestspersecond`` in a config file plus the ``LinkChecker`` response header.

Each tool's wall time is that of its whole process (start-up included); peak RSS comes
from ``/usr/bin/time -v`` (installed with apt-get if missing and we are root; otherwise
``VmHWM`` is polled from /proc). Prints a table, the kaohe/linkchecker pages/s ratio (target
≥ 10×) and the dead links each found against the planted ones, with the differences
explained. ``--profile`` adds a py-spy run of kaohe (py-spy put in its own venv in the cache
directory if not on PATH) and prints where the time went. No assertions: figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from crawl_site import Site, build_site  # noqa: E402

LINKCHECKER = "linkchecker==10.6.0"
TIME = "/usr/bin/time"
T = TypeVar("T")


# --- children (run as separate processes by the parent) --------------------------------------


def child_bare(urls_file: str, out: str, concurrency: int) -> None:
    """GET every URL with a bare aiohttp session, reading the body: the ceiling."""
    import aiohttp

    urls = Path(urls_file).read_text().split()

    async def run() -> Counter[int]:
        statuses: Counter[int] = Counter()
        queue: asyncio.Queue[str] = asyncio.Queue()
        for u in urls:
            queue.put_nowait(u)
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def worker() -> None:
                while not queue.empty():
                    url = queue.get_nowait()
                    async with session.get(url, allow_redirects=False) as resp:
                        await resp.read()
                        statuses[resp.status] += 1

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        return statuses

    t0 = time.perf_counter()
    statuses = asyncio.run(run())
    result = {
        "inner_seconds": time.perf_counter() - t0,
        "pages": statuses[200],
        "urls": len(urls),
        "statuses": dict(statuses),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    Path(out).write_text(json.dumps(result))


def child_kaohe(start_url: str, out: str, concurrency: int, warc_dir: str | None) -> None:
    """One ``inspect()`` of the whole site with politeness lifted."""
    from kaohe.crawler import CrawlConfig, inspect

    config = CrawlConfig().lifted(
        workers=concurrency,
        max_depth=10_000,  # linkchecker recurses without limit: so do we
        max_fetches=1_000_000,
        time_budget=3600.0,
        request_timeout=60.0,
    )
    t0 = time.perf_counter()
    report = inspect(
        start_url,
        max_pages=1_000_000,
        concurrency=concurrency,
        rate=None,
        config=config,
        warc_dir=warc_dir,
    )
    crawl = report.crawl
    assert crawl is not None
    by_kind: dict[str, list[list[object]]] = {"dead_link": [], "unverified_link": []}
    for f in report.findings:
        if f.kind in by_kind:
            by_kind[f.kind].append([f.page, f.target, f.status])  # type: ignore[union-attr]
    result = {
        "inner_seconds": time.perf_counter() - t0,
        "pages": len(crawl.pages),  # HTML pages fetched and parsed
        "pages_fetched": report.pages_fetched,
        "urls": len(crawl.fetches),
        "requests": crawl.requests,
        "stopped": crawl.stopped,
        "errors": report.errors,
        "dead": by_kind["dead_link"],
        "unverified": by_kind["unverified_link"],
        "skipped": dict(Counter(crawl.skipped.values())),
        "page_urls": sorted(crawl.pages),
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    Path(out).write_text(json.dumps(result, ensure_ascii=False))


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Measured:
    seconds: float
    rss_mb: float | None
    cpu_seconds: float | None
    returncode: int


def ensure_time() -> bool:
    if os.path.exists(TIME):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing GNU time (apt-get install -y time) …", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "time"], check=False)
    return os.path.exists(TIME)


def _vmhwm_kb(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else None


def run_measured(
    cmd: list[str], stdout: Path | None = None, use_time: bool = True, timeout: float = 7200
) -> Measured:
    """Run ``cmd`` to completion; wall time, peak RSS and CPU time of the process."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        if use_time:
            with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
                t0 = time.perf_counter()
                proc = subprocess.run(
                    [TIME, "-v", "-o", tf.name, *cmd], stdout=out, timeout=timeout
                )
                seconds = time.perf_counter() - t0
                report = Path(tf.name).read_text()
            rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
            user = re.search(r"User time \(seconds\): ([\d.]+)", report)
            system = re.search(r"System time \(seconds\): ([\d.]+)", report)
            cpu = float(user.group(1)) + float(system.group(1)) if user and system else None
            return Measured(
                seconds, int(rss.group(1)) / 1024 if rss else None, cpu, proc.returncode
            )
        # fallback without GNU time: poll the kernel's high-water mark of the child
        t0 = time.perf_counter()
        popen = subprocess.Popen(cmd, stdout=out)
        peak = 0
        while popen.poll() is None:
            peak = max(peak, _vmhwm_kb(popen.pid) or 0)
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
        return Measured(seconds, peak / 1024 or None, None, popen.returncode)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]


# --- environment -----------------------------------------------------------------------------


def ensure_linkchecker(cache: Path) -> Path:
    """linkchecker in its own venv under ``cache`` (never in kaohe's environment)."""
    venv = cache / "linkchecker-venv"
    exe = venv / "bin" / "linkchecker"
    version = LINKCHECKER.split("==")[1]
    if exe.exists():
        got = subprocess.run([exe, "--version"], capture_output=True, text=True)
        if f"LinkChecker {version}" in got.stdout:
            return exe
    print(f"creating {venv} with {LINKCHECKER} …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", LINKCHECKER], check=True)
    return exe


def find_py_spy(cache: Path) -> Path | None:
    found = shutil.which("py-spy")
    if found:
        return Path(found)
    venv = cache / "tools-venv"
    exe = venv / "bin" / "py-spy"
    if not exe.exists():
        print(f"creating {venv} with py-spy …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "py-spy"])
    return exe if exe.exists() else None


def closed_ports(n: int) -> list[int]:
    """Ports nothing listens on (bound, then closed)."""
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class Server:
    """``crawl_site.py serve`` in its own process group."""

    def __init__(self, args: argparse.Namespace, ports: list[int], workdir: Path) -> None:
        port_file = workdir / "port"
        cmd = [
            sys.executable,
            str(HERE / "crawl_site.py"),
            "serve",
            "--articles",
            str(args.articles),
            "--dead-ports",
            ",".join(map(str, ports)),
            "--port-file",
            str(port_file),
            "--procs",
            str(args.server_procs),
        ]
        self.proc = subprocess.Popen(cmd, start_new_session=True)
        deadline = time.monotonic() + 300
        while not port_file.exists() or not port_file.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("site server did not start")
            time.sleep(0.1)
        self.port = int(port_file.read_text())

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, 15)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)


# --- results ---------------------------------------------------------------------------------


def norm(url: str) -> str:
    """Scheme and host lower-cased, default port and fragment dropped, '' path -> '/'."""
    parts = urlsplit(url.strip())
    netloc = parts.hostname or ""
    if parts.port and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
        netloc += f":{parts.port}"
    path = parts.path or "/"
    return f"{parts.scheme.lower()}://{netloc}{path}" + (f"?{parts.query}" if parts.query else "")


@dataclass
class Row:
    tool: str
    pages: int  # HTML pages of the site fetched (200)
    urls: int  # distinct URLs fetched / checked
    seconds: float
    cpu_seconds: float | None
    rss_mb: float | None
    dead_targets: set[str] = field(default_factory=set)  # what the tool calls broken
    dead_pairs: set[tuple[str, str]] = field(default_factory=set)
    notes: dict[str, object] = field(default_factory=dict)
    page_urls: set[str] = field(default_factory=set, repr=False)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def parse_linkchecker_csv(path: Path, base: str) -> tuple[set[str], int, list[dict[str, str]]]:
    """(site pages that were valid, number of distinct URLs, invalid rows) of a
    ``-v -o csv`` run."""
    lines = [ln for ln in path.read_text("utf-8", "replace").splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter=";"))
    urls = {norm(r["url"]) for r in rows if r.get("url")}
    pages = {
        norm(r["url"])
        for r in rows
        if r.get("valid") == "True" and norm(r.get("url") or "").startswith(base)
    }
    invalid = [r for r in rows if r.get("valid") == "False"]
    return pages, len(urls), invalid


def summarize_profile(raw: Path, top: int = 15) -> str:
    """Where the samples went, from py-spy's collapsed stacks: the parse thread against the
    event loop thread, then the leading kaohe/aiohttp/stdlib functions by inclusive share."""
    incl: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        count = int(n)
        total += count
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        if any(f.startswith("_worker (concurrent") for f in frames):
            threads["parse thread (ThreadPoolExecutor)"] += count
        elif any(f.startswith("BaseEventLoop.run_forever") for f in frames):
            threads["event loop"] += count
        else:
            threads["start-up, report, other"] += count
        leaf[frames[-1]] += count
        for f in set(frames):
            incl[f] += count
    if not total:
        return "(no samples)"
    out = [f"{total} samples, all threads"]
    out += [f"  {100 * c / total:5.1f}%  {k}" for k, c in threads.most_common()]
    out.append("self (leaf frame):")
    out += [f"  {100 * c / total:5.1f}%  {f}" for f, c in leaf.most_common(top)]
    out.append("inclusive (kaohe/, aiohttp/, yarl, urllib frames):")
    keys = ("kaohe/", "aiohttp/", "yarl/", "urllib/", "selector_events")
    shown = [(f, c) for f, c in incl.most_common() if any(k in f for k in keys)]
    out += [f"  {100 * c / total:5.1f}%  {f}" for f, c in shown[:top]]
    return "\n".join(out)


def fmt(v: float | None, spec: str) -> str:
    return "—" if v is None else format(v, spec)


def print_table(rows: list[Row]) -> None:
    head = ("tool", "pages", "URLs", "seconds", "pages/s", "CPU s", "peak RSS MB", "dead found")
    body = [
        (
            r.tool,
            str(r.pages),
            str(r.urls),
            f"{r.seconds:.1f}",
            f"{r.pages_per_s:.0f}",
            fmt(r.cpu_seconds, ".1f"),
            fmt(r.rss_mb, ".0f"),
            "—" if r.tool.startswith("bare") else f"{len(r.dead_targets)} ({len(r.dead_pairs)})",
        )
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(head, widths, strict=True))
    )
    print(line)
    print("-" * len(line))
    for b in body:
        print(
            "  ".join(
                x.ljust(w) if i == 0 else x.rjust(w)
                for i, (x, w) in enumerate(zip(b, widths, strict=True))
            )
        )
    print("dead found = distinct broken targets (page, target pairs); linkchecker logs each URL")
    print("once, with the first page it was found on, so its pairs are one per target.")


def explain(
    kaohe: Row, lc: Row, kaohe_unverified: dict[str, object], expected: set[str], lc_results: dict
) -> list[str]:
    lines = []
    for t in sorted(lc.dead_targets - kaohe.dead_targets):
        if t in kaohe_unverified:
            why = (
                f"kaohe: unverified_link ({kaohe_unverified[t]}) — 403/429/5xx/timeouts are "
                "'retry later', never dead (SPEC); linkchecker calls every failure an error"
            )
        elif t in expected:
            why = "planted dead link MISSED by kaohe"
        else:
            why = "not reported by kaohe"
        lines.append(f"  only linkchecker: {t}  [{lc_results.get(t, '')}]  {why}")
    for t in sorted(kaohe.dead_targets - lc.dead_targets):
        why = "planted" if t in expected else "NOT planted"
        lines.append(f"  only kaohe: {t}  ({why})")
    return lines


def best_of(repeat: int, once: Callable[[], tuple[Measured, T]]) -> tuple[Measured, T]:
    """Run ``once`` ``repeat`` times; keep the fastest (the machine may be shared)."""
    return min((once() for _ in range(max(1, repeat))), key=lambda r: r[0].seconds)


def run_bare(
    args: argparse.Namespace,
    site: Site,
    start: str,
    base: str,
    workdir: Path,
    use_time: bool,
    details: dict[str, object],
) -> Row:
    urls_file = workdir / "urls.txt"
    urls_file.write_text("\n".join([start, *site.all_urls(base)]))
    out = workdir / "bare.json"
    cmd = [sys.executable, __file__, "_bare", str(urls_file), str(out), str(args.bare_concurrency)]

    def once() -> tuple[Measured, dict]:
        m = run_measured(cmd, use_time=use_time)
        return m, json.loads(out.read_text())

    m, got = best_of(args.repeat, once)
    details["bare"] = {**asdict(m), **got}
    print(f"bare: {m.seconds:.1f} s, statuses {got['statuses']}", flush=True)
    return Row("bare aiohttp GET", got["pages"], got["urls"], m.seconds, m.cpu_seconds, m.rss_mb)


def run_kaohe(
    args: argparse.Namespace,
    label: str,
    start: str,
    workdir: Path,
    warc: str,
    use_time: bool,
    details: dict[str, object],
) -> tuple[Row, dict[str, object]]:
    out = workdir / "kaohe.json"
    warc_dir = workdir / warc if warc else None
    cmd = [sys.executable, __file__, "_kaohe", start, str(out), str(args.concurrency)]
    cmd.append(str(warc_dir) if warc_dir else "")

    def once() -> tuple[Measured, dict]:
        if warc_dir:
            shutil.rmtree(warc_dir, ignore_errors=True)
        m = run_measured(cmd, use_time=use_time)
        got = json.loads(out.read_text())
        if warc_dir:
            got["warc_mb"] = sum(f.stat().st_size for f in warc_dir.iterdir()) / 1e6
        return m, got

    m, got = best_of(args.repeat, once)
    if warc_dir:
        shutil.rmtree(warc_dir, ignore_errors=True)
    row = Row(label, got["pages"], got["urls"], m.seconds, m.cpu_seconds, m.rss_mb)
    row.dead_pairs = {(norm(p), norm(t)) for p, t, _ in got["dead"]}
    row.dead_targets = {t for _, t in row.dead_pairs}
    row.page_urls = {norm(u) for u in got["page_urls"]}
    keys = ("inner_seconds", "requests", "stopped", "errors", "skipped", "maxrss_mb", "warc_mb")
    row.notes = {k: got[k] for k in keys if k in got}
    details[label] = {
        **asdict(m),
        **row.notes,
        "dead": got["dead"],
        "unverified": got["unverified"],
    }
    print(f"{label}: {m.seconds:.1f} s (inspect() {got['inner_seconds']:.1f} s), {row.notes}")
    return row, {norm(t): s for _, t, s in got["unverified"]}


def run_linkchecker(
    args: argparse.Namespace,
    exe: Path,
    threads: int,
    start: str,
    base: str,
    workdir: Path,
    use_time: bool,
    details: dict[str, object],
    results: dict[str, str],
) -> Row:
    rc = workdir / "linkcheckerrc"
    # rate cap lifted (the server also sends the "LinkChecker" header this needs)
    rc.write_text("[checking]\nmaxrequestspersecond=1000000\n")
    rc.chmod(0o644)
    csv_out = workdir / f"linkchecker-{threads}.csv"
    cmd = [
        str(exe), "-f", str(rc), "-t", str(threads), "--check-extern",
        "-v", "-o", "csv/utf-8", "--no-status", start,
    ]  # fmt: skip

    def once() -> tuple[Measured, tuple]:
        m = run_measured(cmd, stdout=csv_out, use_time=use_time)
        return m, parse_linkchecker_csv(csv_out, base)

    m, (pages, urls, invalid) = best_of(args.repeat, once)
    row = Row(f"linkchecker -t {threads}", len(pages), urls, m.seconds, m.cpu_seconds, m.rss_mb)
    row.page_urls = pages
    row.dead_pairs = {(norm(r["parentname"]), norm(r["url"])) for r in invalid}
    row.dead_targets = {t for _, t in row.dead_pairs}
    results.update({norm(r["url"]): r["result"] for r in invalid})
    details[row.tool] = {**asdict(m), "invalid": invalid}
    print(f"{row.tool}: {m.seconds:.1f} s, exit {m.returncode}", flush=True)
    return row


def profile_kaohe(args: argparse.Namespace, start: str, workdir: Path) -> None:
    spy = find_py_spy(args.cache_dir)
    if spy is None:
        print("py-spy unavailable: no profile")
        return
    raw = workdir / "kaohe-profile.txt"
    out = workdir / "kaohe-profiled.json"
    cmd = [str(spy), "record", "-r", "250", "-f", "raw", "-o", str(raw), "--",
           sys.executable, __file__, "_kaohe", start, str(out), str(args.concurrency), ""]  # fmt: skip
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    if not raw.exists():
        print("py-spy recorded nothing (ptrace not permitted?)")
        return
    keep = args.cache_dir / "kaohe-profile.txt"
    shutil.copy(raw, keep)
    print(f"\nprofile of kaohe (py-spy, collapsed stacks kept in {keep}):")
    print(summarize_profile(raw))


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_bare":
        child_bare(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_kaohe":
        child_kaohe(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] or None)
        return

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="article pages (≥ 10,000)")
    parser.add_argument("--concurrency", type=int, default=32, help="kaohe: per host, workers")
    parser.add_argument("--bare-concurrency", type=int, default=32)
    parser.add_argument(
        "--lc-threads", default="10,50", help="linkchecker -t values (10 = default)"
    )
    parser.add_argument("--server-procs", type=int, default=2)
    parser.add_argument("--no-warc", action="store_true", help="skip the kaohe run with WARC")
    parser.add_argument("--skip-linkchecker", action="store_true")
    parser.add_argument("--profile", action="store_true", help="extra kaohe run under py-spy")
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "kaohe-bench")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool; fastest kept")
    parser.add_argument("--json", type=Path, help="write all figures here")
    args = parser.parse_args()

    args.cache_dir.mkdir(parents=True, exist_ok=True)
    use_time = ensure_time()
    if not use_time:
        print(f"{TIME} missing: peak RSS from /proc VmHWM polling")
    lc_exe = None if args.skip_linkchecker else ensure_linkchecker(args.cache_dir)
    workdir = Path(tempfile.mkdtemp(prefix="kaohe-bench-crawl-"))
    workdir.chmod(0o755)  # linkchecker run as root drops to 'nobody': it must read its config

    ports = closed_ports(3)
    t0 = time.perf_counter()
    site = build_site(args.articles, tuple(ports))
    server = Server(args, ports, workdir)
    base = f"http://127.0.0.1:{server.port}"
    start = base + "/"
    html_bytes = sum(len(h.encode()) for h in site.pages.values())
    print(
        f"site: {len(site.pages)} HTML pages ({html_bytes / 1e6:.1f} MB), "
        f"{len(site.dead_internal)} dead internal + {len(site.dead_external)} dead external "
        f"links planted, {len(site.unverified)} links answering 403/503; served on {base} by "
        f"{args.server_procs} process(es); built in {time.perf_counter() - t0:.1f} s; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    expected_pairs = {(norm(p), norm(t)) for p, t in site.expected_dead(base)}
    expected = {t for _, t in expected_pairs}
    rows: list[Row] = []
    details: dict[str, object] = {}
    try:
        rows.append(run_bare(args, site, start, base, workdir, use_time, details))
        runs = [("kaohe", "")] + ([] if args.no_warc else [("kaohe +WARC", "warc")])
        kaohe_unverified: dict[str, object] = {}
        for label, warc in runs:
            row, kaohe_unverified = run_kaohe(args, label, start, workdir, warc, use_time, details)
            rows.append(row)
        kaohe = rows[1]
        lc_rows: list[Row] = []
        lc_results: dict[str, str] = {}
        for threads in [] if lc_exe is None else [int(t) for t in args.lc_threads.split(",")]:
            row = run_linkchecker(
                args, lc_exe, threads, start, base, workdir, use_time, details, lc_results
            )
            rows.append(row)
            lc_rows.append(row)
        if args.profile:
            profile_kaohe(args, start, workdir)
    finally:
        server.stop()

    print()
    print_table(rows)
    print()
    for lc in lc_rows:
        ratio = kaohe.pages_per_s / lc.pages_per_s if lc.pages_per_s else float("inf")
        line = f"kaohe / {lc.tool}: {ratio:.1f}× pages/s (target ≥ 10×)"
        if kaohe.cpu_seconds and lc.cpu_seconds:
            per_cpu = (kaohe.pages / kaohe.cpu_seconds) / (lc.pages / lc.cpu_seconds)
            line += f"; {per_cpu:.1f}× pages per CPU second"
        print(line)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    missing = expected_pairs - kaohe.dead_pairs
    extra = kaohe.dead_pairs - expected_pairs
    print(
        f"\nplanted: {len(expected)} dead targets on {len(expected_pairs)} (page, target) pairs; "
        f"kaohe found {len(kaohe.dead_pairs & expected_pairs)} pairs, missed {len(missing)}, "
        f"extra {len(extra)}"
    )
    for p, t in sorted(missing)[:10]:
        print(f"  missed: {t} on {p}")
    for p, t in sorted(extra)[:10]:
        print(f"  extra: {t} on {p}")
    for lc in lc_rows:
        same = lc.dead_targets == kaohe.dead_targets
        print(
            f"{lc.tool}: {len(lc.dead_targets & expected)}/{len(expected)} planted dead targets; "
            f"same set as kaohe: {'yes' if same else 'no'}"
        )
        for line in explain(kaohe, lc, kaohe_unverified, expected, lc_results):
            print(line)
        only_lc, only_kaohe = lc.page_urls - kaohe.page_urls, kaohe.page_urls - lc.page_urls
        for u in sorted(only_lc)[:5]:
            why = (
                " (a <form action>: kaohe follows a/area/iframe/frame only)"
                if u.endswith("/search")
                else ""
            )
            print(f"  page fetched only by linkchecker: {u}{why}")
        for u in sorted(only_kaohe)[:5]:
            print(f"  page fetched only by kaohe: {u}")
    if args.json:
        figures = [{**asdict(r), "pages_per_s": r.pages_per_s} for r in rows]
        for f in figures:
            del f["page_urls"]
            f["dead_targets"], f["dead_pairs"] = sorted(f["dead_targets"]), sorted(f["dead_pairs"])
        args.json.write_text(
            json.dumps(
                {"rows": figures, "details": details}, ensure_ascii=False, indent=1, default=str
            )
        )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
