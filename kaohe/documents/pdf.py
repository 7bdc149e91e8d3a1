"""DOCX → PDF through headless LibreOffice.

Why LibreOffice: it lays out the very DOCX the office downloads (one layout engine for
both artefacts, grid and East-Asian typography included); Python PDF libraries would
need a second, diverging renderer.

LibreOffice 7.4 (Debian 12) reads ``w:docGrid type="linesAndChars"`` as "snap to
characters" and gives every 16 pt character two 15.8 pt grid cells: 14 characters a line
instead of 28. Conversion therefore runs on a copy (:func:`libreoffice_copy`) in which
the grid is lines-only and the grid's per-character adjustment becomes ordinary
character spacing, which yields the same 28 characters per line Word produces. The DOCX
handed to users keeps the standard grid.

Each conversion gets a private user profile (``-env:UserInstallation``) so concurrent
conversions (web workers, parallel tests) do not fight over one profile lock, a private
fontconfig file (see :mod:`kaohe.documents.fonts`), and a timeout after which the whole
process group is killed (``soffice`` is a wrapper that forks ``soffice.bin``).
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from .fonts import write_fontconfig
from .ooxml import R_ORDER, set_child

__all__ = [
    "ConversionError",
    "SofficeNotFoundError",
    "convert_to_pdf",
    "find_soffice",
    "libreoffice_copy",
]

SOFFICE_ENV = "KAOHE_SOFFICE"
DEFAULT_TIMEOUT = 180.0
INSTALL_HINT = (
    "apt-get install libreoffice-writer-nogui fonts-noto-cjk "
    "(or set KAOHE_SOFFICE to the soffice executable)"
)


class ConversionError(RuntimeError):
    """LibreOffice ran but produced no PDF (or took too long)."""


class SofficeNotFoundError(ConversionError):
    """No LibreOffice on this machine: PDF output is impossible, say how to fix it."""


def find_soffice() -> str:
    """Locate ``soffice``: ``$KAOHE_SOFFICE``, then ``soffice``/``libreoffice`` on PATH."""
    configured = os.environ.get(SOFFICE_ENV, "").strip()
    if configured:
        if Path(configured).is_file() and os.access(configured, os.X_OK):
            return configured
        raise SofficeNotFoundError(f"{SOFFICE_ENV}={configured!r} is not an executable file")
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise SofficeNotFoundError(
        "LibreOffice (soffice) was not found on PATH, so DOCX cannot be converted to PDF. "
        f"Install it: {INSTALL_HINT}"
    )


def convert_to_pdf(
    docx_path: Path | str,
    out_dir: Path | str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    fonts_dir: Path | None = None,
) -> Path:
    """Convert ``docx_path`` to PDF in ``out_dir`` (default: beside it); return the PDF path.

    ``fonts_dir`` overrides ``$KAOHE_FONTS_DIR`` (licensed 公文 fonts, used before Noto).
    """
    source = Path(docx_path).resolve()
    if not source.is_file():
        raise FileNotFoundError(source)
    target_dir = Path(out_dir).resolve() if out_dir else source.parent
    target_dir.mkdir(parents=True, exist_ok=True)
    soffice = find_soffice()
    target = target_dir / (source.stem + ".pdf")

    with tempfile.TemporaryDirectory(prefix="kaohe-soffice-") as scratch:
        scratch_dir = Path(scratch)
        profile = scratch_dir / "profile"
        fontconfig = write_fontconfig(scratch_dir / "fontconfig", fonts_dir)
        # Convert into scratch first: a half-written PDF never appears at the target path.
        work_out = scratch_dir / "out"
        work_in = scratch_dir / "in" / source.name
        work_in.parent.mkdir()
        libreoffice_copy(source, work_in)
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work_out),
            str(work_in),
        ]
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(fontconfig)
        env["HOME"] = str(scratch_dir)  # keeps LibreOffice/fontconfig caches out of $HOME
        env.setdefault("LANG", "C.UTF-8")
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=scratch,
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise ConversionError(
                f"LibreOffice did not convert {source.name} within {timeout:g} s"
            ) from exc
        produced = work_out / (source.stem + ".pdf")
        if proc.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            raise ConversionError(
                f"LibreOffice failed to convert {source.name} (exit {proc.returncode}).\n"
                f"stdout: {stdout.decode(errors='replace').strip()}\n"
                f"stderr: {stderr.decode(errors='replace').strip()}"
            )
        shutil.move(str(produced), target)
    return target


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _grid_char_spacing(document_xml: bytes) -> tuple[bytes, int | None]:
    """Turn character grids into line grids; return the character spacing (twips) that
    gives the same characters per line, or ``None`` if no section has a character grid."""
    root = etree.fromstring(document_xml)
    spacing: int | None = None
    for grid in root.iter(qn("w:docGrid")):
        if grid.get(qn("w:type")) not in ("linesAndChars", "snapToChars"):
            continue
        char_space = int(grid.get(qn("w:charSpace"), "0"))
        grid.set(qn("w:type"), "lines")
        grid.attrib.pop(qn("w:charSpace"), None)
        # charSpace is in 1/4096 pt; round towards narrower so no line loses a character.
        spacing = math.floor(char_space / 4096 * 20)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), spacing


def _default_char_spacing(styles_xml: bytes, twips: int) -> bytes:
    root = etree.fromstring(styles_xml)
    rpr = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is not None:
        set_child(rpr, "spacing", {"val": twips}, R_ORDER)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def libreoffice_copy(source: Path, target: Path) -> Path:
    """Copy a DOCX, replacing its character grid by equivalent character spacing.

    See the module docstring for why; everything else is copied byte for byte.
    """
    with zipfile.ZipFile(source) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    parts = {info.filename: data for info, data in items}
    spacing = None
    if "word/document.xml" in parts:
        parts["word/document.xml"], spacing = _grid_char_spacing(parts["word/document.xml"])
    if spacing and "word/styles.xml" in parts:
        parts["word/styles.xml"] = _default_char_spacing(parts["word/styles.xml"], spacing)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, _ in items:
            zout.writestr(info, parts[info.filename])
    return target
