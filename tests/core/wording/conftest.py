"""The checker with the default packs and the test roster, built once for the wording tests."""

import pytest
from kaohe_wording_testutil import ROSTER

from kaohe.core.wording import Checker


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker.from_packs(roster=ROSTER)
