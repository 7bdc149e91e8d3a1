"""Checking uploaded evidence files by what they are, not by what they are called.

A scorer's upload ends up in front of the assessed unit and the office, so a renamed executable
must never pass as a PDF. The extension chooses the expected kind; the first bytes (and, for
DOCX/XLSX, the parts inside the ZIP) must then prove it. The checks are a dozen lines of
standard library, so no libmagic binding is needed on offline intranet servers. The unit
portal checks appeal and rectification files against the same kinds.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    label: str  # as the error messages name it
    content_type: str
    magic: bytes  # the file must start with these bytes
    zip_part: str = ""  # for Office files: a part the ZIP package must contain
    inline: bool = True  # shown in the browser rather than downloaded


PDF = Kind("PDF", "application/pdf", b"%PDF-")
PNG = Kind("PNG", "image/png", b"\x89PNG\r\n\x1a\n")
JPEG = Kind("JPEG", "image/jpeg", b"\xff\xd8\xff")
DOCX = Kind(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    b"PK\x03\x04",
    "word/document.xml",
    inline=False,
)
XLSX = Kind(
    "XLSX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    b"PK\x03\x04",
    "xl/workbook.xml",
    inline=False,
)
KINDS: dict[str, Kind] = {
    ".pdf": PDF,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".docx": DOCX,
    ".xlsx": XLSX,
}
ALLOWED_LABEL = "PDF、PNG、JPEG、DOCX 或 XLSX"
ACCEPT = ",".join(KINDS)  # for <input type=file accept=…>


def kind_of(name: str) -> Kind | None:
    return KINDS.get(PurePath(name).suffix.lower())


def suffix_of(kind: Kind) -> str:
    """The usual extension of a kind (the first one listed for it)."""
    return next(suffix for suffix, known in KINDS.items() if known is kind)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def check_upload(upload: UploadedFile) -> Kind:
    """Return the file's kind, or raise ValidationError with a message a clerk can act on."""
    name = upload.name or ""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            f"文件“{name}”有 {_megabytes(upload.size)} MB，证据文件不能超过 "
            f"{MAX_BYTES // 1024 // 1024} MB，请压缩或拆分后再上传。",
            code="too_big",
        )
    kind = kind_of(name)
    if kind is None:
        suffix = PurePath(name).suffix or "（无扩展名）"
        raise ValidationError(
            f"不支持的文件类型“{suffix}”：证据文件只能是 {ALLOWED_LABEL}。", code="extension"
        )
    upload.seek(0)
    head = upload.read(len(kind.magic))
    real = head == kind.magic and (not kind.zip_part or kind.zip_part in zip_parts(upload))
    upload.seek(0)
    if not real:
        raise ValidationError(
            f"文件“{name}”的内容不是真正的 {kind.label} 文件（扩展名与内容不符，"
            "可能是改了扩展名的其他文件），请上传原始文件。",
            code="content",
        )
    return kind


def zip_parts(upload) -> set[str]:
    """The part names of a ZIP package (its directory only, nothing is inflated); empty if the
    file is no ZIP. DOCX and XLSX are ZIP packages: a plain ZIP (or a JAR) renamed .docx lacks
    their parts."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            return set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        upload.seek(0)
