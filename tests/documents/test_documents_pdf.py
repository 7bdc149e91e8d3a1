"""PDF through headless LibreOffice: fonts embedded, text recoverable, grid kept.

Nothing here is skipped: without soffice the fixtures fail with an install hint.
"""

from __future__ import annotations

import os
import re
import stat
import time
import zipfile
from pathlib import Path

import pytest
from kaohe_docs_testutil import (
    pdf_lines,
    pdf_pages_text,
    require_tool,
    run_tool,
    squash,
)
from kaohe_seed_notice import TITLE

from kaohe.documents import pdf as pdf_module
from kaohe.documents.docx_writer import write_notice_docx
from kaohe.documents.model import Heading, Notice, Paragraph
from kaohe.documents.pdf import ConversionError, SofficeNotFoundError, convert_to_pdf

CJK_FONT = re.compile(r"^[A-Z]{6}\+Noto(Serif|Sans)CJK")


def pdffonts(pdf: Path) -> list[dict[str, str]]:
    out = run_tool("pdffonts", str(pdf)).splitlines()
    header, rule, *rows = out
    # columns are fixed-width: take the slices from the dashed rule
    spans = [m.span() for m in re.finditer(r"-+", rule)]
    names = ["name", "type", "encoding", "emb", "sub", "uni", "object", "id"]
    return [dict(zip(names, (row[a:b].strip() for a, b in spans), strict=False)) for row in rows]


def test_soffice_is_installed() -> None:
    """Stated on its own so a CI without LibreOffice gets one obvious failure."""
    pdf_module.find_soffice()


def test_pdf_is_a4_with_expected_pages(notice_pdf: Path) -> None:
    info = run_tool("pdfinfo", str(notice_pdf))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 7 <= pages <= 12


def test_cjk_fonts_embedded_no_type3(notice_pdf: Path) -> None:
    fonts = pdffonts(notice_pdf)
    assert fonts, "no fonts in the PDF"
    assert all(f["emb"] == "yes" for f in fonts), fonts
    assert not [f for f in fonts if "Type 3" in f["type"]], fonts
    # Only Noto CJK: any other face would mean a glyph fell back to a substitute.
    assert all(CJK_FONT.match(f["name"]) for f in fonts), fonts
    names = " ".join(f["name"] for f in fonts)
    assert "NotoSerifCJK" in names and "NotoSansCJK" in names  # 仿宋/小标宋 and 黑体
    assert "Bold" in names  # 小标宋 → Noto Serif CJK Bold


def test_text_is_recoverable(notice_pdf: Path, seed_notice: Notice) -> None:
    pages = pdf_pages_text(notice_pdf)
    everything = squash("".join(pages))
    assert TITLE in squash(pages[0])
    assert "精政办发〔2020〕99号" in squash(pages[0])
    for block in seed_notice.body:
        text = block.text + (block.run_in if isinstance(block, Heading) else "")
        assert squash(text) in everything, text[:20]
    for annex in seed_notice.annexes:
        for table in annex.tables:
            for row in table.rows:
                assert squash("".join(row)) in everything


def test_page_numbers_outside_aligned(notice_pdf: Path) -> None:
    for page in (1, 2):
        lines = pdf_lines(notice_pdf, page)
        (number,) = [ln for ln in lines if re.fullmatch(rf"—\s*{page}\s*—", ln[3])]
        x_min, _, x_max, _ = number
        if page % 2:
            assert x_min > 595 / 2  # odd: right
        else:
            assert x_max < 595 / 2  # even: left


def test_body_pages_have_22_lines_on_the_grid(notice_pdf: Path) -> None:
    lines = [ln for ln in pdf_lines(notice_pdf, 2) if not ln[3].startswith("—")]
    assert len(lines) == 22
    ys = sorted(ln[1] for ln in lines)
    gaps = [b - a for a, b in zip(ys, ys[1:], strict=False)]
    assert all(g == pytest.approx(579 / 20, abs=0.2) for g in gaps), gaps


def test_annex_starts_a_new_page(notice_pdf: Path) -> None:
    pages = pdf_pages_text(notice_pdf)
    starts = [i for i, p in enumerate(pages) if squash(p).startswith("附件1")]
    assert len(starts) == 1
    assert "2020年精河县政务公开年度绩效考核评分表" in squash(pages[starts[0]])
    # repeated header row on the page where the 县直部门 table continues
    assert squash(pages[starts[0] + 1]).startswith("序号单位名称考核得分")


def test_render_pngs_for_review(notice_pdf: Path, artifacts: Path) -> None:
    """Page 1 and the first annex page as PNG under test-artifacts/ for a human to view."""
    pages = pdf_pages_text(notice_pdf)
    annex_page = next(i for i, p in enumerate(pages) if squash(p).startswith("附件1")) + 1
    for page, name in ((1, "seed-notice-page1"), (annex_page, "seed-notice-annex1")):
        prefix = artifacts / name
        run_tool(
            "pdftoppm",
            "-r",
            "110",
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(notice_pdf),
            str(prefix),
        )
        png = prefix.with_suffix(".png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 20_000  # a blank A4 page at 110 dpi is far smaller


def test_28_characters_per_line(tmp_path: Path, seed_notice: Notice) -> None:
    """SYNTHETIC text (not from the seed): a run of CJK characters must wrap at 28 per
    line (26 on the first line, after the 2-character indent)."""
    filler = "政务公开政务服务考核结果" * 8
    notice = Notice(
        issuer=seed_notice.issuer,
        doc_number="",
        title="字数测试",
        addressees="各单位：",
        body=(Paragraph(filler),),
        signature=seed_notice.signature,
        date=seed_notice.date,
    )
    pdf = convert_to_pdf(write_notice_docx(notice, tmp_path / "grid.docx"))
    lines = [ln[3] for ln in pdf_lines(pdf, 1)]
    start = next(i for i, t in enumerate(lines) if t.startswith("政务公开"))
    assert len(lines[start]) == 26
    assert len(lines[start + 1]) == 28
    assert len(lines[start + 2]) == 28


# --- the conversion wrapper --------------------------------------------------------------


def test_missing_soffice_fails_with_install_hint(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(pdf_module.SOFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    docx_path = tmp_path / "x.docx"
    docx_path.write_bytes(b"PK")
    with pytest.raises(SofficeNotFoundError, match="apt-get install libreoffice"):
        convert_to_pdf(docx_path)


def _fake_soffice(tmp_path: Path, script: str) -> Path:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_timeout_kills_the_process_group(monkeypatch, tmp_path: Path, notice_docx: Path) -> None:
    pidfile = tmp_path / "child.pid"
    # like soffice → soffice.bin: the wrapper forks a child that does the work
    fake = _fake_soffice(tmp_path, f"sleep 30 & echo $! > {pidfile}; wait")
    monkeypatch.setenv(pdf_module.SOFFICE_ENV, str(fake))
    started = time.monotonic()
    with pytest.raises(ConversionError, match="within 1 s"):
        convert_to_pdf(notice_docx, tmp_path / "out", timeout=1)
    assert time.monotonic() - started < 10
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child), "the forked child outlived the timeout"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_soffice_without_output_is_an_error(monkeypatch, tmp_path: Path, notice_docx: Path) -> None:
    monkeypatch.setenv(pdf_module.SOFFICE_ENV, str(_fake_soffice(tmp_path, "echo oops >&2")))
    with pytest.raises(ConversionError, match="oops"):
        convert_to_pdf(notice_docx, tmp_path / "out")


def test_bad_kaohe_soffice_is_reported(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(pdf_module.SOFFICE_ENV, str(tmp_path / "nope"))
    with pytest.raises(SofficeNotFoundError, match="KAOHE_SOFFICE"):
        pdf_module.find_soffice()


def test_libreoffice_copy_swaps_char_grid_for_spacing(notice_docx: Path, tmp_path: Path) -> None:
    copy = pdf_module.libreoffice_copy(notice_docx, tmp_path / "copy.docx")
    with zipfile.ZipFile(copy) as zc, zipfile.ZipFile(notice_docx) as zo:
        assert sorted(zc.namelist()) == sorted(zo.namelist())
        document = zc.read("word/document.xml").decode()
        styles = zc.read("word/styles.xml").decode()
    assert re.search(r'<w:docGrid [^>]*w:type="lines"', document)
    assert "charSpace" not in document
    # -842/4096 pt per character → -5 twips (rounded towards narrower)
    assert '<w:spacing w:val="-5"/>' in styles


def test_parallel_conversions_do_not_clash(tmp_path: Path, notice_docx: Path) -> None:
    """Private profiles: two concurrent conversions both succeed."""
    from concurrent.futures import ThreadPoolExecutor

    require_tool("pdfinfo")
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(convert_to_pdf, notice_docx, tmp_path / f"out{i}") for i in range(2)]
        results = [f.result() for f in futures]
    assert all(p.is_file() and p.stat().st_size > 10_000 for p in results)
    assert not os.environ.get("FONTCONFIG_FILE")  # never leaks into our own process


def _ink_bands(pdf: Path, tmp_path: Path, dpi: int = 144) -> list[tuple[float, float, bool]]:
    """Vertical bands of ink on page 1 as (top mm, bottom mm, red?) below the type area."""
    prefix = tmp_path / "page1"
    run_tool("pdftoppm", "-r", str(dpi), "-singlefile", "-f", "1", "-l", "1", str(pdf), str(prefix))
    data = prefix.with_suffix(".ppm").read_bytes()
    magic, dims, _maxval, pixels = data.split(b"\n", 3)
    assert magic == b"P6"
    width, height = map(int, dims.split())
    bands, start, red = [], None, False
    for y in range(height):
        row = pixels[y * width * 3 : (y + 1) * width * 3]
        inked = [row[i : i + 3] for i in range(0, len(row), 3) if min(row[i : i + 3]) < 128]
        if inked and start is None:
            reddish = sum(p[0] - max(p[1], p[2]) > 100 for p in inked)
            start, red = y, reddish >= 0.9 * len(inked)
        elif not inked and start is not None:
            bands.append((start / dpi * 25.4 - 37, y / dpi * 25.4 - 37, red))
            start = None
    return bands


def test_masthead_geometry(notice_pdf: Path, tmp_path: Path) -> None:
    """§7.2: red 发文机关标志 top ≈35 mm below the type area; red rule 4 mm under 发文字号."""
    mark, number, rule, *_ = _ink_bands(notice_pdf, tmp_path)
    assert mark[2] and rule[2] and not number[2]  # mark and rule red, number black
    assert mark[0] == pytest.approx(35, abs=1.5)
    assert rule[0] - number[1] == pytest.approx(4, abs=1)
    assert rule[1] - rule[0] < 1.2  # a rule, not a block
