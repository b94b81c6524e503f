"""Generated documents are read by role as well as by unit (issue 12): a duty officer of a
unit does not see, nor download, the unit's hazard dossiers, which his role may not read;
the documents page and the API list only the kinds the reader's role may read."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from .factories import GeneratedDocumentFactory

LIST_URL = "/api/v1/documents/"


@pytest.fixture
def profile_a(unit_a):
    return GeneratedDocumentFactory(unit=unit_a, filename="应急管理局概况.pdf")


@pytest.fixture
def dossier_a(unit_a):
    return GeneratedDocumentFactory(
        kind="hazard_dossier",
        unit=unit_a,
        content_type=ContentType.objects.get_by_natural_key("inspections", "hazard"),
        object_id=1,
        filename="YH-2024-0001 隐患档案.pdf",
    )


@pytest.fixture
def summary_a(unit_a):
    return GeneratedDocumentFactory(
        kind="campaign_summary",
        unit=unit_a,
        content_type=ContentType.objects.get_by_natural_key("campaigns", "campaign"),
        object_id=1,
        filename="安全生产月总结报告.pdf",
    )


def test_duty_officer_does_not_see_the_units_hazard_dossier_in_the_list(
    client, officer_a, alice, profile_a, dossier_a
):
    client.force_login(alice)
    page = client.get(reverse("documents:list")).content.decode()
    assert "隐患档案" in page and "应急管理局概况" in page
    client.force_login(officer_a)
    page = client.get(reverse("documents:list")).content.decode()
    assert "应急管理局概况" in page
    assert "隐患档案" not in page


def test_duty_officer_gets_404_on_the_hazard_dossier(client, officer_a, alice, dossier_a):
    urls = [
        reverse("documents:download", args=[dossier_a.pk]),
        reverse("documents:status", args=[dossier_a.pk]),
    ]
    client.force_login(alice)
    for url in urls:
        assert client.get(url).status_code == 200, url
    client.force_login(officer_a)
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_the_api_lists_and_serves_only_the_kinds_the_role_may_read(
    api_client, officer_a, profile_a, dossier_a
):
    api_client.force_authenticate(officer_a)
    rows = api_client.get(LIST_URL).json()["results"]
    assert {row["id"] for row in rows} == {profile_a.pk}
    assert api_client.get(f"{LIST_URL}{dossier_a.pk}/").status_code == 404
    assert api_client.get(f"{LIST_URL}{dossier_a.pk}/download/").status_code == 404


def test_a_head_reads_the_summary_only_staff_may_request(client, alice, summary_a):
    """Requesting a campaign summary needs campaigns.change_campaign; reading it, only
    campaigns.view_campaign, which a head holds."""
    client.force_login(alice)
    assert "安全生产月总结报告" in client.get(reverse("documents:list")).content.decode()
    response = client.get(reverse("documents:download", args=[summary_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
