"""Shared by the web tests (a plain module: conftest fixtures cannot be imported)."""

from dataclasses import dataclass

from kaohe.assessment.models import Campaign, Indicator, LedgerEntry
from kaohe.inspection.models import Finding, Inspection, Site
from kaohe.portal.models import Appeal, Rectification
from kaohe.registry.models import Contact, Handover, Unit, UnitAlias

# Words that exist only in a foreign object: they must never reach unit-zjj (托里镇's) or
# scorer-dsj (an entry on, or a finding mapped to, an indicator 县市场监管局 owns).
TLZ_MARK = "MARK-TLZ"
SCJG_MARK = "MARK-SCJG"


@dataclass
class World:
    campaign: Campaign
    zjj: Unit
    tlz: Unit
    dsj_leaf: Indicator  # owned by scorer-dsj's agency (县政务服务和大数据发展服务中心)
    scjg_leaf: Indicator  # owned by 县市场监管局
    zjj_entry: LedgerEntry  # 住建局, on dsj_leaf, with an evidence file
    zjj_scjg_entry: LedgerEntry  # 住建局, on scjg_leaf, with an evidence file
    tlz_entry: LedgerEntry  # 托里镇, on dsj_leaf, with an evidence file
    zjj_appeal: Appeal
    tlz_appeal: Appeal
    zjj_rect: Rectification
    tlz_rect: Rectification
    zjj_alias: UnitAlias
    tlz_alias: UnitAlias
    zjj_contact: Contact
    tlz_contact: Contact
    zjj_handover: Handover
    tlz_handover: Handover
    site: Site  # the county portal (no unit), with a column of 住建局 and one of 托里镇
    run: Inspection  # a finished run of it in the campaign, its WARC archive on disk
    zjj_finding: Finding  # 住建局, wording, a kind mapped to dsj_leaf, with archived evidence
    tlz_finding: Finding  # 托里镇, stale column, a kind mapped to dsj_leaf, with archived evidence
    zjj_scjg_finding: (
        Finding  # 住建局, dead link, a kind mapped to scjg_leaf, with archived evidence
    )

    @property
    def ids(self) -> dict:
        return {
            "code": self.campaign.code,
            "zjj": self.zjj.id,
            "tlz": self.tlz.id,
            "site": self.site.id,
            "zjj_finding": self.zjj_finding.id,
            "tlz_finding": self.tlz_finding.id,
            "zjj_scjg_finding": self.zjj_scjg_finding.id,
        }
