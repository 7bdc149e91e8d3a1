"""Data shared by the wording tests: a made-up roster and the GB 11643-1999 sample ID number."""

from datetime import date

from kaohe.core.wording import Tenure

ROSTER = [
    ("张三", "副县长", date(2021, 1, 1), None),
    ("李四", "县长", date(2020, 6, 1), date(2023, 12, 31)),
    Tenure("王五", "县长", date(2024, 1, 1)),
    ("赵六", "常务副县长", date(2022, 3, 1), None),
]
ID_NUMBER = "11010519491231002X"  # the GB 11643-1999 sample number
