"""The inspector on a phone (issue 15): the checklist offers the enterprises the user may
inspect (open tasks first, per checklist and per scope), a failed item becomes a draft
hazard on submit, and the inspector confirms or discards each draft on one screen."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import Hazard, HazardDraft, Inspection, InspectionTarget
from inspections.selectors.inspections import inspection_enterprise_groups
from inspections.services import hazard_drafts as draft_services
from inspections.services import inspections as inspection_services
from safetyzone.org.roles import Role

from ..factories import EnterpriseFactory, UnitFactory, UserFactory
from ..helpers import png_upload
from .factories import (
    ChecklistItemFactory,
    ChecklistTemplateFactory,
    InspectionTaskFactory,
    key_area,
)

pytestmark = pytest.mark.django_db


def _groups(user, area) -> dict[str, list[str]]:
    return {
        g.key: [e.name for e in g.enterprises]
        for g in inspection_enterprise_groups(user=user, key_area=area)
    }


@pytest.fixture
def gas(db):
    return key_area("gas")


@pytest.fixture
def gas_template(gas):
    template = ChecklistTemplateFactory(key_area=gas, name="测试燃气检查表")
    ChecklistItemFactory(template=template, order=1, question="燃气报警器是否完好")
    return template


@pytest.fixture
def gas_enterprise_a(unit_a, gas):
    enterprise = EnterpriseFactory(name="硅谷燃气站", supervising_unit=unit_a)
    enterprise.key_areas.set([gas])
    return enterprise


# --- The enterprise list ----------------------------------------------------------------


def test_each_checklist_offers_the_inspectors_enterprises_never_another_units(
    inspector_a, enterprise_a, enterprise_b, gas, gas_enterprise_a, fire
):
    construction = key_area("construction")
    # Fire: the unit's fire enterprise in its area, the gas one among the others.
    assert _groups(inspector_a, fire) == {"key_area": ["硅谷商业综合体"], "other": ["硅谷燃气站"]}
    assert _groups(inspector_a, gas) == {"key_area": ["硅谷燃气站"], "other": ["硅谷商业综合体"]}
    # Construction: no enterprise of that area, yet the list is not empty.
    assert _groups(inspector_a, construction) == {"other": ["硅谷商业综合体", "硅谷燃气站"]}
    for area in (fire, gas, construction):
        assert "北湖养老院" not in str(_groups(inspector_a, area))


def test_open_tasks_come_first_and_a_closed_or_done_target_does_not(
    inspector_a, unit_a, gas, gas_enterprise_a, enterprise_a
):
    today = timezone.localdate()
    task = InspectionTaskFactory(
        key_area=gas, start_date=today - dt.timedelta(days=3), deadline=today + dt.timedelta(3)
    )
    task.assignments.create(unit=unit_a)
    InspectionTarget.objects.create(task=task, unit=unit_a, enterprise=gas_enterprise_a)
    old = InspectionTaskFactory(key_area=gas, start_date=dt.date(2024, 6, 1))
    old.assignments.create(unit=unit_a)
    InspectionTarget.objects.create(task=old, unit=unit_a, enterprise=enterprise_a)

    groups = inspection_enterprise_groups(user=inspector_a, key_area=gas)
    assert [g.key for g in groups] == ["tasks", "other"]
    assert groups[0].enterprises == [gas_enterprise_a]
    assert groups[0].tasks[gas_enterprise_a.pk] == task
    assert groups[1].enterprises == [enterprise_a]


def test_staff_see_every_units_enterprises_of_the_area_only(
    staff, enterprise_a, enterprise_b, gas_enterprise_a, fire
):
    assert _groups(staff, fire) == {"key_area": ["北湖养老院", "硅谷商业综合体"]}


def test_the_form_is_searchable_by_name_and_credit_code(
    client, inspector_a, enterprise_a, template
):
    client.force_login(inspector_a)
    body = client.get(
        reverse("inspections:inspection-create"), {"template": template.pk}
    ).content.decode()
    assert 'data-enterprise-search="id_enterprise"' in body
    assert f"硅谷商业综合体 · {enterprise_a.credit_code}" in body
    assert "inspections/inspection-form.js" in body


def test_an_empty_list_says_why_and_what_to_do(client, roles, template):
    lonely = UserFactory(unit=UnitFactory(name="空单位"), roles=[Role.INSPECTOR])
    client.force_login(lonely)
    response = client.get(reverse("inspections:inspection-create"), {"template": template.pk})
    body = response.content.decode()
    assert 'data-testid="enterprise-empty"' in body
    assert "issue an inspection task to your unit" in body


def test_another_units_enterprise_posted_by_hand_is_refused(
    client, inspector_a, enterprise_b, template
):
    data = _post_data(inspector_a, enterprise_b, template, failed=())
    client.force_login(inspector_a)
    response = client.post(_form_url(template), data)
    assert response.status_code == 200
    assert response.context["form"].errors["enterprise"]
    assert not Inspection.objects.exists()


# --- Failed items become drafts --------------------------------------------------------


def _form_url(template) -> str:
    return reverse("inspections:inspection-create") + f"?template={template.pk}"


def _post_data(user, enterprise, template, failed=(1,)) -> dict:
    data = {
        "enterprise": enterprise.pk,
        "date": "2024-06-05",
        "method": "routine",
        "inspectors": [user.pk],
    }
    for item in template.items.all():
        data[f"result_{item.pk}"] = "fail" if item.order in failed else "pass"
    return data


@pytest.fixture
def submitted(client, inspector_a, enterprise_a, template):
    """An inspection submitted with items 1 and 2 failed, two photos on item 1."""
    items = {item.order: item for item in template.items.all()}
    data = _post_data(inspector_a, enterprise_a, template, failed=(1, 2))
    data[f"note_{items[1].pk}"] = "安全出口堆放纸箱"
    data[f"photos_{items[1].pk}"] = [png_upload("a.png"), png_upload("b.png", color="blue")]
    client.force_login(inspector_a)
    response = client.post(_form_url(template), data)
    inspection = Inspection.objects.get()
    assert response["Location"] == reverse("inspections:inspection-drafts", args=[inspection.pk])
    return inspection


def test_failed_items_become_drafts_prefilled_from_the_item(submitted):
    drafts = list(submitted.hazard_drafts.order_by("answer__item__order"))
    assert [(d.description, d.level, d.status) for d in drafts] == [
        ("疏散通道是否畅通：安全出口堆放纸箱", "general", "draft"),
        ("自动喷水灭火系统是否正常", "major", "draft"),
    ]
    assert drafts[0].answer.photos.count() == 2
    assert not Hazard.objects.exists()


def test_the_confirm_screen_shows_each_draft_with_its_photos(client, submitted):
    response = client.get(reverse("inspections:inspection-drafts", args=[submitted.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="confirm-1"' in body and 'data-testid="discard-2"' in body
    assert body.count('<img src="/inspections/answer-photos/') == 2


def test_confirm_makes_a_hazard_with_the_photos_and_discard_keeps_the_record(
    client, inspector_a, submitted
):
    one, two = submitted.hazard_drafts.order_by("answer__item__order")
    response = client.post(
        reverse("inspections:hazard-draft-confirm", args=[one.pk]),
        {f"draft-{one.pk}-description": "安全出口堆放纸箱", f"draft-{one.pk}-level": "general"},
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.description == "安全出口堆放纸箱" and hazard.level == "general"
    assert hazard.photos.count() == 2 and hazard.answer == one.answer
    client.post(
        reverse("inspections:hazard-draft-discard", args=[two.pk]),
        {f"draft-{two.pk}-reason": "现场复核已恢复"},
    )
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, one.hazard, one.decided_by) == ("confirmed", hazard, inspector_a)
    assert (two.status, two.reason, two.decided_by) == ("discarded", "现场复核已恢复", inspector_a)
    assert two.decided_at is not None and Hazard.objects.count() == 1


def test_a_draft_is_not_discarded_without_a_reason(client, inspector_a, submitted):
    draft = submitted.hazard_drafts.first()
    client.force_login(inspector_a)
    response = client.post(
        reverse("inspections:hazard-draft-discard", args=[draft.pk]),
        {f"draft-{draft.pk}-reason": "  "},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Say why the draft is no hazard" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.decided_by is None


def test_a_decided_draft_is_not_decided_again(inspector_a, submitted):
    draft = submitted.hazard_drafts.first()
    draft_services.hazard_draft_discard(actor=inspector_a, draft=draft, reason="误判")
    with pytest.raises(Exception, match="already"):
        draft_services.hazard_draft_confirm(actor=inspector_a, draft=draft)
    assert not Hazard.objects.exists()


def test_the_head_of_the_unit_may_confirm_its_draft(alice, submitted):
    draft = submitted.hazard_drafts.first()
    hazard = draft_services.hazard_draft_confirm(actor=alice, draft=draft)
    assert hazard.responsible_unit == alice.unit


@pytest.mark.parametrize("name", ["hazard-draft-confirm", "hazard-draft-discard"])
def test_a_head_cannot_decide_a_draft_of_another_unit(client, bob, submitted, name):
    draft = submitted.hazard_drafts.first()
    client.force_login(bob)
    response = client.post(
        reverse(f"inspections:{name}", args=[draft.pk]),
        {f"draft-{draft.pk}-description": "x", f"draft-{draft.pk}-level": "general"},
    )
    assert response.status_code == 404
    assert (
        client.get(reverse("inspections:inspection-drafts", args=[submitted.pk])).status_code == 404
    )
    draft.refresh_from_db()
    assert draft.status == HazardDraft.Status.DRAFT and not Hazard.objects.exists()


def test_the_write_rule_refuses_another_units_draft_in_the_service(bob, submitted):
    from django.core.exceptions import PermissionDenied

    draft = submitted.hazard_drafts.first()
    with pytest.raises(PermissionDenied):
        draft_services.hazard_draft_confirm(actor=bob, draft=draft)


def test_anonymous_is_sent_to_login(client, submitted):
    client.logout()
    draft = submitted.hazard_drafts.first()
    for url in (
        reverse("inspections:inspection-drafts", args=[submitted.pk]),
        reverse("inspections:hazard-draft-confirm", args=[draft.pk]),
    ):
        response = client.post(url) if "confirm" in url else client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_inspection_without_failures_makes_no_draft(client, inspector_a, enterprise_a, template):
    client.force_login(inspector_a)
    response = client.post(_form_url(template), _post_data(inspector_a, enterprise_a, template, ()))
    inspection = Inspection.objects.get()
    assert response["Location"] == inspection.get_absolute_url()
    assert not HazardDraft.objects.exists()


def test_submit_service_records_and_drafts_in_one_step(inspector_a, enterprise_a, template):
    items = list(template.items.order_by("order"))
    inspection, drafts = inspection_services.inspection_submit(
        actor=inspector_a,
        enterprise=enterprise_a,
        key_area=template.key_area,
        template=template,
        inspectors=[inspector_a],
        date=dt.date(2024, 6, 5),
        answers=[
            inspection_services.AnswerInput(item=item, result="fail" if n == 0 else "na")
            for n, item in enumerate(items)
        ],
    )
    assert [d.answer.item for d in drafts] == [items[0]]


def test_the_service_worker_is_served_as_javascript(client):
    response = client.get(reverse("inspections:service-worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")


def test_an_items_photo_is_served_to_its_unit_only(client, bob, alice, submitted):
    photo = submitted.hazard_drafts.first().answer.photos.first()
    url = reverse("inspections:answer-photo-file", args=[photo.pk])
    client.force_login(alice)
    assert client.get(url)["Content-Type"] == "image/png"
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_the_phones_script_is_told_where_to_go(client, inspector_a, enterprise_a, template):
    """Sent by the script (fetch), the answer names the next page instead of redirecting,
    so that the page the phone opens shows the message."""
    client.force_login(inspector_a)
    response = client.post(
        _form_url(template),
        _post_data(inspector_a, enterprise_a, template),
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    inspection = Inspection.objects.get()
    url = reverse("inspections:inspection-drafts", args=[inspection.pk])
    assert response.json() == {"location": url}
    assert "The inspection was recorded." in client.get(url).content.decode()
