"""Who sees which unit page, and that every portal change needs a CSRF token."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaohe.assessment.models import LedgerEntry
from kaohe.portal.models import Appeal

pytestmark = pytest.mark.django_db


def test_unit_user_sees_own_unit_with_every_deduction(as_user, campaign, zjj, paths, entry_of):
    response = as_user("p-zjj").get(paths(zjj)["unit"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "精河县住房和城乡建设局" in page
    entry = entry_of(zjj)
    assert f'id="entry-{entry.id}"' in page
    assert entry.reason in page
    assert "扣分制：本项" in page  # the rule of each deduction
    assert "演示数据" in page  # its author


def test_unit_user_gets_404_for_a_foreign_unit(as_user, tlz, paths):
    assert as_user("p-zjj").get(paths(tlz)["unit"]).status_code == 404


@pytest.mark.parametrize("username", ["p-office", "p-admin", "p-leader"])
def test_office_admin_and_leader_see_any_unit(as_user, zjj, tlz, paths, username):
    client = as_user(username)
    assert client.get(paths(zjj)["unit"]).status_code == 200
    assert client.get(paths(tlz)["unit"]).status_code == 200


def test_scorer_and_anonymous_are_kept_out(as_user, zjj, paths):
    assert as_user("p-scorer").get(paths(zjj)["unit"]).status_code == 403
    response = Client().get(paths(zjj)["unit"])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_entry_of_another_unit_is_404(as_user, phase, zjj, tlz, paths, entry_of):
    phase("appeal")
    client = as_user("p-zjj")
    foreign = entry_of(tlz)
    # the foreign entry under the user's own unit, and the foreign unit itself
    for url in (paths(zjj, foreign)["appeal"], paths(tlz, foreign)["appeal"]):
        assert client.post(url, {f"a{foreign.id}-text": "不服"}).status_code == 404
    assert not Appeal.objects.exists()


def test_unknown_campaign_is_404(as_user, zjj):
    assert as_user("p-zjj").get(f"/campaigns/no-such/units/{zjj.id}/").status_code == 404


def test_post_without_csrf_token_is_refused(people, phase, campaign, zjj, paths, entry_of):
    phase("appeal")
    entry = entry_of(zjj)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["p-zjj"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(paths(zjj, entry)["appeal"], {f"a{entry.id}-text": "不服"})
    assert response.status_code == 403
    assert not Appeal.objects.exists()
    office = Client(enforce_csrf_checks=True)
    office.force_login(people["p-office"], backend="django.contrib.auth.backends.ModelBackend")
    for url in ("appeals/1/decide/", "rectifications/1/verify/", "disclosure/"):
        assert office.post(f"/campaigns/{campaign.code}/{url}").status_code == 403
    # the page's forms carry the token
    page = client.get(paths(zjj)["unit"]).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_units_index_for_office_and_redirect_for_unit(as_user, campaign, zjj):
    url = f"/campaigns/{campaign.code}/units/"
    response = as_user("p-office").get(url)
    assert response.status_code == 200 and "精河县住房和城乡建设局" in response.content.decode()
    response = as_user("p-zjj").get(url)
    assert response.status_code == 302 and response["Location"].endswith(f"/units/{zjj.id}/")


def test_appeal_evidence_is_served_only_within_the_unit(
    as_user, phase, campaign, zjj, paths, entry_of
):
    phase("appeal")
    entry = entry_of(zjj)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    upload = SimpleUploadedFile("现场照片.png", png, content_type="image/png")
    as_user("p-zjj").post(
        paths(zjj, entry)["appeal"],
        {f"a{entry.id}-text": "已更新", f"a{entry.id}-evidence_file": upload},
    )
    appeal = Appeal.objects.get(entry=entry)
    url = f"/campaigns/{campaign.code}/appeals/{appeal.id}/evidence/"
    own = as_user("p-zjj").get(url)
    assert own.status_code == 200 and own["Content-Type"] == "image/png"
    assert b"".join(own.streaming_content) == png
    assert as_user("p-office").get(url).status_code == 200
    assert as_user("p-tlz").get(url).status_code == 404


def test_ledger_evidence_file_is_served_only_within_the_unit(
    as_user, campaign, zjj, paths, entry_of
):
    entry = entry_of(zjj)
    pdf = b"%PDF-1.4\n" + b"\0" * 32
    # entries are never edited in the application; the test stores a file behind its back
    entry.evidence_file.save("核验截图.pdf", ContentFile(pdf), save=False)
    LedgerEntry.objects.filter(pk=entry.pk).update(evidence_file=entry.evidence_file.name)
    url = f"{paths(zjj)['unit']}entries/{entry.id}/evidence/"
    assert 'href="' + url + '"' in as_user("p-zjj").get(paths(zjj)["unit"]).content.decode()
    own = as_user("p-zjj").get(url)
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert as_user("p-leader").get(url).status_code == 200
    assert as_user("p-tlz").get(url).status_code == 404
    # an entry without a file has nothing to serve
    other = entry_of(zjj, "ythpt")
    assert (
        as_user("p-zjj").get(f"{paths(zjj)['unit']}entries/{other.id}/evidence/").status_code == 404
    )
