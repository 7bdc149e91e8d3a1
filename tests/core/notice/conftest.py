"""Fixtures for the notice drafter and checker: the 2020 精河县 facts and notice text."""

from __future__ import annotations

import pytest
from kaohe_notice_facts import seed_facts

from kaohe.core.notice import NoticeFacts


@pytest.fixture(scope="session")
def facts() -> NoticeFacts:
    return seed_facts()
