"""The fonts a 公文 names, and how a Linux server renders them without owning them.

GB/T 9704-2012 names faces (方正小标宋, 仿宋_GB2312, 楷体_GB2312, 黑体, 宋体) that are
licensed and absent from Debian. The DOCX always names the real faces, so an office
opening it in Word or WPS gets the proper look. For PDF, LibreOffice runs under a
fontconfig configuration we generate: it reads a folder of licensed fonts an office may
drop in (``KAOHE_FONTS_DIR``), the system fonts, and then the shipped
``fonts/fonts.conf`` whose aliases map each missing face to Noto Serif/Sans CJK SC
(Debian ``fonts-noto-cjk``). The aliases use ``binding="same"`` + ``<accept>``, i.e. the
real family stays first in the candidate list, so a licensed font always wins.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = [
    "FANGSONG",
    "FONTS_CONF",
    "HEITI",
    "KAITI",
    "SONGTI",
    "SUBSTITUTES",
    "XIAOBIAOSONG",
    "Substitute",
    "licensed_fonts_dir",
    "write_fontconfig",
]

XIAOBIAOSONG = "方正小标宋简体"  # 发文机关标志, 标题
FANGSONG = "仿宋_GB2312"  # 正文
KAITI = "楷体_GB2312"  # 二级标题
HEITI = "黑体"  # 一级标题, 附件标志
SONGTI = "宋体"  # 页码

FONTS_DIR_ENV = "KAOHE_FONTS_DIR"
FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"


@dataclass(frozen=True)
class Substitute:
    family: str
    bold: bool = False


SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"

#: What ``fonts/fonts.conf`` maps each 公文 face to (tests keep the two in sync).
SUBSTITUTES: dict[str, Substitute] = {
    XIAOBIAOSONG: Substitute(SERIF, bold=True),  # 小标宋 is a heavy 宋: Serif Bold is closest
    "方正小标宋_GBK": Substitute(SERIF, bold=True),
    "小标宋": Substitute(SERIF, bold=True),
    FANGSONG: Substitute(SERIF),
    "仿宋": Substitute(SERIF),
    "FangSong": Substitute(SERIF),
    KAITI: Substitute(SERIF),
    "楷体": Substitute(SERIF),
    "KaiTi": Substitute(SERIF),
    HEITI: Substitute(SANS),
    "SimHei": Substitute(SANS),
    SONGTI: Substitute(SERIF),
    "SimSun": Substitute(SERIF),
}


def licensed_fonts_dir() -> Path | None:
    """The folder of licensed fonts (``KAOHE_FONTS_DIR``), if set and present."""
    value = os.environ.get(FONTS_DIR_ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_dir() else None


def write_fontconfig(target_dir: Path, fonts_dir: Path | None = None) -> Path:
    """Write the fontconfig file LibreOffice runs under and return its path.

    Order matters: the licensed folder is declared before the system configuration so its
    families exist when the shipped aliases are evaluated; the aliases only *append* Noto
    as an acceptable fallback, never replace an installed family.
    """
    fonts_dir = fonts_dir if fonts_dir is not None else licensed_fonts_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    parts = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
    ]
    if fonts_dir is not None:
        parts.append(f"  <dir>{escape(str(fonts_dir.resolve()))}</dir>")
    parts += [
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
        f"  <include>{escape(str(FONTS_CONF.resolve()))}</include>",
        f"  <cachedir>{escape(str((target_dir / 'fc-cache').resolve()))}</cachedir>",
        "</fontconfig>",
        "",
    ]
    path = target_dir / "fonts.conf"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
