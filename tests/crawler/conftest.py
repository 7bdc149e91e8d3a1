"""Fixtures for crawler tests: a lifted-politeness config and the stub resolver."""

from __future__ import annotations

import pytest
from crawler_sites import StubResolver

from kaohe.crawler import CrawlConfig


@pytest.fixture
def fast_config() -> CrawlConfig:
    """No rate limits or backoff: local servers only, tests must stay fast."""
    return CrawlConfig().lifted(request_timeout=2.0, connect_timeout=2.0, time_budget=30.0)


@pytest.fixture
def resolver() -> StubResolver:
    return StubResolver()
