"""Province-scale recompute against a bare SQL GROUP BY over the same ledger, in one run.

    python benchmarks/bench_recompute.py [--units 5000] [--records 1000000] [--postgres URL]

Builds a synthetic campaign (illustrative data: 5,000 units, 3 scorecards × 60 leaf indicators,
1,000,000 ledger entries) in a fresh SQLite file and, with ``--postgres``, in a fresh PostgreSQL
database; then, each in its own process so peak memory is its own:
- ``bare``: ``SELECT unit, indicator, SUM(amount) … GROUP BY unit, indicator`` fetched to Python;
- ``bare-split``: the same GROUP BY split the way kaohe splits it, one query per scorecard,
  two at a time on two connections (for context: it shows kaohe's own overhead);
- ``recompute``: kaohe's full recompute (aggregate, score, rank, grade, store results).
Prints seconds and peak RSS of each and the ratio recompute / bare (the issue's target).
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARDS, PARENTS, LEAVES_PER_PARENT = 3, 10, 6  # 60 leaves per scorecard
MEASURES = ("bare", "bare-split", "recompute")


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("KAOHE_DATA_DIR", tempfile.mkdtemp())
    os.environ["DJANGO_SETTINGS_MODULE"] = "kaohe.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def populate(units: int, records: int) -> None:
    """Fill a migrated database quickly with executemany (illustrative synthetic data)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from kaohe.assessment.models import Campaign, GradeBand, Indicator, RankingGroup, Scorecard
    from kaohe.registry.models import Category, Unit

    call_command("migrate", verbosity=0)
    rng = random.Random(2020)
    with transaction.atomic():
        township = Category.objects.create(code="township", name="乡镇", sort_order=1)
        dept = Category.objects.create(code="department", name="部门", sort_order=2)
        campaign = Campaign.objects.create(code="province", year=2020, name="省级示例（合成数据）")
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO registry_unit (name, short_name, category_id, sort_order) VALUES (%s, '', %s, %s)",
                [
                    (f"合成单位{i:05d}", township.id if i % 5 == 0 else dept.id, i)
                    for i in range(units)
                ],
            )
        unit_ids = list(Unit.objects.values_list("id", flat=True))
        leaves = []
        for c in range(CARDS):
            card = Scorecard.objects.create(
                campaign=campaign,
                code=f"card{c}",
                name=f"考核表{c}",
                tie_policy="sequential",
                sort_order=c,
            )
            for g, category in enumerate((township, dept)):
                group = RankingGroup.objects.create(
                    campaign=campaign, scorecard=card, name=category.name, sort_order=g
                )
                group.categories.set([category])
                GradeBand.objects.create(
                    group=group, grade="优秀", min_score=90, quota=Decimal("0.3"), sort_order=0
                )
                GradeBand.objects.create(group=group, grade="良好", min_score=80, sort_order=1)
            for p in range(PARENTS):
                parent = Indicator.objects.create(
                    scorecard=card,
                    code=f"{p + 1}",
                    name=f"指标{p + 1}",
                    points=10,
                    sort_order=p * 10,
                )
                for leaf in range(LEAVES_PER_PARENT):
                    leaves.append(
                        Indicator.objects.create(
                            scorecard=card,
                            parent=parent,
                            code=f"{p + 1}.{leaf + 1}",
                            name="末级指标",
                            points=Decimal(10) / LEAVES_PER_PARENT
                            if leaf
                            else Decimal(10) - 5 * (Decimal(10) / LEAVES_PER_PARENT),
                            rule_kind="deduct",
                            sort_order=p * 10 + leaf + 1,
                        )
                    )
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO assessment_enrollment (scorecard_id, unit_id, display_name) VALUES (%s, %s, %s)",
                [
                    (card_id, u, f"合成单位{u}")
                    for card_id in campaign.scorecards.values_list("id", flat=True)
                    for u in unit_ids
                ],
            )
        leaf_ids = [leaf.id for leaf in leaves]
        now = "2020-11-13 00:00:00+00:00"
        batch = []
        sql = (
            "INSERT INTO assessment_ledgerentry (campaign_id, unit_id, indicator_id, amount, weight, item, reason,"
            " evidence, evidence_file, source, author_name, created_at, illustrative)"
            " VALUES (%s, %s, %s, %s, 1, '', '合成扣分', '', '', 'import', '', %s, TRUE)"
        )
        with connection.cursor() as cur:
            for _ in range(records):
                amount = Decimal(rng.randint(1, 10)) / 10
                batch.append((campaign.id, rng.choice(unit_ids), rng.choice(leaf_ids), amount, now))
                if len(batch) == 50_000:
                    cur.executemany(sql, batch)
                    batch.clear()
            cur.executemany(sql, batch)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def measure(what: str) -> dict:
    from django.db import connection

    from kaohe.assessment.models import Campaign
    from kaohe.assessment.results import recompute

    campaign = Campaign.objects.get(code="province")
    start = time.perf_counter()
    if what == "bare":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT unit_id, indicator_id, SUM(amount) FROM assessment_ledgerentry"
                " WHERE campaign_id = %s GROUP BY unit_id, indicator_id",
                [campaign.id],
            )
            rows = len(cur.fetchall())
    elif what == "bare-split":
        rows = bare_split(campaign)
    else:
        rows = recompute(campaign)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "what": what,
        "seconds": round(seconds, 3),
        "rows": rows,
        "peak_rss_mb": round(peak_mb, 1),
    }


def bare_split(campaign) -> int:
    """One plain GROUP BY per scorecard, two at a time, each on a connection of its own."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    def one(card_id: int) -> int:
        try:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT unit_id, indicator_id, SUM(amount) FROM assessment_ledgerentry"
                    " WHERE campaign_id = %s AND indicator_id IN"
                    " (SELECT id FROM assessment_indicator WHERE scorecard_id = %s)"
                    " GROUP BY unit_id, indicator_id",
                    [campaign.id, card_id],
                )
                return len(cur.fetchall())
        finally:
            connections.close_all()

    cards = list(campaign.scorecards.values_list("id", flat=True))
    with ThreadPoolExecutor(2) as pool:
        return sum(pool.map(one, cards))


def run_child(database_url: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", database_url, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(label: str, database_url: str, units: int, records: int, repeat: int) -> None:
    start = time.perf_counter()
    run_child(database_url, "populate", str(units), str(records))
    print(
        f"[{label}] populated {units} units, {records} ledger entries in {time.perf_counter() - start:.1f}s"
    )
    best = {}
    for _ in range(repeat):
        for what in MEASURES:
            result = run_child(database_url, what)
            if what not in best or result["seconds"] < best[what]["seconds"]:
                best[what] = result
    for what in MEASURES:
        r = best[what]
        print(
            f"[{label}] {what:10s} {r['seconds']:8.3f} s   peak RSS {r['peak_rss_mb']:7.1f} MB   rows {r['rows']}"
        )
    print(
        f"[{label}] ratio recompute / bare GROUP BY: {best['recompute']['seconds'] / best['bare']['seconds']:.2f}x (target ≤ 1.5x);"
        f" / bare-split: {best['recompute']['seconds'] / best['bare-split']['seconds']:.2f}x"
    )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        django_setup(sys.argv[2])
        if sys.argv[3] == "populate":
            populate(int(sys.argv[4]), int(sys.argv[5]))
            print(json.dumps({"ok": True}))
        else:
            print(json.dumps(measure(sys.argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--postgres",
        help="URL of a PostgreSQL server database to (re)create, e.g. postgres://u:p@127.0.0.1/kaohe_bench",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kaohe-bench-"))
    os.environ["KAOHE_DATA_DIR"] = str(workdir)
    bench("sqlite", f"sqlite:///{workdir / 'bench.sqlite3'}", args.units, args.records, args.repeat)
    if args.postgres:
        recreate_postgres(args.postgres)
        bench("postgresql", args.postgres, args.units, args.records, args.repeat)


def recreate_postgres(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
