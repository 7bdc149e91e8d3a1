"""The permission matrix: every URL pattern of the project, as every role and anonymous, for own
and foreign objects, with the status each must get — and no foreign data in any answer.

The campaign is put in 公示与复核 (the appeal window open), the phase in which units, the office
and the scorers all have something to do. Writes the phase forbids still go through the scoped
getters first, so an own object answers 403 (“not now”) where a foreign one answers 404 (“does
not exist for you”).

A URL pattern added to the project without a row here fails ``test_every_url_pattern_has_rows``.
"""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from kaohe_web_testutil import SCJG_MARK, TLZ_MARK, World

from kaohe.assessment.models import Campaign, LedgerEntry, Transition
from kaohe.audit.models import AuditRecord
from kaohe.inspection.models import AllowlistEntry, Column, Finding, FindingRule, Inspection, Site
from kaohe.notices.models import AcceptedFinding, NoticeDraft
from kaohe.portal.models import Appeal, Disclosure, Rectification
from kaohe.registry.models import Contact, Handover, UnitAlias

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "office", "scorer-dsj", "unit-zjj", "leader", "admin")

# Expected answers: a status code, or "→/path/" for a 302 to that path (query and fragment
# ignored). Paths are formatted with {code} (the campaign), {zjj} and {tlz} (unit ids), {site}
# and {zjj_finding}, {tlz_finding}, {zjj_scjg_finding} (online verification's objects).
L = "→/accounts/login/"  # login_required: to the login page, ?next=the page
CAMPAIGNS = "→/campaigns/"
OWN_PAGE = "→/campaigns/{code}/units/{zjj}/"  # a unit user's home is their unit's page
OVERVIEW = "→/campaigns/{code}/"
PREVIEW = "→/campaigns/{code}/notice/"
APPEALS = "→/campaigns/{code}/appeals/"
RECTS = "→/campaigns/{code}/rectifications/"
REG_ZJJ = "→/registry/units/{zjj}/"
REG_TLZ = "→/registry/units/{tlz}/"
SITE = "→/campaigns/{code}/inspection/sites/{site}/"
F_ZJJ = "→/campaigns/{code}/inspection/findings/{zjj_finding}/"
F_TLZ = "→/campaigns/{code}/inspection/findings/{tlz_finding}/"
F_SCJG = "→/campaigns/{code}/inspection/findings/{zjj_scjg_finding}/"
NO = 405  # wrong method, whoever asks (the method check wraps the login check)

# fmt: off
# Each URL pattern's parameter sets. Variant names say whose object each parameter is:
# zjj = 住建局 (unit-zjj's own unit), tlz = 托里镇 (foreign to unit-zjj); dsj = an indicator (or an
# entry on one) scorer-dsj's agency owns, scjg = one owned by 县市场监管局 (foreign to scorer-dsj).
# Online verification: county = the county portal site (columns of 住建局 and 托里镇) and its
# finished run; a finding is unit×owner, the owner of the indicator its kind is mapped to.
ARGS: dict[str, dict[str, Callable[[World], dict]]] = {
    "home": {"-": lambda w: {}},
    "login": {"-": lambda w: {}},
    "logout": {"-": lambda w: {}},
    "campaigns": {"-": lambda w: {}},
    "audit_log": {"-": lambda w: {}},
    **{name: {"-": lambda w: {"code": w.campaign.code}} for name in (
        "overview", "move", "results", "statistics", "clone", "compare",
        "scoring:workspace", "scoring:bulk",
        "notices:preview", "notices:edit", "notices:accept", "portal:units", "portal:appeals",
        "portal:rectifications", "portal:disclosure",
        "inspection:sites", "inspection:rules", "inspection:review", "inspection:allowlist",
    )},
    "scoring:cell": {
        "zjj×dsj": lambda w: {"code": w.campaign.code, "unit_id": w.zjj.id, "indicator_id": w.dsj_leaf.id},
        "zjj×scjg": lambda w: {"code": w.campaign.code, "unit_id": w.zjj.id, "indicator_id": w.scjg_leaf.id},
        "tlz×dsj": lambda w: {"code": w.campaign.code, "unit_id": w.tlz.id, "indicator_id": w.dsj_leaf.id},
    },
    **{name: {
        "dsj-entry": lambda w: {"code": w.campaign.code, "entry_id": w.zjj_entry.id},
        "scjg-entry": lambda w: {"code": w.campaign.code, "entry_id": w.zjj_scjg_entry.id},
    } for name in ("scoring:reverse", "scoring:evidence")},
    "notices:download": {
        "xlsx": lambda w: {"code": w.campaign.code, "fmt": "xlsx"},
        "exe": lambda w: {"code": w.campaign.code, "fmt": "exe"},
    },
    "portal:unit": {
        "zjj": lambda w: {"code": w.campaign.code, "unit_id": w.zjj.id},
        "tlz": lambda w: {"code": w.campaign.code, "unit_id": w.tlz.id},
    },
    **{name: {
        "zjj/zjj-entry": lambda w: {"code": w.campaign.code, "unit_id": w.zjj.id, "entry_id": w.zjj_entry.id},
        "tlz/tlz-entry": lambda w: {"code": w.campaign.code, "unit_id": w.tlz.id, "entry_id": w.tlz_entry.id},
        "zjj/tlz-entry": lambda w: {"code": w.campaign.code, "unit_id": w.zjj.id, "entry_id": w.tlz_entry.id},
    } for name in ("portal:appeal", "portal:rectify", "portal:entry_evidence")},
    **{name: {
        "zjj-appeal": lambda w: {"code": w.campaign.code, "appeal_id": w.zjj_appeal.id},
        "tlz-appeal": lambda w: {"code": w.campaign.code, "appeal_id": w.tlz_appeal.id},
    } for name in ("portal:decide", "portal:appeal_evidence")},
    **{name: {
        "zjj-rect": lambda w: {"code": w.campaign.code, "rect_id": w.zjj_rect.id},
        "tlz-rect": lambda w: {"code": w.campaign.code, "rect_id": w.tlz_rect.id},
    } for name in ("portal:verify", "portal:rectification_evidence")},
    **{name: {"county": lambda w: {"code": w.campaign.code, "site_id": w.site.id}} for name in (
        "inspection:site", "inspection:import_columns", "inspection:template",
        "inspection:schedule", "inspection:start",
    )},
    **{name: {"county": lambda w: {"code": w.campaign.code, "run_id": w.run.id}} for name in (
        "inspection:run", "inspection:progress",
    )},
    **{name: {
        "zjj×dsj": lambda w: {"code": w.campaign.code, "finding_id": w.zjj_finding.id},
        "tlz×dsj": lambda w: {"code": w.campaign.code, "finding_id": w.tlz_finding.id},
        "zjj×scjg": lambda w: {"code": w.campaign.code, "finding_id": w.zjj_scjg_finding.id},
    } for name in (
        "inspection:finding", "inspection:accept", "inspection:reject", "inspection:ignore",
        "inspection:evidence", "inspection:evidence_raw",
    )},
    "registry:units": {"-": lambda w: {}},
    "registry:contacts_csv": {"-": lambda w: {}},
    **{name: {
        "zjj": lambda w: {"unit_id": w.zjj.id},
        "tlz": lambda w: {"unit_id": w.tlz.id},
    } for name in ("registry:unit", "registry:alias_add", "registry:contact_add", "registry:handover_add")},
    "registry:alias_remove": {
        "zjj/zjj-alias": lambda w: {"unit_id": w.zjj.id, "alias_id": w.zjj_alias.id},
        "tlz/tlz-alias": lambda w: {"unit_id": w.tlz.id, "alias_id": w.tlz_alias.id},
        "zjj/tlz-alias": lambda w: {"unit_id": w.zjj.id, "alias_id": w.tlz_alias.id},
    },
    "registry:contact_end": {
        "zjj/zjj-contact": lambda w: {"unit_id": w.zjj.id, "contact_id": w.zjj_contact.id},
        "tlz/tlz-contact": lambda w: {"unit_id": w.tlz.id, "contact_id": w.tlz_contact.id},
        "zjj/tlz-contact": lambda w: {"unit_id": w.zjj.id, "contact_id": w.tlz_contact.id},
    },
    "registry:handover_acknowledge": {
        "zjj/zjj-handover": lambda w: {"unit_id": w.zjj.id, "handover_id": w.zjj_handover.id},
        "tlz/tlz-handover": lambda w: {"unit_id": w.tlz.id, "handover_id": w.tlz_handover.id},
        "zjj/tlz-handover": lambda w: {"unit_id": w.zjj.id, "handover_id": w.tlz_handover.id},
    },
}

# POSTs carry no form data: they prove who gets through to the form, never change anything
# that outlives the request (each request runs in a savepoint that is rolled back).
TABLE: list[tuple[str, str, str, tuple]] = [
    # pattern                       variant             method   anonymous office  scorer-dsj unit-zjj leader  admin
    ("home",                        "-",                "GET",  (L,        CAMPAIGNS, CAMPAIGNS, OWN_PAGE, CAMPAIGNS, CAMPAIGNS)),
    ("home",                        "-",                "POST", (L,        CAMPAIGNS, CAMPAIGNS, OWN_PAGE, CAMPAIGNS, CAMPAIGNS)),
    ("login",                       "-",                "GET",  (200,      200,     200,     200,     200,     200)),
    ("login",                       "-",                "POST", (200,      200,     200,     200,     200,     200)),  # empty form: errors
    ("logout",                      "-",                "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("logout",                      "-",                "POST", (L,        L,       L,       L,       L,       L)),
    ("campaigns",                   "-",                "GET",  (L,        200,     200,     200,     200,     200)),
    ("campaigns",                   "-",                "POST", (L,        200,     200,     200,     200,     200)),
    ("overview",                    "-",                "GET",  (L,        200,     200,     403,     200,     200)),
    ("overview",                    "-",                "POST", (L,        200,     200,     403,     200,     200)),
    ("move",                        "-",                "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("move",                        "-",                "POST", (L,        OVERVIEW, 403,    403,     OVERVIEW, 403)),  # no target: refused with a message
    ("results",                     "-",                "GET",  (L,        200,     200,     403,     200,     200)),
    ("results",                     "-",                "POST", (L,        200,     200,     403,     200,     200)),
    ("statistics",                  "-",                "GET",  (L,        200,     200,     403,     200,     200)),
    ("statistics",                  "-",                "POST", (L,        200,     200,     403,     200,     200)),
    # a year on: cloning is the office's, the comparison is read by office, admin and leader
    ("clone",                       "-",                "GET",  (L,        200,     403,     403,     403,     200)),
    ("clone",                       "-",                "POST", (L,        200,     403,     403,     403,     200)),  # empty form: errors
    ("compare",                     "-",                "GET",  (L,        200,     403,     403,     200,     200)),
    ("compare",                     "-",                "POST", (L,        200,     403,     403,     200,     200)),
    # scoring: office, admin and scorers; a scorer reaches only their agency's indicators, of any unit;
    # in 公示与复核 every write is refused (403) once the objects are found
    ("scoring:workspace",           "-",                "GET",  (L,        200,     200,     403,     403,     200)),
    ("scoring:workspace",           "-",                "POST", (L,        200,     200,     403,     403,     200)),
    ("scoring:cell",                "zjj×dsj",          "GET",  (L,        200,     200,     403,     403,     200)),
    ("scoring:cell",                "zjj×dsj",          "POST", (L,        403,     403,     403,     403,     403)),
    ("scoring:cell",                "zjj×scjg",         "GET",  (L,        200,     404,     403,     403,     200)),
    ("scoring:cell",                "zjj×scjg",         "POST", (L,        403,     404,     403,     403,     403)),
    ("scoring:cell",                "tlz×dsj",          "GET",  (L,        200,     200,     403,     403,     200)),
    ("scoring:cell",                "tlz×dsj",          "POST", (L,        403,     403,     403,     403,     403)),
    ("scoring:reverse",             "dsj-entry",        "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("scoring:reverse",             "dsj-entry",        "POST", (L,        403,     403,     403,     403,     403)),
    ("scoring:reverse",             "scjg-entry",       "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("scoring:reverse",             "scjg-entry",       "POST", (L,        403,     404,     403,     403,     403)),
    ("scoring:evidence",            "dsj-entry",        "GET",  (L,        200,     200,     403,     403,     200)),
    ("scoring:evidence",            "dsj-entry",        "POST", (L,        200,     200,     403,     403,     200)),
    ("scoring:evidence",            "scjg-entry",       "GET",  (L,        200,     404,     403,     403,     200)),
    ("scoring:evidence",            "scjg-entry",       "POST", (L,        200,     404,     403,     403,     200)),
    ("scoring:bulk",                "-",                "GET",  (L,        200,     200,     403,     403,     200)),
    ("scoring:bulk",                "-",                "POST", (L,        403,     403,     403,     403,     403)),
    # notices: read by office, admin, leader; edited by office and admin
    ("notices:preview",             "-",                "GET",  (L,        200,     403,     403,     200,     200)),
    ("notices:preview",             "-",                "POST", (L,        200,     403,     403,     200,     200)),
    ("notices:edit",                "-",                "GET",  (L,        200,     403,     403,     403,     200)),
    ("notices:edit",                "-",                "POST", (L,        200,     403,     403,     403,     200)),  # empty form: errors
    ("notices:accept",              "-",                "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("notices:accept",              "-",                "POST", (L,        PREVIEW, 403,     403,     403,     PREVIEW)),
    ("notices:download",            "xlsx",             "GET",  (L,        200,     403,     403,     200,     200)),
    ("notices:download",            "xlsx",             "POST", (L,        200,     403,     403,     200,     200)),
    ("notices:download",            "exe",              "GET",  (L,        404,     403,     403,     404,     404)),
    ("notices:download",            "exe",              "POST", (L,        404,     403,     403,     404,     404)),
    # the unit portal: a unit user sees only their own unit (anything else is 404)
    ("portal:units",                "-",                "GET",  (L,        200,     403,     OWN_PAGE, 200,    200)),
    ("portal:units",                "-",                "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:unit",                 "zjj",              "GET",  (L,        200,     403,     200,     200,     200)),
    ("portal:unit",                 "zjj",              "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:unit",                 "tlz",              "GET",  (L,        200,     403,     404,     200,     200)),
    ("portal:unit",                 "tlz",              "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:appeal",               "zjj/zjj-entry",    "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:appeal",               "zjj/zjj-entry",    "POST", (L,        403,     403,     400,     403,     403)),  # empty form: errors
    ("portal:appeal",               "tlz/tlz-entry",    "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:appeal",               "tlz/tlz-entry",    "POST", (L,        403,     403,     404,     403,     403)),
    ("portal:appeal",               "zjj/tlz-entry",    "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:appeal",               "zjj/tlz-entry",    "POST", (L,        403,     403,     404,     403,     403)),
    ("portal:rectify",              "zjj/zjj-entry",    "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:rectify",              "zjj/zjj-entry",    "POST", (L,        403,     403,     403,     403,     403)),  # not yet published
    ("portal:rectify",              "tlz/tlz-entry",    "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:rectify",              "tlz/tlz-entry",    "POST", (L,        403,     403,     404,     403,     403)),
    ("portal:rectify",              "zjj/tlz-entry",    "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:rectify",              "zjj/tlz-entry",    "POST", (L,        403,     403,     404,     403,     403)),
    ("portal:entry_evidence",       "zjj/zjj-entry",    "GET",  (L,        200,     403,     200,     200,     200)),
    ("portal:entry_evidence",       "zjj/zjj-entry",    "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:entry_evidence",       "tlz/tlz-entry",    "GET",  (L,        200,     403,     404,     200,     200)),
    ("portal:entry_evidence",       "tlz/tlz-entry",    "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:entry_evidence",       "zjj/tlz-entry",    "GET",  (L,        404,     403,     404,     404,     404)),
    ("portal:entry_evidence",       "zjj/tlz-entry",    "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:appeals",              "-",                "GET",  (L,        200,     403,     403,     200,     200)),
    ("portal:appeals",              "-",                "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:decide",               "zjj-appeal",       "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:decide",               "zjj-appeal",       "POST", (L,        400,     403,     403,     403,     400)),  # empty form: errors
    ("portal:decide",               "tlz-appeal",       "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:decide",               "tlz-appeal",       "POST", (L,        400,     403,     403,     403,     400)),
    ("portal:appeal_evidence",      "zjj-appeal",       "GET",  (L,        200,     403,     200,     200,     200)),
    ("portal:appeal_evidence",      "zjj-appeal",       "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:appeal_evidence",      "tlz-appeal",       "GET",  (L,        200,     403,     404,     200,     200)),
    ("portal:appeal_evidence",      "tlz-appeal",       "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:rectifications",       "-",                "GET",  (L,        200,     403,     403,     200,     200)),
    ("portal:rectifications",       "-",                "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:verify",               "zjj-rect",         "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:verify",               "zjj-rect",         "POST", (L,        RECTS,   403,     403,     403,     RECTS)),
    ("portal:verify",               "tlz-rect",         "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:verify",               "tlz-rect",         "POST", (L,        RECTS,   403,     403,     403,     RECTS)),
    ("portal:rectification_evidence", "zjj-rect",       "GET",  (L,        200,     403,     200,     200,     200)),
    ("portal:rectification_evidence", "zjj-rect",       "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:rectification_evidence", "tlz-rect",       "GET",  (L,        200,     403,     404,     200,     200)),
    ("portal:rectification_evidence", "tlz-rect",       "POST", (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:disclosure",           "-",                "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("portal:disclosure",           "-",                "POST", (L,        APPEALS, 403,     403,     403,     APPEALS)),
    # online verification: office and admin register sites, import columns, run and map finding
    # kinds to indicators; the leader reads; a scorer reviews the findings mapped to their agency's
    # indicators, of any unit (any other finding is 404); a unit user reads its own unit's findings
    # and their archived evidence (another unit's is 404), nothing else
    ("inspection:sites",            "-",                "GET",  (L,        200,     403,     403,     200,     200)),
    ("inspection:sites",            "-",                "POST", (L,        422,     403,     403,     403,     422)),  # empty form: errors
    ("inspection:site",             "county",           "GET",  (L,        200,     403,     403,     200,     200)),
    ("inspection:site",             "county",           "POST", (L,        200,     403,     403,     200,     200)),
    ("inspection:import_columns",   "county",           "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:import_columns",   "county",           "POST", (L,        422,     403,     403,     403,     422)),  # no file: errors
    ("inspection:template",         "county",           "GET",  (L,        200,     403,     403,     200,     200)),
    ("inspection:template",         "county",           "POST", (L,        200,     403,     403,     200,     200)),
    ("inspection:schedule",         "county",           "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:schedule",         "county",           "POST", (L,        SITE,    403,     403,     403,     SITE)),  # empty: no schedule
    ("inspection:start",            "county",           "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:start",            "county",           "POST", (L,        422,     403,     403,     403,     422)),  # empty form: errors
    ("inspection:run",              "county",           "GET",  (L,        200,     403,     403,     200,     200)),
    ("inspection:run",              "county",           "POST", (L,        200,     403,     403,     200,     200)),
    ("inspection:progress",         "county",           "GET",  (L,        200,     403,     403,     200,     200)),
    ("inspection:progress",         "county",           "POST", (L,        200,     403,     403,     200,     200)),
    ("inspection:rules",            "-",                "GET",  (L,        200,     403,     403,     200,     200)),
    ("inspection:rules",            "-",                "POST", (L,        422,     403,     403,     403,     422)),  # empty form: errors
    ("inspection:review",           "-",                "GET",  (L,        200,     200,     403,     403,     200)),
    ("inspection:review",           "-",                "POST", (L,        200,     200,     403,     403,     200)),
    ("inspection:finding",          "zjj×dsj",          "GET",  (L,        200,     200,     200,     200,     200)),
    ("inspection:finding",          "zjj×dsj",          "POST", (L,        200,     200,     200,     200,     200)),
    ("inspection:finding",          "tlz×dsj",          "GET",  (L,        200,     200,     404,     200,     200)),
    ("inspection:finding",          "tlz×dsj",          "POST", (L,        200,     200,     404,     200,     200)),
    ("inspection:finding",          "zjj×scjg",         "GET",  (L,        200,     404,     200,     200,     200)),
    ("inspection:finding",          "zjj×scjg",         "POST", (L,        200,     404,     200,     200,     200)),
    # deducting is refused in 公示与复核 (403) once the finding is found; rejecting (with a
    # reason) and ignoring still go through, as the review page says
    ("inspection:accept",           "zjj×dsj",          "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:accept",           "zjj×dsj",          "POST", (L,        403,     403,     403,     403,     403)),
    ("inspection:accept",           "tlz×dsj",          "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:accept",           "tlz×dsj",          "POST", (L,        403,     403,     403,     403,     403)),
    ("inspection:accept",           "zjj×scjg",         "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:accept",           "zjj×scjg",         "POST", (L,        403,     404,     403,     403,     403)),
    ("inspection:reject",           "zjj×dsj",          "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:reject",           "zjj×dsj",          "POST", (L,        422,     422,     403,     403,     422)),  # empty form: errors
    ("inspection:reject",           "tlz×dsj",          "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:reject",           "tlz×dsj",          "POST", (L,        422,     422,     403,     403,     422)),
    ("inspection:reject",           "zjj×scjg",         "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:reject",           "zjj×scjg",         "POST", (L,        422,     404,     403,     403,     422)),
    ("inspection:ignore",           "zjj×dsj",          "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:ignore",           "zjj×dsj",          "POST", (L,        F_ZJJ,   F_ZJJ,   403,     403,     F_ZJJ)),
    ("inspection:ignore",           "tlz×dsj",          "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:ignore",           "tlz×dsj",          "POST", (L,        F_TLZ,   F_TLZ,   403,     403,     F_TLZ)),
    ("inspection:ignore",           "zjj×scjg",         "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("inspection:ignore",           "zjj×scjg",         "POST", (L,        F_SCJG,  404,     403,     403,     F_SCJG)),
    ("inspection:evidence",         "zjj×dsj",          "GET",  (L,        200,     200,     200,     200,     200)),
    ("inspection:evidence",         "zjj×dsj",          "POST", (L,        200,     200,     200,     200,     200)),
    ("inspection:evidence",         "tlz×dsj",          "GET",  (L,        200,     200,     404,     200,     200)),
    ("inspection:evidence",         "tlz×dsj",          "POST", (L,        200,     200,     404,     200,     200)),
    ("inspection:evidence",         "zjj×scjg",         "GET",  (L,        200,     404,     200,     200,     200)),
    ("inspection:evidence",         "zjj×scjg",         "POST", (L,        200,     404,     200,     200,     200)),
    ("inspection:evidence_raw",     "zjj×dsj",          "GET",  (L,        200,     200,     200,     200,     200)),
    ("inspection:evidence_raw",     "zjj×dsj",          "POST", (L,        200,     200,     200,     200,     200)),
    ("inspection:evidence_raw",     "tlz×dsj",          "GET",  (L,        200,     200,     404,     200,     200)),
    ("inspection:evidence_raw",     "tlz×dsj",          "POST", (L,        200,     200,     404,     200,     200)),
    ("inspection:evidence_raw",     "zjj×scjg",         "GET",  (L,        200,     404,     200,     200,     200)),
    ("inspection:evidence_raw",     "zjj×scjg",         "POST", (L,        200,     404,     200,     200,     200)),
    ("inspection:allowlist",        "-",                "GET",  (L,        200,     403,     403,     403,     200)),
    ("inspection:allowlist",        "-",                "POST", (L,        404,     403,     403,     403,     404)),  # no entry given
    # the registry: read by office, admin, leader; a unit user reads and hands over their own unit
    ("registry:units",              "-",                "GET",  (L,        200,     403,     403,     200,     200)),
    ("registry:units",              "-",                "POST", (L,        200,     403,     403,     200,     200)),
    ("registry:contacts_csv",       "-",                "GET",  (L,        200,     403,     403,     200,     200)),
    ("registry:contacts_csv",       "-",                "POST", (L,        200,     403,     403,     200,     200)),
    ("registry:unit",               "zjj",              "GET",  (L,        200,     403,     200,     200,     200)),
    ("registry:unit",               "zjj",              "POST", (L,        200,     403,     200,     200,     200)),
    ("registry:unit",               "tlz",              "GET",  (L,        200,     403,     404,     200,     200)),
    ("registry:unit",               "tlz",              "POST", (L,        200,     403,     404,     200,     200)),
    ("registry:alias_add",          "zjj",              "GET",  (L,        200,     403,     403,     403,     200)),
    ("registry:alias_add",          "zjj",              "POST", (L,        200,     403,     403,     403,     200)),  # empty form: errors
    ("registry:alias_add",          "tlz",              "GET",  (L,        200,     403,     403,     403,     200)),
    ("registry:alias_add",          "tlz",              "POST", (L,        200,     403,     403,     403,     200)),
    ("registry:alias_remove",       "zjj/zjj-alias",    "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("registry:alias_remove",       "zjj/zjj-alias",    "POST", (L,        REG_ZJJ, 403,     403,     403,     REG_ZJJ)),
    ("registry:alias_remove",       "tlz/tlz-alias",    "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("registry:alias_remove",       "tlz/tlz-alias",    "POST", (L,        REG_TLZ, 403,     403,     403,     REG_TLZ)),
    ("registry:alias_remove",       "zjj/tlz-alias",    "GET",  (NO,       NO,      NO,      NO,      NO,      NO)),
    ("registry:alias_remove",       "zjj/tlz-alias",    "POST", (L,        404,     403,     403,     403,     404)),
    ("registry:contact_add",        "zjj",              "GET",  (L,        200,     403,     403,     403,     200)),
    ("registry:contact_add",        "zjj",              "POST", (L,        200,     403,     403,     403,     200)),
    ("registry:contact_add",        "tlz",              "GET",  (L,        200,     403,     403,     403,     200)),
    ("registry:contact_add",        "tlz",              "POST", (L,        200,     403,     403,     403,     200)),
    ("registry:contact_end",        "zjj/zjj-contact",  "GET",  (L,        200,     403,     403,     403,     200)),
    ("registry:contact_end",        "zjj/zjj-contact",  "POST", (L,        200,     403,     403,     403,     200)),
    ("registry:contact_end",        "tlz/tlz-contact",  "GET",  (L,        200,     403,     403,     403,     200)),
    ("registry:contact_end",        "tlz/tlz-contact",  "POST", (L,        200,     403,     403,     403,     200)),
    ("registry:contact_end",        "zjj/tlz-contact",  "GET",  (L,        404,     403,     403,     403,     404)),
    ("registry:contact_end",        "zjj/tlz-contact",  "POST", (L,        404,     403,     403,     403,     404)),
    ("registry:handover_add",       "zjj",              "GET",  (L,        200,     403,     200,     403,     200)),
    ("registry:handover_add",       "zjj",              "POST", (L,        200,     403,     200,     403,     200)),
    ("registry:handover_add",       "tlz",              "GET",  (L,        200,     403,     404,     403,     200)),
    ("registry:handover_add",       "tlz",              "POST", (L,        200,     403,     404,     403,     200)),
    ("registry:handover_acknowledge", "zjj/zjj-handover", "GET",  (NO,     NO,      NO,      NO,      NO,      NO)),
    ("registry:handover_acknowledge", "zjj/zjj-handover", "POST", (L,      REG_ZJJ, 403,     REG_ZJJ, 403,     REG_ZJJ)),
    ("registry:handover_acknowledge", "tlz/tlz-handover", "GET",  (NO,     NO,      NO,      NO,      NO,      NO)),
    ("registry:handover_acknowledge", "tlz/tlz-handover", "POST", (L,      REG_TLZ, 403,     404,     403,     REG_TLZ)),
    ("registry:handover_acknowledge", "zjj/tlz-handover", "GET",  (NO,     NO,      NO,      NO,      NO,      NO)),
    ("registry:handover_acknowledge", "zjj/tlz-handover", "POST", (L,      404,     403,     404,     403,     404)),
    # the audit trail: office and admin
    ("audit_log",                   "-",                "GET",  (L,        200,     403,     403,     403,     200)),
    ("audit_log",                   "-",                "POST", (L,        200,     403,     403,     403,     200)),
]
# fmt: on

# What a role must never read, in any answer: 托里镇's records (and findings) for unit-zjj,
# 县市场监管局's indicator's entries (and the findings mapped to it) for scorer-dsj.
FORBIDDEN = {
    "unit-zjj": ("托里镇", TLZ_MARK),
    "scorer-dsj": (SCJG_MARK,),
}


def url_patterns() -> dict[str, str]:
    """Every named URL pattern of the project (admin and static excluded): name -> route."""
    found: dict[str, str] = {}
    unnamed: list[str] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(("admin/", "static/", "media/")):
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route, namespace + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern):
                if not p.name:
                    unnamed.append(route)
                    continue
                name = namespace + p.name
                assert name not in found, f"two URL patterns are named {name}"
                found[name] = route

    walk(get_resolver().url_patterns, "", "")
    assert not unnamed, f"URL patterns without a name cannot be listed here: {unnamed}"
    return found


def test_every_url_pattern_has_rows():
    """The table and the project's URL map list the same patterns, each with GET and POST for
    every variant of its parameters."""
    patterns = url_patterns()
    assert set(ARGS) == set(patterns), (
        f"patterns without a row: {sorted(set(patterns) - set(ARGS))}; "
        f"rows without a pattern: {sorted(set(ARGS) - set(patterns))}"
    )
    rows = {(name, variant, method) for name, variant, method, _ in TABLE}
    assert len(rows) == len(TABLE), "a row is listed twice"
    wanted = {(n, v, m) for n, variants in ARGS.items() for v in variants for m in ("GET", "POST")}
    assert rows == wanted, (
        f"missing rows: {sorted(wanted - rows)}; rows for unknown variants: {sorted(rows - wanted)}"
    )
    assert all(len(expected) == len(ROLES) for *_, expected in TABLE)


@pytest.fixture
def appeal_phase(world) -> World:
    Campaign.objects.filter(pk=world.campaign.pk).update(
        status=Campaign.Status.APPEAL, appeal_deadline=timezone.now() + dt.timedelta(days=5)
    )
    world.campaign.refresh_from_db()
    return world


def request(client: Client, method: str, url: str) -> tuple[int, str, str]:
    """One request in a savepoint rolled back afterwards: what a POST changes is undone."""
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url)
        # a file is read to its end, which closes it (and the file behind it)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), body.decode("utf-8", "replace")


def describe(status: int, location: str) -> str:
    return f"302 → {location}" if status == 302 else str(status)


def meets(expected, status: int, location: str, ids: dict) -> bool:
    if isinstance(expected, int):
        return status == expected
    target = expected[1:].format(**ids)
    return status == 302 and re.split(r"[?#]", location, maxsplit=1)[0] == target


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, appeal_phase, sign_in):
    world = appeal_phase
    column = ROLES.index(role)
    username = None if role == "anonymous" else role
    wrong, leaks, seen = [], [], 0
    for name, variant, method, expected in TABLE:
        url = reverse(name, kwargs=ARGS[name][variant](world))
        status, location, body = request(sign_in(username), method, url)
        seen += 1
        want = expected[column]
        if not meets(want, status, location, world.ids):
            wanted = want if isinstance(want, int) else f"302 {want.format(**world.ids)}"
            wrong.append(
                f"{method} {url} [{name} {variant}]: {describe(status, location)}, expected {wanted}"
            )
        for word in FORBIDDEN.get(role, ()):
            if word in body:
                leaks.append(f"{method} {url} [{name} {variant}] ({status}) shows “{word}”")
    assert seen == len(TABLE)
    assert not wrong, f"{role}: {len(wrong)} answers differ from the table:\n" + "\n".join(wrong)
    assert not leaks, f"{role} reads foreign data:\n" + "\n".join(leaks)


def test_own_pages_do_show_own_data(appeal_phase, sign_in):
    """The leak check above is not vacuous: the same words do reach those who may read them."""
    world = appeal_phase
    code = world.campaign.code
    zjj_page = sign_in("unit-zjj").get(f"/campaigns/{code}/units/{world.zjj.id}/").content.decode()
    assert world.zjj_entry.reason in zjj_page and "住建局复核理由" in zjj_page
    office_page = sign_in("office").get(f"/campaigns/{code}/units/{world.tlz.id}/").content.decode()
    assert TLZ_MARK in office_page and "托里镇" in office_page
    cell = f"/campaigns/{code}/scoring/cell/{world.zjj.id}/{world.scjg_leaf.id}/"
    assert SCJG_MARK in sign_in("scorer-scjg").get(cell).content.decode()
    assert SCJG_MARK in sign_in("office").get(cell).content.decode()
    review = f"/campaigns/{code}/inspection/review/"
    assert SCJG_MARK in sign_in("scorer-scjg").get(review).content.decode()
    assert TLZ_MARK in sign_in("scorer-dsj").get(review).content.decode()  # any unit's finding
    assert "住建局" in sign_in("scorer-dsj").get(review).content.decode()
    for finding, word in ((world.tlz_finding, TLZ_MARK), (world.zjj_scjg_finding, SCJG_MARK)):
        for view in ("finding", "evidence_raw"):  # the finding, and the page archived for it
            url = reverse(f"inspection:{view}", args=[code, finding.id])
            assert word in sign_in("office").get(url).content.decode()
    tlz_evidence = reverse("inspection:evidence_raw", args=[code, world.tlz_finding.id])
    assert TLZ_MARK in sign_in("unit-tlz").get(tlz_evidence).content.decode()


def _state() -> dict:
    return {
        "audit": AuditRecord.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "appeals": list(Appeal.objects.values_list("id", "status")),
        "rects": list(Rectification.objects.values_list("id", "verified_at")),
        "transitions": Transition.objects.count(),
        "status": list(Campaign.objects.values_list("status", flat=True)),
        "aliases": UnitAlias.objects.count(),
        "contacts": list(Contact.objects.values_list("id", "end_date")),
        "handovers": list(Handover.objects.values_list("id", "acknowledged_by_successor")),
        "disclosure": list(Disclosure.objects.values_list("show_totals", flat=True)),
        "notice": (NoticeDraft.objects.count(), AcceptedFinding.objects.count()),
        "sites": list(Site.objects.values_list("id", "schedule_days", "next_run_at")),
        "columns": Column.objects.count(),
        "inspections": Inspection.objects.count(),
        "findings": list(Finding.objects.values_list("id", "status", "ledger_entry")),
        "finding_rules": FindingRule.objects.count(),
        "allowlist": list(AllowlistEntry.objects.values_list("id", "active")),
    }


@pytest.mark.parametrize("role", ["anonymous", "office", "unit-zjj"])
def test_posts_without_csrf_token_are_refused(role, appeal_phase, sign_in):
    """With CSRF checks on (as in a browser), a POST without the token is 403 on every URL —
    and changes nothing — whatever the view would have done with it."""
    world = appeal_phase
    client = sign_in(None if role == "anonymous" else role, enforce_csrf_checks=True)
    before = _state()
    refused = []
    for name, variants in ARGS.items():
        for variant, args in variants.items():
            url = reverse(name, kwargs=args(world))
            response = client.post(url, {"target": "review", "reason": "越权", "show_totals": ""})
            if response.status_code != 403:
                refused.append(f"POST {url} [{name} {variant}]: {response.status_code}")
    assert not refused, "POSTs without a CSRF token that were not refused:\n" + "\n".join(refused)
    assert _state() == before


def test_the_same_posts_with_the_token_go_through(appeal_phase, sign_in):
    """The refusals above are the CSRF check, not something else: with the page's token the
    office's POST is accepted."""
    world = appeal_phase
    client = sign_in("office", enforce_csrf_checks=True)
    page = client.get(f"/campaigns/{world.campaign.code}/appeals/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    url = f"/campaigns/{world.campaign.code}/disclosure/"
    response = client.post(url, {"csrfmiddlewaretoken": token, "show_totals": ""})
    assert response.status_code == 302
    assert Disclosure.objects.get(campaign=world.campaign).show_totals is False


DATE_INPUT = re.compile(r"<input\b[^>]*\btype=\"date\"[^>]*>")
VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")


@pytest.mark.parametrize("role", ["office", "unit-zjj"])
def test_date_inputs_come_up_filled_in(role, appeal_phase, sign_in):
    """A browser shows an <input type="date"> empty unless its value is YYYY-MM-DD, and then
    its `required` stops the form from being sent: every date a page fills in must be ISO."""
    world = appeal_phase
    column = ROLES.index(role)
    wrong = []
    for name, variant, method, expected in TABLE:
        if method != "GET" or expected[column] != 200:
            continue
        url = reverse(name, kwargs=ARGS[name][variant](world))
        _, _, body = request(sign_in(role), "GET", url)
        for field in DATE_INPUT.findall(body):
            value = VALUE.search(field)
            if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.group(1)):
                wrong.append(f"{url}: {field}")
    assert not wrong, "date inputs a browser shows empty:\n" + "\n".join(wrong)
