"""Draft the body of a results notice (通报) from the facts, sentence by sentence.

Every sentence comes from one of the templates below, filled only with numbers and names
taken from ``NoticeFacts``; nothing is typed by hand, so a draft passes ``check_notice``
by construction. The office edits the draft in Word afterwards: the templates follow the
2020 精河县 notice closely enough that the edit is about emphasis, not about facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from kaohe.core.numbers import format_score
from kaohe.core.stats import percent
from kaohe.documents.model import Block, Heading, Paragraph

from .facts import GroupFact, IndicatorFact, NoticeFacts, ProblemFact
from .text import ORDINALS, RATIO_NOUNS, SCOPE_NOUNS, SUBHEAD_MARKS, join_and

__all__ = ["REQUIREMENTS", "draft_body", "format_window", "render_text"]

# ── Templates: named placeholders only, one sentence (or phrase) each ──────────────────
OPENING = (
    "{according}{issuer}对{scope}{year}年政务公开、政务服务工作进行了考核。"
    "经县人民政府同意，现将有关情况通报如下："
)
OPENING_BASIS = "按照{basis}要求，"  # left out when the campaign records no basis document
BASIS_ITEM = "《{title}》（{number}）"
SCOPE_ITEM = "{count}个{noun}"

OVERVIEW_HEADING = "一、总体情况"
# 总体情况's first sentence; each optional part is left out when the campaign lacks it.
OVERVIEW_SCOPE = "{issuer}{when}对各{groups}的政务公开、政务服务工作进行考核"
OVERVIEW_WHEN = "于{window}"
OVERVIEW_METHOD = "此次考核采用{method}的方式进行"
OVERVIEW_AGENCIES = "由{agencies}牵头考核赋分"
RESULTS = "从考核结果看，{clauses}。"
RESULT_CLAUSE = "{parts}达到{grade}等次"
RESULT_PART_SOME = "{names}等{count}个{noun}"  # names fewer than count: "八家户农场等2个乡镇场"
RESULT_PART_ALL = "{names}{count}个{noun}"  # every unit named: "八家户农场1个乡镇场"
RESULT_PART_NONE = "{count}个{noun}"  # none may be named (e.g. all await an adjustment record)

PROBLEMS_HEADING = "二、存在问题"
SCORES_TITLE = "部分指标得分率偏低。"
SCORES_TEXT = "特别是{items}。"
SCORE_ITEM = "“{name}”指标（此项总分{points}分），{ratios}"
RATIO_ITEM = "{noun}得满分的占{percent}"
FINDINGS_TITLE = "网上核验和日常考核发现的问题。"
PROBLEM_EXAMPLES = "{ordinal}是{label}（如：{units}）。"
PROBLEM_DEADLINE = (
    "{ordinal}是{label}。按照考核通知要求，应于{deadline}前完成，截至目前，{units}{status}。"
)
REPORTS_TITLE = "数据报送情况。"
REPORTS_TEXT = "截至目前，{items}。"
REPORT_ITEM = "{label}{total}个"

REQUIREMENTS_HEADING = "三、相关要求"
# Editable boilerplate: (subheading, text). No numbers and no unit names, so nothing to check.
REQUIREMENTS: tuple[tuple[str, str], ...] = (
    (
        "扎实推进政务公开工作。",
        "各乡镇场、各部门要把贯彻落实《中华人民共和国政府信息公开条例》作为日常工作，"
        "加大基础政府信息主动公开力度，重点领域信息按规定时限更新，"
        "考核通知要求的材料按时报送。",
    ),
    (
        "深入推进“互联网+政务服务”。",
        "各乡镇场、各部门要逐项核对一体化在线政务服务平台上的事项信息，做到样表、流程图等要素齐全准确；"
        "平台管理员变动时要做好工作交接，确保工作不断档。",
    ),
    (
        "切实加强网站信息发布管理。",
        "各乡镇场、各部门要严格执行信息发布“三审三校”制度，发布内容与审批表保持一致，"
        "网站留言在规定时限内答复办结，杜绝错敏信息。",
    ),
)
CLOSING = (
    "各乡镇场、各部门要对照考核扣分项和本通报指出的问题对号入座、逐项整改，"
    "坚持以公开为常态、不公开为例外，全力做好{next_year}年政务公开、政务服务工作。"
)

# How many units a result clause names, per grade (best grade first): the 2020 notice
# names three 优秀 departments and two 良好 ones, and always fewer than the count ("等2个"),
# except that a single unit is named alone ("八家户农场1个乡镇场").
RESULT_EXAMPLES = (3, 2)
# How many units a problem names as examples ("如：…"); deadline lists name all.
PROBLEM_EXAMPLE_LIMIT = 3


def draft_body(
    facts: NoticeFacts,
    *,
    weakest: int = 1,
    examples: Mapping[tuple[str, str], Sequence[str]] | None = None,
) -> tuple[Block, ...]:
    """The notice body: opening, 一、总体情况, 二、存在问题, 三、相关要求, closing.

    ``weakest`` is how many indicators (lowest full-mark ratios first) to quote.
    ``examples`` lets the office choose which units a result clause names, keyed by
    (group, grade), in the written form it wants ("县财政局"); each must be a unit of that
    group and grade, so an editorial choice can never introduce a wrong claim.
    """
    blocks: list[Block] = [Paragraph(_opening(facts))]
    blocks += [Heading(1, OVERVIEW_HEADING), Paragraph(_process(facts))]
    results = _results(facts, examples or {})
    if results:
        blocks.append(Paragraph(results))
    blocks.append(Heading(1, PROBLEMS_HEADING))
    blocks += _problem_sections(facts, weakest)
    blocks.append(Heading(1, REQUIREMENTS_HEADING))
    for mark, (title, text) in zip(SUBHEAD_MARKS, REQUIREMENTS, strict=False):
        blocks.append(Heading(2, mark + title, run_in=text))
    blocks.append(Paragraph(CLOSING.format(next_year=facts.year + 1)))
    return tuple(blocks)


def render_text(blocks: Sequence[Block]) -> str:
    """Plain text of a body, one paragraph per line: what ``check_notice`` reads."""
    lines = [b.text + b.run_in if isinstance(b, Heading) else b.text for b in blocks]
    return "\n".join(lines) + "\n"


# ── 开头 and 一、总体情况 ─────────────────────────────────────────────────────────────
def _opening(facts: NoticeFacts) -> str:
    basis = "和".join(BASIS_ITEM.format(title=t, number=n) for t, n in facts.basis)
    scope = join_and(
        [
            SCOPE_ITEM.format(count=len(g.units), noun=SCOPE_NOUNS.get(g.name, g.name))
            for g in facts.groups
        ]
    )
    according = OPENING_BASIS.format(basis=basis) if basis else ""
    return OPENING.format(according=according, issuer=facts.issuer, scope=scope, year=facts.year)


def _process(facts: NoticeFacts) -> str:
    first, last = facts.window
    when = OVERVIEW_WHEN.format(window=format_window(first, last)) if first and last else ""
    parts = [
        OVERVIEW_SCOPE.format(
            issuer=facts.issuer, when=when, groups="、".join(g.name for g in facts.groups)
        )
    ]
    if facts.method:
        parts.append(OVERVIEW_METHOD.format(method=facts.method))
    if facts.lead_agencies:
        parts.append(OVERVIEW_AGENCIES.format(agencies="、".join(facts.lead_agencies)))
    return "，".join(parts) + "。"


def format_window(first: date, last: date) -> str:
    """ "11月9日-13日", "11月30日-12月4日": month and year only when they change."""
    start = f"{first.month}月{first.day}日"
    if first.year != last.year:
        return f"{first.year}年{start}-{last.year}年{last.month}月{last.day}日"
    if first.month != last.month:
        return f"{start}-{last.month}月{last.day}日"
    return start if first == last else f"{start}-{last.day}日"


def _results(facts: NoticeFacts, examples: Mapping[tuple[str, str], Sequence[str]]) -> str:
    """ "从考核结果看，A等2个乡镇场和B、C等18个县直部门达到优秀等次；…。"

    One clause per graded band (grades with a threshold; the fallback is not praised),
    each naming the first units of the group in ranking order.
    """
    grades = _graded_bands(facts.groups)
    clauses = []
    for position, grade in enumerate(grades):
        parts = [
            part
            for g in facts.groups
            if (part := _result_part(facts, g, grade, position, examples.get((g.name, grade))))
        ]
        if parts:
            clauses.append(RESULT_CLAUSE.format(parts="和".join(parts), grade=grade))
    return RESULTS.format(clauses="；".join(clauses)) if clauses else ""


def _graded_bands(groups: Sequence[GroupFact]) -> list[str]:
    seen: list[str] = []
    for group in groups:
        seen += [g for g in group.grade_order if g in group.thresholds and g not in seen]
    return seen


def _result_part(
    facts: NoticeFacts,
    group: GroupFact,
    grade: str,
    position: int,
    chosen: Sequence[str] | None,
) -> str:
    members = [u for u in group.units if facts.units[u].grade == grade]
    if not members:
        return ""
    if chosen is None:
        limit = RESULT_EXAMPLES[min(position, len(RESULT_EXAMPLES) - 1)]
        safe = [u for u in members if facts.units[u].supported_grade == grade]
        names = safe[: min(limit, max(len(members) - 1, 1))]
    else:
        names = _validated_examples(facts, group, grade, chosen)
    if not names:
        template = RESULT_PART_NONE
    elif len(names) < len(members):
        template = RESULT_PART_SOME
    else:
        template = RESULT_PART_ALL
    return template.format(names="、".join(names), count=len(members), noun=group.name)


def _validated_examples(
    facts: NoticeFacts, group: GroupFact, grade: str, chosen: Sequence[str]
) -> list[str]:
    for written in chosen:
        unit = facts.resolve(written)
        if unit is None or unit not in group.units:
            raise ValueError(f"“{written}”不是{group.name}中的单位")
        if facts.units[unit].supported_grade != grade or facts.units[unit].grade != grade:
            raise ValueError(f"“{written}”在数据中不是{grade}等次，不能作为{grade}的例子")
    return list(chosen)


# ── 二、存在问题 ──────────────────────────────────────────────────────────────────────
def _problem_sections(facts: NoticeFacts, weakest: int) -> list[Block]:
    sections = [
        (SCORES_TITLE, _scores_text(facts, weakest)),
        (FINDINGS_TITLE, _findings_text(facts)),
        (REPORTS_TITLE, _reports_text(facts)),
    ]
    present = [(title, text) for title, text in sections if text]
    return [
        Heading(2, mark + title, run_in=text)
        for mark, (title, text) in zip(SUBHEAD_MARKS, present, strict=False)
    ]


def _scores_text(facts: NoticeFacts, weakest: int) -> str:
    chosen = _weakest_indicators(facts, weakest)
    items = [SCORE_ITEM.format(**_score_fields(facts, i)) for i in chosen]
    return SCORES_TEXT.format(items="；".join(items)) if items else ""


def _weakest_indicators(facts: NoticeFacts, count: int) -> list[IndicatorFact]:
    """Indicators with ratios, lowest mean full-mark ratio first (stable on ties)."""
    rated = [i for i in facts.indicators if i.full_mark_ratio]
    rated.sort(key=lambda i: sum(i.full_mark_ratio.values()) / len(i.full_mark_ratio))
    return rated[: max(count, 0)]


def _score_fields(facts: NoticeFacts, indicator: IndicatorFact) -> dict[str, str]:
    ratios = [
        RATIO_ITEM.format(
            noun=RATIO_NOUNS.get(g.name, g.name), percent=percent(indicator.full_mark_ratio[g.name])
        )
        for g in facts.groups
        if g.name in indicator.full_mark_ratio
    ]
    return {
        "name": indicator.name,
        "points": format_score(Decimal(indicator.points)),
        "ratios": "，".join(ratios),
    }


def _findings_text(facts: NoticeFacts) -> str:
    found = [p for p in facts.problems if p.units]
    return "".join(
        _problem_sentence(facts, problem, ORDINALS[i % len(ORDINALS)])
        for i, problem in enumerate(found)
    )


def _problem_sentence(facts: NoticeFacts, problem: ProblemFact, ordinal: str) -> str:
    units = facts.ranked(problem.units)
    if problem.deadline is None:
        examples = "、".join(units[:PROBLEM_EXAMPLE_LIMIT])
        more = "等" if len(units) > PROBLEM_EXAMPLE_LIMIT else ""
        return PROBLEM_EXAMPLES.format(ordinal=ordinal, label=problem.label, units=examples + more)
    return PROBLEM_DEADLINE.format(
        ordinal=ordinal,
        label=problem.label,
        deadline=f"{problem.deadline.month}月{problem.deadline.day}日",
        units="、".join(units),
        status=_status(problem),
    )


def _status(problem: ProblemFact) -> str:
    """ "还未上报": the problem's first keyword, so the checker reads the list as its units."""
    keyword = problem.keywords[0] if problem.keywords else problem.label
    return "还" + keyword if keyword.startswith("未") else keyword


def _reports_text(facts: NoticeFacts) -> str:
    items = [REPORT_ITEM.format(label=r.label, total=r.total) for r in facts.reports]
    return REPORTS_TEXT.format(items="，".join(items)) if items else ""
