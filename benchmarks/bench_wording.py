"""Throughput of kaohe's wording scan against a bare automaton scan of the same text.

    python benchmarks/bench_wording.py [--mb 50] [--rules 20000] [--repeat 5]

Builds the shipped rule packs plus SYNTHETIC filler terms (generated, labelled
category=synthetic, meaning nothing) up to ``--rules`` rules, and ``--mb`` MB (UTF-8) of
generated Chinese pages of ~8 KB: clean 公文-style sentences in paragraphs indented with
U+3000, one sentence in 200 replaced by a planted problem (typo, outdated agency name, wrong
文号 bracket, ID / phone number). Page mix: 2% traditional script, 10% full-width digits, 1%
with a zero-width space, the rest plain simplified. Everything is deterministic (fixed seed).

It then times, on the same pages (fresh string objects each run, so that no run profits from
CPython's cached UTF-8 form of a string another run already converted):

- bare ``ahocorasick_rs`` ``find_matches_as_indexes`` with the checker's own pattern list
  (leftmost-longest, as the checker uses it);
- bare ``daachorse`` (if installed) with the same patterns, with its default prefilter and
  without it (the checker's choice; on these pages it saves 5–10%);
- ``Checker.scan`` of the wording (错敏) rules — fold + automaton + regex rules + roster +
  findings — with each engine (daachorse is the checker's default; ahocorasick-rs stays
  selectable): the "wording scan with ≥ 20,000 rules" the issue's target is about;
- ``Checker.scan`` with personal-data detection as well (身份证号, 手机号, 银行卡号: the
  issue's separate privacy check, no automaton work), i.e. what an inspection runs per page.

No assertions: it prints a table, then the fastest bare engine and each kaohe run's share of
its rate. Target: the wording scan ≥ 50% of the FASTEST bare engine's rate; the share of the
scan with personal data is printed beside it.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kaohe.core.wording import Category, Checker, RulePack, Severity, load_default_packs  # noqa: E402
from kaohe.core.wording.model import Rule  # noqa: E402
from kaohe.core.wording.normalize import traditional_table  # noqa: E402

SEED = 20261130

# Clean sentences in 公文 style, written for this benchmark (and reused as a clean corpus).
CLEAN = [
    "为深入贯彻落实党中央、国务院关于优化营商环境的决策部署，进一步提升政务服务水平，结合我县实际，制定本方案。",
    "各乡镇人民政府，县政府各部门：现将《{agency}{year}年政务公开工作要点》印发给你们，请认真贯彻执行。",
    "截至{year}年{month}月底，全县累计办理政务服务事项{n}件，按时办结率达到百分之百。",
    "{agency}要按照职责分工，加强协调配合，确保各项任务落到实处。",
    "坚持以人民为中心的发展思想，推动政务公开标准化规范化建设向基层延伸。",
    "各单位要建立健全信息发布审核机制，严格落实“先审后发”制度，防止出现错敏信息。",
    "依法依规做好政府信息依申请公开工作，{year}年共受理申请{k}件，均在法定期限内答复。",
    "县政府常务会议研究部署了安全生产、防汛抗旱和森林防火等重点工作。",
    "要进一步压实属地管理责任，完善应急预案，加强值班值守，确保人民群众生命财产安全。",
    "推进“一网通办”改革，{k}个高频事项实现“最多跑一次”，群众满意度持续提升。",
    "县财政安排专项资金{n}万元，用于农村人居环境整治和乡村振兴重点项目建设。",
    "各乡镇要结合实际，细化工作措施，明确时间节点，于{month}月{day}日前将工作进展报县政府办公室。",
    "对工作推进不力、整改落实不到位的单位，将予以通报批评，并纳入年度绩效考核。",
    "会议强调，要以钉钉子精神抓好各项政策措施落地见效，切实增强人民群众的获得感。",
    "全县共排查安全隐患{k}处，已整改{k}处，整改率达到百分之百。",
    "{agency}联合有关部门开展专项检查，共检查企业{k}家，下达整改通知书{k}份。",
    "根据《中华人民共和国政府信息公开条例》规定，现将{year}年度政府信息公开工作年度报告公布如下。",
    "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "联系地址：县行政服务中心三楼，邮政编码：{zip}，办公电话：0{area}-{tel}。",
    "县委书记主持召开县委常委会会议，传达学习上级会议精神，研究部署下一阶段重点工作。",
    "要坚持系统观念，统筹发展和安全，推动经济社会高质量发展。",
    "持续深化“放管服”改革，进一步精简审批环节，压缩办理时限，降低制度性交易成本。",
    "全面推行行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度。",
    "各有关单位要高度重视，主动作为，形成工作合力，确保按期完成目标任务。",
    "{year}年以来，全县新增市场主体{n}户，同比增长{k}个百分点。",
    "严格落实中央八项规定及其实施细则精神，坚决反对形式主义、官僚主义。",
    "开展政务公开专题培训{k}期，培训人员{n}人次，进一步提升工作人员业务能力。",
    "对群众反映的问题，要做到件件有回音、事事有着落。",
    "加快推进数字政府建设，提升政务数据共享和业务协同水平。",
    "县人民政府办公室关于印发《精河县政务公开工作考核办法》的通知（精政办发〔{year}〕{k}号）。",
]
AGENCIES = [
    "县自然资源局",
    "县生态环境局",
    "县卫生健康委员会",
    "县市场监督管理局",
    "县应急管理局",
    "县农业农村局",
    "县文化和旅游局",
    "县医疗保障局",
    "县退役军人事务局",
    "县司法局",
]
# Planted problems (one sentence in 200, about one per 8 KB page): typos, outdated names, wrong 文号 brackets, personal data.
PLANTED = [
    "县国土资源局要认真贯切落实会议精神。",
    "请按照精政办发[{year}]{k}号文件要求布署落实。",
    "县安监局联合县环保局开展检查。",
    "申请人身份证号{id}，联系电话{phone}。",
    "中华人民共合国成立以来的发展成就。",
    "台湾政府的有关做法遭到批评。",
]
ZERO_WIDTH = "\u200b"
INDENT = "\u3000\u3000"


def id_number(rng: random.Random) -> str:
    """A checksum-valid (fictitious) 18-digit ID number."""
    from kaohe.core.wording.privacy import id_check_char

    body = f"6527{rng.randint(10, 99)}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}"
    body += f"{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return body + id_check_char(body)


def fill(template: str, rng: random.Random) -> str:
    return template.format(
        agency=rng.choice(AGENCIES),
        year=rng.randint(2018, 2025),
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        n=rng.randint(1000, 99999),
        k=rng.randint(1, 300),
        zip=f"8333{rng.randint(0, 99):02d}",
        area=rng.randint(900, 999),
        tel=rng.randint(1000000, 9999999),
        id=id_number(rng),
        phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
    )


def make_pages(megabytes: float, rng: random.Random) -> list[str]:
    """Deterministic pages of ~8 KB until ``megabytes`` MB (UTF-8) are reached."""
    simplified_to_traditional = {}
    for code, simple in traditional_table().items():
        simplified_to_traditional.setdefault(ord(simple), chr(code))
    full_width = {code: chr(code + 0xFEE0) for code in range(0x30, 0x3A)}
    pages: list[str] = []
    total = 0
    target = int(megabytes * 1_000_000)
    while total < target:
        parts = []
        size = 0
        while size < 8000:
            template = rng.choice(PLANTED) if rng.random() < 0.005 else rng.choice(CLEAN)
            sentence = fill(template, rng)
            parts.append(sentence)
            size += len(sentence.encode())
        # Paragraphs of ~6 sentences, indented with two ideographic spaces as pages are.
        page = "".join(INDENT + "".join(parts[i : i + 6]) for i in range(0, len(parts), 6))
        roll = rng.random()
        if roll < 0.02:
            page = page.translate(simplified_to_traditional)
        elif roll < 0.12:
            page = page.translate(full_width)
        elif roll < 0.13:
            cut = rng.randrange(len(page))
            page = page[:cut] + ZERO_WIDTH + page[cut:]
        pages.append(page)
        total += len(page.encode())
    return pages


def synthetic_pack(count: int, rng: random.Random, alphabet: str) -> RulePack:
    """``count`` filler terms of 3–6 characters drawn from the text's own alphabet (so the
    automaton walks real states), labelled synthetic."""
    terms: set[str] = set()
    while len(terms) < count:
        terms.add("".join(rng.choice(alphabet) for _ in range(rng.randint(3, 6))))
    rules = tuple(
        Rule(
            id=f"SYN{i:05d}",
            category=Category.SYNTHETIC,
            severity=Severity.INFO,
            pattern=term,
            suggestion="",
            pack="synthetic",
            illustrative=True,
            note="SYNTHETIC benchmark filler",
        )
        for i, term in enumerate(sorted(terms))
    )
    return RulePack(
        name="synthetic",
        version="0",
        date=date(2026, 11, 30),
        category=Category.SYNTHETIC,
        kind="literal",
        source="SYNTHETIC: generated by benchmarks/bench_wording.py, not a real list",
        notes="",
        rules=rules,
        illustrative=True,
    )


def fresh(pages: Sequence[str]) -> list[str]:
    """New string objects with the same content (no cached UTF-8 form)."""
    return [page.encode("utf-8").decode("utf-8") for page in pages]


def measure(
    runs: Sequence[tuple[str, Callable[[list[str]], int]]], pages: Sequence[str], repeat: int
) -> list[tuple[str, float, float, int]]:
    """Best (minimum) CPU and wall seconds of each run over ``repeat`` rounds. Rounds are
    interleaved (bare, kaohe, bare, kaohe, …) so that a burst of load from other processes
    does not land on one contestant only; CPU time (``process_time``) is what the ratio uses,
    since wall time on a shared machine also counts the time spent waiting for a core."""
    cpu = {name: float("inf") for name, _ in runs}
    wall = dict(cpu)
    counts = {name: 0 for name, _ in runs}
    for _ in range(repeat):
        for name, run in runs:
            batch = fresh(pages)
            gc.collect()
            gc.disable()
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            counts[name] = run(batch)
            cpu[name] = min(cpu[name], time.process_time() - cpu_start)
            wall[name] = min(wall[name], time.perf_counter() - wall_start)
            gc.enable()
        print(".", end="", flush=True)
    print()
    return [(name, cpu[name], wall[name], counts[name]) for name, _ in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--rules", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rng = random.Random(SEED)
    print(f"generating {args.mb:g} MB of pages …", flush=True)
    pages = make_pages(args.mb, rng)
    megabytes = sum(len(p.encode()) for p in pages) / 1e6
    alphabet = "".join(sorted({ch for s in CLEAN for ch in s if "\u4e00" <= ch <= "\u9fff"}))
    real = load_default_packs()
    n_real = sum(len(p.rules) for p in real)
    filler = synthetic_pack(max(0, args.rules - n_real), rng, alphabet)
    roster = [
        ("张三", "副县长", date(2021, 1, 1), None),
        ("李四", "县长", date(2020, 6, 1), None),
        ("王五", "县委书记", date(2019, 3, 1), None),
    ]

    def build(engine: str, personal_data: bool = True) -> Checker:
        return Checker.from_packs(
            [*real, filler],
            roster=roster,
            allowlist=["精河县政务公开"],
            engine=engine,
            personal_data=personal_data,
        )

    started = time.perf_counter()
    checker = build("ahocorasick_rs")
    build_seconds = time.perf_counter() - started
    patterns = list(checker.patterns)
    print(
        f"{len(pages)} pages, {megabytes:.1f} MB; rules: {n_real} real + {len(filler.rules)} "
        f"SYNTHETIC = {n_real + len(filler.rules)}; rule patterns: {len(patterns)} (kaohe's "
        f"automaton adds {len(checker.automaton.patterns) - len(patterns)} gate/trigger "
        f"patterns); checker built in {build_seconds:.2f} s",
        flush=True,
    )

    import ahocorasick_rs

    bare_ac = ahocorasick_rs.AhoCorasick(
        patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )
    runs: list[tuple[str, Callable[[list[str]], int]]] = [
        ("bare ahocorasick-rs", lambda b: sum(len(bare_ac.find_matches_as_indexes(p)) for p in b)),
    ]
    daac_checker = None
    try:
        import daachorse

        bare_da = daachorse.CharwiseDoubleArrayAhoCorasick(
            patterns, match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST
        )
        runs.append(("bare daachorse", lambda b: sum(len(bare_da.find(p)) for p in b)))
        # The same without daachorse's prefilter (on by default), which only adds work on
        # CJK text with thousands of patterns: the checker builds its automaton this way.
        bare_np = daachorse.CharwiseDoubleArrayAhoCorasick(
            patterns, match_kind=daachorse.MATCH_KIND_LEFTMOST_LONGEST, use_prefilter=False
        )
        runs.append(
            ("bare daachorse (no prefilter)", lambda b: sum(len(bare_np.find(p)) for p in b))
        )
        daac_checker = build("daachorse")
    except ImportError:
        print("daachorse not installed: skipped")
    on = date(2024, 6, 1)
    wording_only = build("ahocorasick_rs", personal_data=False)
    runs.append(
        ("kaohe wording (ahocorasick-rs)", lambda b: sum(len(wording_only.scan(p, on)) for p in b))
    )
    if daac_checker is not None:
        dw = build("daachorse", personal_data=False)
        runs.append(("kaohe wording (daachorse)", lambda b: sum(len(dw.scan(p, on)) for p in b)))
    runs.append(
        ("kaohe + personal data (AC-rs)", lambda b: sum(len(checker.scan(p, on)) for p in b))
    )
    if daac_checker is not None:
        dc = daac_checker
        runs.append(("kaohe + personal data (daac)", lambda b: sum(len(dc.scan(p, on)) for p in b)))

    results = measure(runs, pages, args.repeat)
    base = results[0][1]
    print()
    print(
        f"{'run':<32} {'CPU s':>7} {'MB/s':>7} {'vs bare AC':>11} {'wall s':>7} "
        f"{'matches/findings':>17}"
    )
    for name, cpu, wall, count in results:
        print(
            f"{name:<32} {cpu:7.2f} {megabytes / cpu:7.1f} {base / cpu:10.0%} "
            f"{wall:7.2f} {count:17,d}"
        )
    bare = [r for r in results if r[0].startswith("bare ")]
    fastest, fastest_cpu = min(((name, cpu) for name, cpu, _, _ in bare), key=lambda r: r[1])
    print()
    print(f"fastest bare engine: {fastest} ({megabytes / fastest_cpu:.1f} MB/s)")
    for name, cpu, _, _ in results:
        if not name.startswith("bare "):
            target = " (target ≥ 50%)" if "wording" in name else " (for comparison)"
            print(f"{name:<32} {fastest_cpu / cpu:7.0%} of {fastest}{target}")


if __name__ == "__main__":
    main()
