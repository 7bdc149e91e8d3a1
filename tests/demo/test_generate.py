"""The committed demo files are exactly what the generator writes, and keep the published totals."""

import csv
from decimal import Decimal

from kaohe.demo import generate


def test_committed_files_match_the_generator():
    for name, text in generate.render().items():
        assert (generate.DATA / name).read_text(encoding="utf-8") == text, name


def test_generated_deductions_sum_to_published_totals():
    rows = list(csv.DictReader((generate.DATA / "scores.csv").open(encoding="utf-8")))
    for published in generate.published():
        card = generate.CARDS[published["附件"]]
        deducted = sum(
            Decimal(r["分值"])
            for r in rows
            if r["考核表"] == card and r["单位"] == published["单位"]
        )
        assert Decimal(100) - deducted == Decimal(published["考核得分"]), published
