"""The office's results page: each group's grade counts read best grade first."""

import pytest

pytestmark = pytest.mark.django_db


def test_grade_counts_follow_the_grade_bands_best_first(campaign, sign_in):
    response = sign_in("office").get(f"/campaigns/{campaign.code}/results/")
    assert response.status_code == 200
    counts = {
        (group.scorecard.code if group.scorecard else "", group.name): grades
        for group, _rows, grades in response.context["tables"]
    }
    # The grade bands' order (优秀, 良好, then the fallback 一般), not code-point order (一般 first).
    assert counts["zwgk", "乡镇场"] == [("优秀", 2), ("良好", 2), ("一般", 3)]
    assert "优秀 2 个，良好 2 个，一般 3 个" in response.text
