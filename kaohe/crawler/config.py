"""All crawler knobs in one frozen dataclass; defaults are the polite production values.

Kept separate from the code that uses them so a CLI, a task queue or a test can build one,
tweak it with :func:`dataclasses.replace`, and pass it around as plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

DEFAULT_USER_AGENT = "kaohe-inspector/0.1 (+operator contact)"
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    user_agent: str = DEFAULT_USER_AGENT
    # politeness, per origin
    concurrency: int = 2
    rate: float | None = 1.0  # requests per second; None = unlimited
    max_backoff: float = 60.0  # cap on Retry-After / Crawl-delay waits
    max_crawl_delay: float = 10.0
    # per request
    request_timeout: float = 20.0  # whole request, body included, per redirect hop
    connect_timeout: float = 10.0
    max_redirects: int = 5
    max_bytes: int = 5 * MB  # HTML pages, decompressed
    link_max_bytes: int = 64 * 1024  # link checks and non-HTML resources: status is enough
    max_parse_chars: int = 500_000  # of an HTML page fed to the parser (DOM memory)
    verify_tls: bool = True
    trust_env: bool = False  # honour HTTP(S)_PROXY from the environment
    # whole crawl
    time_budget: float = 1800.0  # seconds
    max_pages: int = 200  # HTML pages fetched for parsing
    max_fetches: int | None = None  # all requests; default 10 x max_pages
    max_depth: int = 6
    workers: int = 8  # global concurrency across hosts (link checks hit many hosts)
    retry_delay: float = 2.0  # before the confirming retry of a dead-looking link
    # trap defences
    max_url_length: int = 1024
    max_query_variants: int = 30
    max_calendar_variants: int = 12
    max_segment_repeats: int = 3

    @property
    def fetch_limit(self) -> int:
        return self.max_fetches if self.max_fetches is not None else 10 * self.max_pages

    def lifted(self, **changes: object) -> CrawlConfig:
        """Politeness limits off: for local test sites and runs against one's own server."""
        base = dict(concurrency=8, rate=None, max_backoff=0.0, max_crawl_delay=0.0, retry_delay=0.0)
        base.update(changes)
        return replace(self, **base)  # type: ignore[arg-type]
