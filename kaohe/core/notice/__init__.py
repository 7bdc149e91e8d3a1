"""Draft and check the text of a results notice (通报), free of Django.

- :mod:`.facts` — what a notice may claim, built from the records by the Django side
- :mod:`.draft` — ``draft_body(facts)``: the body as document blocks, from templates
- :mod:`.check` — ``check_notice(text, facts)``: claims in a typed notice that the facts
  contradict, so a wrong count or grade is caught before the notice is signed
"""

from .check import KINDS, Finding, check_notice
from .draft import draft_body, render_text
from .facts import GroupFact, IndicatorFact, NoticeFacts, ProblemFact, ReportFact, UnitFact

__all__ = [
    "KINDS",
    "Finding",
    "GroupFact",
    "IndicatorFact",
    "NoticeFacts",
    "ProblemFact",
    "ReportFact",
    "UnitFact",
    "check_notice",
    "draft_body",
    "render_text",
]
