"""错敏信息 checks for government web pages: wrong words, outdated agency names, non-standard
expressions, sensitive terms, 文号 format, leader titles and exposed personal data.

Pure Python (no Django). Typical use::

    checker = Checker.from_packs(roster=[("张三", "县长", date(2021, 6, 1), None)])
    for finding in checker.scan(page_text, page_date=date(2023, 5, 4)):
        ...

Build the checker once (it compiles every rule into one automaton) and reuse it.
"""

from .checker import Checker
from .model import CATEGORY_LABELS, Category, Finding, Rule, RulePack, Severity
from .normalize import NormalizedText, Normalizer, fold, normalize
from .packs import PackError, load_default_packs, load_pack, parse_pack
from .roster import Tenure

__all__ = [
    "CATEGORY_LABELS",
    "Category",
    "Checker",
    "Finding",
    "NormalizedText",
    "Normalizer",
    "PackError",
    "Rule",
    "RulePack",
    "Severity",
    "Tenure",
    "fold",
    "load_default_packs",
    "load_pack",
    "normalize",
    "parse_pack",
]
