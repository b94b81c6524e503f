"""The campaign summary report (总结报告): a generated document only committee staff and
admins may request, whose PDF carries the campaign's Chinese text, its phases, key
periods, activities by kind, unit and five-into target, the drills marked as
exercises, and task completion per unit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from campaigns.documents import campaign_summary_context, campaign_summary_filename
from campaigns.models import Campaign
from safetyzone.documents.models import GeneratedDocument
from safetyzone.documents.registry import get_document_kind
from safetyzone.documents.rendering import render_pdf
from safetyzone.documents.services import document_request
from safetyzone.org.models import KeyArea
from tests.helpers import pdf_text

from ..factories import (
    ActivityFactory,
    CampaignFactory,
    CampaignPhaseFactory,
    KeyPeriodFactory,
    TaskAssignmentFactory,
    TaskFactory,
)

D = dt.date


@pytest.fixture
def month(unit_a, unit_b):
    carrier = CampaignFactory(
        name="安全生产治本攻坚三年行动",
        kind=Campaign.Kind.THREE_YEAR_ACTION,
        start_date=D(2024, 1, 1),
        end_date=D(2026, 12, 31),
        lead_unit=unit_a,
    )
    campaign = CampaignFactory(
        name="2024年安全生产月",
        parent=carrier,
        lead_unit=unit_a,
        goals="全覆盖、零容忍、严执法、重实效",
    )
    CampaignPhaseFactory(
        campaign=campaign, kind="mobilisation", name="动员部署", end_date=D(2024, 6, 5)
    )
    CampaignPhaseFactory(
        campaign=campaign, kind="summary", name="总结提升", start_date=D(2024, 6, 26)
    )
    area, _ = KeyArea.objects.get_or_create(code="gas", defaults={"name": "城镇燃气"})
    KeyPeriodFactory(name="吉林市马拉松", campaign=campaign).key_areas.add(area)
    ActivityFactory(
        title="危化品泄漏应急演练",
        kind="drill",
        drill_plan="危险化学品事故专项应急预案",
        unit=unit_a,
        campaign=campaign,
        participants=80,
    )
    ActivityFactory(
        title="安全知识进校园",
        kind="five_into",
        five_into_target="schools",
        unit=unit_b,
        campaign=campaign,
    )
    task = TaskFactory(title="燃气隐患排查整治", campaign=campaign, lead_unit=unit_a)
    TaskAssignmentFactory(task=task, unit=unit_a, status="done")
    TaskAssignmentFactory(task=task, unit=unit_b, role="assist", deadline=D(2024, 6, 10))
    return campaign


def test_summary_context_counts_by_kind_target_and_unit(month, unit_a, unit_b):
    context = campaign_summary_context(month)

    by_kind = {value: count for value, _label, count in context["activities_by_kind"]}
    assert by_kind["drill"] == 1 and by_kind["five_into"] == 1 and by_kind["training"] == 0
    assert context["activity_total"] == 2
    assert context["participants_total"] == 80 + 40
    assert dict(context["five_into_by_target"])[gettext("Into schools")] == 1
    assert [d.title for d in context["drills"]] == ["危化品泄漏应急演练"]
    assert {row.unit for row in context["activities_by_unit"]} == {unit_a, unit_b}
    progress = {row.unit: (row.assigned, row.done, row.overdue) for row in context["progress"]}
    assert progress == {unit_a: (1, 1, 0), unit_b: (1, 0, 1)}


def test_summary_pdf_has_the_chinese_text(month, unit_a, unit_b, settings):
    pdf = render_pdf("campaigns/pdf/campaign_summary.html", campaign_summary_context(month))
    text = pdf_text(pdf)

    for words in [
        "2024年安全生产月",
        "人人讲安全、个个会应急——畅通生命通道",
        "安全生产治本攻坚三年行动",
        "全覆盖、零容忍、严执法、重实效",
        "动员部署",
        "总结提升",
        "吉林市马拉松",
        "城镇燃气",
        "危化品泄漏应急演练",
        "危险化学品事故专项应急预案",
        unit_a.name,
        unit_b.name,
    ]:
        assert words in text, words
    # The labels in the site's language (Chinese once translated): the report's title
    # and the exercise mark on drills.
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("%(name)s summary report") % {"name": "2024年安全生产月"}
        exercise = gettext("Exercise")
    assert title in text
    assert f"【{exercise}】危化品泄漏应急演练" in text


def test_summary_kind_is_registered_for_the_lead_unit(month, unit_a):
    kind = get_document_kind("campaign_summary")
    assert kind.get_model() is Campaign
    assert kind.unit_of(month) == unit_a
    assert kind.permission == "campaigns.change_campaign"
    assert campaign_summary_filename(month).endswith(".pdf")
    assert "2024年安全生产月" in campaign_summary_filename(month)


def test_staff_generates_the_summary_pdf(client, staff, month, django_capture_on_commit_callbacks):
    client.force_login(staff)
    url = reverse("documents:request", args=["campaign_summary", month.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    document = GeneratedDocument.objects.get(kind="campaign_summary")
    assert document.status == GeneratedDocument.Status.DONE, document.error
    assert "2024年安全生产月" in pdf_text(document.file.read())


def test_a_head_of_the_lead_unit_cannot_request_the_summary(client, alice, month):
    with pytest.raises(PermissionDenied):
        document_request(user=alice, kind="campaign_summary", subject=month)
    client.force_login(alice)
    response = client.post(reverse("documents:request", args=["campaign_summary", month.pk]))
    assert response.status_code == 403
    assert not GeneratedDocument.objects.exists()


def test_a_head_of_another_unit_does_not_find_the_campaign_to_export(client, bob, month):
    client.force_login(bob)
    response = client.post(reverse("documents:request", args=["campaign_summary", month.pk]))
    assert response.status_code == 404
    assert not GeneratedDocument.objects.exists()
