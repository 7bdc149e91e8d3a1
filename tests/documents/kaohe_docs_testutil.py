"""Helpers shared by the kaohe.documents tests (OOXML reading, external tools)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from lxml import etree

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def require_tool(name: str) -> str:
    """Path of an external tool, or a failure that says what to install (never a skip)."""
    found = shutil.which(name)
    if not found:
        pytest.fail(
            f"{name} not found: apt-get install poppler-utils fontconfig "
            "libreoffice-writer-nogui fonts-noto-cjk",
            pytrace=False,
        )
    return found


def run_tool(*args: str) -> str:
    require_tool(args[0])
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120).stdout


def part_xml(docx_path: Path, name: str) -> etree._Element:
    """Parse one part of a DOCX package with lxml (independently of python-docx)."""
    with zipfile.ZipFile(docx_path) as zf:
        return etree.fromstring(zf.read(name))


def attr(el: etree._Element, name: str) -> str | None:
    return el.get(qn(f"w:{name}"))


def east_asia_fonts(paragraph_el: etree._Element) -> set[str]:
    """The explicit w:eastAsia fonts of a paragraph's text runs."""
    fonts = set()
    for run in paragraph_el.iter(qn("w:r")):
        if run.find(qn("w:t")) is None:
            continue
        rfonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        fonts.add(attr(rfonts, "eastAsia") if rfonts is not None else None)
    return fonts


_PAGE_NUMBER_LINE = re.compile(r"^\s*—\s*\d+\s*—\s*$", re.M)


def pdf_pages_text(pdf: Path) -> list[str]:
    """Text of each page (pdftotext), without the “— N —” page-number line."""
    pages = run_tool("pdftotext", "-layout", str(pdf), "-").split("\f")
    return [_PAGE_NUMBER_LINE.sub("", page) for page in pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_lines(pdf: Path, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, xMax, text) of each text line on ``page`` (pdftotext -bbox-layout)."""
    xml = run_tool("pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-")
    root = etree.fromstring(xml.encode(), etree.XMLParser(recover=True))
    lines = []
    for line in root.iter("{*}line"):
        words = [w.text or "" for w in line.iter("{*}word")]
        lines.append(
            (
                float(line.get("xMin")),
                float(line.get("yMin")),
                float(line.get("xMax")),
                "".join(words),
            )
        )
    return lines
