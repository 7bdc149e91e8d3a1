"""Document layer of kaohe: the 通报 model and its DOCX / PDF / XLSX / HTML renderings.

Pure Python (python-docx, openpyxl, lxml); no Django imports, so it can be used from a
management command, a worker or a test without settings. Modules:

- :mod:`.model` — the notice as frozen dataclasses (text already formatted)
- :mod:`.docx_writer` — GB/T 9704-2012 DOCX from the reference template (:mod:`.styles`)
- :mod:`.pdf` — DOCX → PDF via headless LibreOffice, fonts via :mod:`.fonts`
- :mod:`.xlsx_writer` — annex tables as a workbook
- :mod:`.html` — escaped HTML preview fragment
- :mod:`.unit_report` — per-unit 扣分明细 DOCX
"""

from .model import Annex, Column, ColumnKind, Heading, Notice, Paragraph, RankedTable

__all__ = ["Annex", "Column", "ColumnKind", "Heading", "Notice", "Paragraph", "RankedTable"]
