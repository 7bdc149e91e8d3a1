"""Fixtures for kaohe.documents: the seed notice, its DOCX/PDF, and an artefacts folder.

Conversions through LibreOffice are slow (~2 s), so each document is converted once per
session. Rendered files are kept under ``test-artifacts/documents/`` (gitignored) so a
person can open them after a run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kaohe_docs_testutil import ARTIFACTS
from kaohe_seed_notice import build_seed_notice

from kaohe.documents.docx_writer import write_notice_docx
from kaohe.documents.model import Notice
from kaohe.documents.pdf import convert_to_pdf


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def seed_notice() -> Notice:
    return build_seed_notice()


@pytest.fixture(scope="session")
def notice_docx(seed_notice: Notice, artifacts: Path) -> Path:
    return write_notice_docx(seed_notice, artifacts / "seed-notice.docx")


@pytest.fixture(scope="session")
def notice_pdf(notice_docx: Path) -> Path:
    """The seed notice as PDF. Fails (never skips) when LibreOffice is missing."""
    return convert_to_pdf(notice_docx)
