"""Evidence: the archived response of a finding, as it was at check time, shown sandboxed."""

from django.urls import reverse
from kaohe_inspection_testutil import TYPO, page


def test_evidence_is_the_page_as_it_was(inspected, login, planted):
    code = inspected.campaign.code
    wording = inspected.findings.get(kind="wording")
    # the unit corrects its page after the check
    planted.pages["/col/zjj/a1.html"] = (200, page("已整改", "<p>各单位要认真部署。</p>"))
    client = login("scorer-dsj")
    raw = client.get(reverse("inspection:evidence_raw", args=[code, wording.id]))
    assert raw.status_code == 200
    body = raw.content.decode("utf-8")
    assert f"认真{TYPO}本年度" in body and "已整改" not in body
    assert raw["Content-Type"] == "text/html; charset=utf-8"
    assert raw["Content-Security-Policy"].startswith("sandbox;")
    assert "default-src 'none'" in raw["Content-Security-Policy"]
    assert raw["X-Content-Type-Options"] == "nosniff"
    assert raw["X-Frame-Options"] == "SAMEORIGIN"  # framed by the evidence page only
    plain = client.get(reverse("inspection:evidence_raw", args=[code, wording.id]) + "?plain=1")
    assert plain["Content-Type"] == "text/plain; charset=utf-8" and TYPO in plain.content.decode()

    shown = client.get(reverse("inspection:evidence", args=[code, wording.id]))
    text = shown.content.decode()
    assert shown.status_code == 200
    assert "<iframe" in text and "sandbox" in text
    assert f"<mark>{TYPO}</mark>" in text  # the passage, found again at its offset
    assert "WARC-Date" in text and "抓取时间" in text


def test_a_dead_links_target_answer_is_kept_too(inspected, login):
    code = inspected.campaign.code
    dead = inspected.findings.get(kind="dead_link", fields__status=404)
    client = login("office")
    target = client.get(reverse("inspection:evidence_raw", args=[code, dead.id]) + "?target=1")
    assert target.status_code == 200 and b"not found" in target.content
    home = client.get(reverse("inspection:evidence_raw", args=[code, dead.id]))
    assert "gone.html" in home.content.decode()


def test_who_may_see_evidence(inspected, login):
    code = inspected.campaign.code
    wording = inspected.findings.get(kind="wording")  # on the 住建局's page
    url = reverse("inspection:evidence_raw", args=[code, wording.id])
    assert login("unit-zjj").get(url).status_code == 200
    assert login("unit-tlz").get(url).status_code == 404
    assert login("scorer-xzfw").get(url).status_code == 404
    assert login("leader").get(url).status_code == 200


def test_tampered_path_is_refused(inspected, login):
    wording = inspected.findings.get(kind="wording")
    wording.warc_file = "../../../../etc/passwd"
    wording.save()
    url = reverse("inspection:evidence_raw", args=[inspected.campaign.code, wording.id])
    assert login("office").get(url).status_code == 404
