"""Data types of the wording checker: severities, categories, rules, packs and findings.

They are plain frozen dataclasses so that findings can be stored, compared in tests and
handed across the Django boundary without dragging the matcher along.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class Severity(enum.StrEnum):
    """How bad a finding is. ``error`` must be fixed; ``warning`` needs a human look;
    ``info`` is a hint (e.g. an outdated name on a page whose date is unknown)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Category(enum.StrEnum):
    """What kind of problem a rule finds; the values are stored, the labels are shown."""

    TYPO = "typo"
    RENAMED_AGENCY = "renamed_agency"
    NONSTANDARD = "nonstandard"
    SENSITIVE = "sensitive"
    OFFICIAL_NAME = "official_name"
    DOC_NUMBER = "doc_number"
    LEADER_TITLE = "leader_title"
    PRIVACY = "privacy"
    SYNTHETIC = "synthetic"  # generated filler terms, benchmarks only


CATEGORY_LABELS: dict[Category, str] = {
    Category.TYPO: "错别字",
    Category.RENAMED_AGENCY: "机构名称已变更",
    Category.NONSTANDARD: "不规范表述",
    Category.SENSITIVE: "敏感信息",
    Category.OFFICIAL_NAME: "规范名称错误",
    Category.DOC_NUMBER: "发文字号格式",
    Category.LEADER_TITLE: "领导姓名职务不符",
    Category.PRIVACY: "个人信息泄露",
    Category.SYNTHETIC: "合成测试词",
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of a rule pack.

    ``pattern`` is literal text (matched after normalisation) unless ``regex`` is set.
    ``effective``: the rule only applies to pages dated on or after this day (renamed
    agencies, renamed terms). ``exceptions``: correct phrases that contain the pattern
    (``公布署名`` for ``布署``); a match inside one of them is not a finding.
    """

    id: str
    category: Category
    severity: Severity
    pattern: str
    suggestion: str
    pack: str
    regex: bool = False
    effective: date | None = None
    exceptions: tuple[str, ...] = ()
    illustrative: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class RulePack:
    """A versioned list of rules with its provenance, as read from ``packs/*.tsv``."""

    name: str
    version: str
    date: date
    category: Category
    kind: str  # "literal" or "regex"
    source: str
    notes: str
    rules: tuple[Rule, ...]
    illustrative: bool = False
    origin: str = ""  # file the pack was read from, for error messages


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a page.

    ``offset``/``length`` index the ORIGINAL text passed to ``Checker.scan`` (code points),
    whatever normalisation happened before matching; ``text`` is that original passage,
    masked for personal data. ``fingerprint`` identifies the finding across rescans (rule,
    matched text and a little context) and is what ignore / mark-fixed lists store.
    """

    text: str
    offset: int
    length: int
    category: Category
    severity: Severity
    suggestion: str
    rule: str
    pack: str
    note: str = ""
    fingerprint: str = ""
    reopened: bool = False  # it was marked fixed, and is back

    @property
    def end(self) -> int:
        return self.offset + self.length

    @property
    def key(self) -> tuple[str, str]:
        """What an ignore or mark-fixed list stores for this finding."""
        return (self.rule, self.fingerprint)

    @property
    def kind(self) -> str:
        """The crawler's coarse finding kind: ``privacy`` or ``wording``."""
        return "privacy" if self.category is Category.PRIVACY else "wording"
