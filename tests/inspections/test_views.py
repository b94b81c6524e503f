"""The inspections pages: the permission matrix on every page (allowed role, same role
of another unit → 404, anonymous → login), the phone inspection form, the hazard's life
through the pages, and query counts that do not grow with the rows."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.models import Hazard, Inspection, InspectionAnswer
from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services
from safetyzone.org.roles import Role
from tests.helpers import count_queries, pdf_upload, png_upload

from ..factories import EnterpriseFactory, UserFactory
from .conftest import close_hazard, make_hazard
from .factories import InspectionFactory, InspectionTaskFactory, ViolationFactory

LIST_PAGES = [
    "inspections:index",
    "inspections:task-list",
    "inspections:inspection-list",
    "inspections:hazard-list",
    "inspections:report-list",
    "inspections:violation-list",
    "inspections:statistics",
    "inspections:checklist-list",
]


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_open_for_heads_and_staff(client, alice, staff, name):
    for user in (alice, staff):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200


def test_ledger_shows_the_head_only_their_units_hazards(client, alice, bob, hazard_a, hazard_b):
    client.force_login(alice)
    body = client.get(reverse("inspections:hazard-list")).content.decode()
    assert hazard_a.code in body and hazard_b.code not in body
    client.force_login(bob)
    body = client.get(reverse("inspections:hazard-list")).content.decode()
    assert hazard_b.code in body and hazard_a.code not in body


def test_ledger_shows_staff_every_unit(client, staff, hazard_a, hazard_b):
    client.force_login(staff)
    body = client.get(reverse("inspections:hazard-list")).content.decode()
    assert hazard_a.code in body and hazard_b.code in body


def test_ledger_filters(client, staff, alice, enterprise_a, unit_a, unit_b, enterprise_b):
    overdue = make_hazard(staff, enterprise_a, deadline=dt.date(2024, 6, 20))
    major = make_hazard(staff, enterprise_b, level="major", deadline=dt.date(2099, 1, 1))
    closed = make_hazard(staff, enterprise_a, description="已销号的隐患")
    close_hazard(staff, alice, closed)
    client.force_login(staff)
    url = reverse("inspections:hazard-list")

    def codes(**params):
        return {h.code for h in client.get(url, params).context["page"].object_list}

    assert codes(overdue="true") == {overdue.code}
    assert codes(level="major") == {major.code}
    assert codes(status="accepted") == {closed.code}
    assert codes(status="open") == {overdue.code, major.code}
    assert codes(unit=unit_b.pk) == {major.code}
    assert codes(enterprise=enterprise_a.pk) == {overdue.code, closed.code}
    assert codes(key_area=overdue.key_area_id) == {overdue.code, major.code, closed.code}
    assert codes(found_from="2024-06-06") == set()
    assert codes(search=major.code) == {major.code}


def test_ledger_keeps_an_enterprise_from_a_link_as_a_chip(
    client, staff, enterprise_a, enterprise_b
):
    mine = make_hazard(staff, enterprise_a)
    other = make_hazard(staff, enterprise_b)
    client.force_login(staff)
    response = client.get(reverse("inspections:hazard-list"), {"enterprise": enterprise_a.pk})
    body = response.content.decode()
    assert {h.code for h in response.context["page"].object_list} == {mine.code}
    assert other.code not in body
    assert 'data-testid="enterprise-chip"' in body and enterprise_a.name in body
    # Kept when the filters are sent again, never a select of every enterprise.
    assert f'<input type="hidden" name="enterprise" value="{enterprise_a.pk}"' in body
    assert '<select name="enterprise"' not in body and enterprise_b.name not in body


def test_head_cannot_filter_the_ledger_on_another_units_enterprise(
    client, alice, staff, enterprise_a, enterprise_b
):
    mine = make_hazard(staff, enterprise_a)
    other = make_hazard(staff, enterprise_b)
    client.force_login(alice)
    response = client.get(reverse("inspections:hazard-list"), {"enterprise": enterprise_b.pk})
    body = response.content.decode()
    assert response.context["filter_form"].errors["enterprise"]
    assert 'data-testid="enterprise-chip"' not in body and enterprise_b.name not in body
    assert 'data-testid="enterprise-error"' in body
    codes = {h.code for h in response.context["page"].object_list}
    assert mine.code in codes and other.code not in codes


def test_ledger_filters_are_drawn_with_the_chosen_values(client, staff, unit_b):
    client.force_login(staff)
    body = client.get(
        reverse("inspections:hazard-list"), {"unit": unit_b.pk, "level": "major", "search": "火"}
    ).content.decode()
    assert f'<option value="{unit_b.pk}" selected>{unit_b.name}</option>' in body
    assert '<option value="major" selected>' in body
    assert '<input type="text" name="search" value="火" class="textinput form-control"' in body


def assert_same_queries_for_5_and_50(client, url, add_rows) -> None:
    """The page runs the same number of queries with 5 rows as with 50 (each page
    shows up to 25, so 50 rows also fill the pagination)."""
    add_rows(5)
    few = count_queries(client, url)
    add_rows(45)
    many = count_queries(client, url)
    assert few == many, (few, many)


def test_ledger_query_count_does_not_grow(client, staff, unit_a):
    from ..factories import KeyAreaFactory

    area = KeyAreaFactory()

    def add(n):
        for i in range(n):
            enterprise = EnterpriseFactory(supervising_unit=unit_a)
            make_hazard(staff, enterprise, key_area=area, level=["general", "major"][i % 2])

    client.force_login(staff)
    assert_same_queries_for_5_and_50(client, reverse("inspections:hazard-list"), add)


def test_inspection_list_query_count_does_not_grow(client, alice, unit_a):
    def add(n):
        for _ in range(n):
            InspectionFactory(enterprise=EnterpriseFactory(supervising_unit=unit_a))

    client.force_login(alice)
    assert_same_queries_for_5_and_50(client, reverse("inspections:inspection-list"), add)


def test_task_list_query_count_does_not_grow(client, staff, unit_a):
    def add(n):
        for _ in range(n):
            task = InspectionTaskFactory()
            task.units.add(unit_a)

    client.force_login(staff)
    assert_same_queries_for_5_and_50(client, reverse("inspections:task-list"), add)


def test_report_list_query_count_does_not_grow(client, staff, alice, enterprise_a):
    def add(n):
        for _ in range(n):
            hazard = make_hazard(staff, enterprise_a)
            hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
            report_services.report_file(
                actor=alice, hazard=hazard, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
            )

    client.force_login(staff)
    assert_same_queries_for_5_and_50(client, reverse("inspections:report-list"), add)


def test_violation_list_query_count_does_not_grow(client, staff, unit_a):
    def add(n):
        for _ in range(n):
            ViolationFactory(enterprise=EnterpriseFactory(supervising_unit=unit_a))

    client.force_login(staff)
    assert_same_queries_for_5_and_50(client, reverse("inspections:violation-list"), add)


# --- Detail pages: another unit's record is a 404 -------------------------------------


def _detail_urls(hazard, inspection, task):
    return [
        reverse("inspections:hazard-detail", args=[hazard.pk]),
        reverse("inspections:hazard-edit", args=[hazard.pk]),
        reverse("inspections:hazard-report", args=[hazard.pk]),
        reverse("inspections:inspection-detail", args=[inspection.pk]),
        reverse("inspections:task-detail", args=[task.pk]),
    ]


@pytest.fixture
def records_a(staff, unit_a, enterprise_a, hazard_a):
    inspection = InspectionFactory(enterprise=enterprise_a)
    task = InspectionTaskFactory()
    task.units.add(unit_a)
    return hazard_a, inspection, task


def test_head_opens_their_units_records(client, alice, records_a):
    client.force_login(alice)
    for url in _detail_urls(*records_a):
        assert client.get(url).status_code == 200, url


def test_head_of_another_unit_gets_404(client, bob, records_a):
    client.force_login(bob)
    for url in _detail_urls(*records_a):
        assert client.get(url).status_code == 404, url


def test_anonymous_detail_goes_to_login(client, records_a):
    for url in _detail_urls(*records_a):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_photos_and_evidence_are_served_only_in_scope(client, alice, bob, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, photos=[png_upload()])
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
    report = report_services.report_file(
        actor=alice,
        hazard=hazard,
        measures_taken="清理",
        completed_on=dt.date(2024, 6, 9),
        evidence=[png_upload("after.png")],
    )
    urls = [
        reverse("inspections:hazard-photo", args=[hazard.photos.get().pk]),
        reverse("inspections:evidence-file", args=[report.evidence.get().pk]),
    ]
    client.force_login(alice)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(bob)
    for url in urls:
        assert client.get(url).status_code == 404
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302


def test_staff_only_pages_are_forbidden_to_heads(client, alice):
    client.force_login(alice)
    assert client.get(reverse("inspections:task-create")).status_code == 403
    assert client.get(reverse("inspections:task-from-key-period")).status_code == 403


# --- The inspection form on a phone ---------------------------------------------------


def test_inspection_form_takes_several_photos_per_item(client, inspector_a, template):
    client.force_login(inspector_a)
    body = client.get(
        reverse("inspections:inspection-create"), {"template": template.pk}
    ).content.decode()
    assert 'accept="image/*"' in body and "multiple" in body
    assert 'name="viewport"' in body
    assert body.count('type="file"') == template.items.count()


def test_inspector_records_a_failed_item_and_turns_it_into_a_hazard(
    client, inspector_a, enterprise_a, template
):
    items = list(template.items.order_by("order"))
    data = {
        "enterprise": enterprise_a.pk,
        "date": "2024-06-05",
        "method": "unannounced",
        "inspectors": [inspector_a.pk],
        "conclusion": "发现隐患一处",
    }
    for item in items:
        data[f"result_{item.pk}"] = "fail" if item.order == 1 else "pass"
    data[f"note_{items[0].pk}"] = "安全出口堆放纸箱"
    data[f"photos_{items[0].pk}"] = png_upload()
    client.force_login(inspector_a)
    response = client.post(
        reverse("inspections:inspection-create") + f"?template={template.pk}", data
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    # The failed item waits as a draft hazard: the inspector is sent to confirm it.
    assert response["Location"] == reverse("inspections:inspection-drafts", args=[inspection.pk])
    failed = inspection.answers.get(result=InspectionAnswer.Result.FAIL)
    assert failed.photos.count() == 1

    form_page = client.get(reverse("inspections:answer-hazard", args=[failed.pk]))
    assert form_page.context["form"].initial["description"] == "疏散通道是否畅通：安全出口堆放纸箱"
    post = {
        k: v
        for k, v in form_page.context["form"].initial.items()
        if v is not None and k != "found_on"
    }
    post["found_on"] = "2024-06-05"
    response = client.post(reverse("inspections:answer-hazard", args=[failed.pk]), post)
    hazard = Hazard.objects.get()
    assert response["Location"] == hazard.get_absolute_url()
    assert hazard.answer == failed and hazard.photos.count() == 1
    # Registered through the full form, the item's draft is decided with it.
    failed.hazard_draft.refresh_from_db()
    assert failed.hazard_draft.status == "confirmed" and failed.hazard_draft.hazard == hazard


def test_enforcement_visit_with_one_inspector_shows_the_error_beside_the_field(
    client, inspector_a, enterprise_a, template
):
    data = {
        "enterprise": enterprise_a.pk,
        "date": "2024-06-05",
        "method": "routine",
        "is_enforcement": "on",
        "inspectors": [inspector_a.pk],
    }
    for item in template.items.all():
        data[f"result_{item.pk}"] = "pass"
    client.force_login(inspector_a)
    response = client.post(
        reverse("inspections:inspection-create") + f"?template={template.pk}", data
    )
    assert response.status_code == 200
    assert response.context["form"].errors["inspectors"]
    assert not Inspection.objects.exists()


# --- The hazard's life through the pages ----------------------------------------------


def test_head_files_staff_returns_then_accepts(client, alice, staff, hazard_a):
    client.force_login(alice)
    client.post(reverse("inspections:hazard-start", args=[hazard_a.pk]))
    response = client.post(
        reverse("inspections:hazard-report", args=[hazard_a.pk]),
        {
            "measures_taken": "清理杂物",
            "completed_on": "2024-06-10",
            "funds_spent": "0",
            "evidence": [png_upload()],
        },
    )
    assert response.status_code == 302
    client.force_login(staff)
    client.post(
        reverse("inspections:hazard-review", args=[hazard_a.pk]),
        {"decision": "return", "note": "未见整改后照片"},
    )
    hazard_a.refresh_from_db()
    assert hazard_a.status == "returned"
    client.force_login(alice)
    page = client.get(hazard_a.get_absolute_url()).content.decode()
    assert "未见整改后照片" in page
    client.post(reverse("inspections:hazard-start", args=[hazard_a.pk]))
    client.post(
        reverse("inspections:hazard-report", args=[hazard_a.pk]),
        {"measures_taken": "清理并拍照", "completed_on": "2024-06-11", "funds_spent": "50"},
    )
    client.force_login(staff)
    client.post(reverse("inspections:hazard-review", args=[hazard_a.pk]), {"decision": "accept"})
    hazard_a.refresh_from_db()
    assert hazard_a.status == "accepted" and hazard_a.closed_by == staff


def test_return_without_reason_changes_nothing(client, alice, staff, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report_services.report_file(
        actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
    )
    client.force_login(staff)
    client.post(reverse("inspections:hazard-review", args=[hazard_a.pk]), {"decision": "return"})
    hazard_a.refresh_from_db()
    assert hazard_a.status == "submitted"


def test_head_cannot_review(client, alice, hazard_a):
    client.force_login(alice)
    response = client.post(
        reverse("inspections:hazard-review", args=[hazard_a.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403


def test_evidence_that_is_not_an_image_is_an_error_beside_the_field(client, alice, hazard_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    client.force_login(alice)
    response = client.post(
        reverse("inspections:hazard-report", args=[hazard_a.pk]),
        {
            "measures_taken": "清理",
            "completed_on": "2024-06-10",
            "funds_spent": "0",
            "evidence": [SimpleUploadedFile("photo.jpg", b"not really a photo at all")],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    hazard_a.refresh_from_db()
    assert hazard_a.status == "rectifying"


def test_major_hazard_plan_page_and_start(client, alice, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a, level="major")
    client.force_login(alice)
    client.post(reverse("inspections:hazard-start", args=[hazard.pk]))
    hazard.refresh_from_db()
    assert hazard.status == "reported"
    client.post(
        reverse("inspections:hazard-edit", args=[hazard.pk]),
        {
            # Level and deadline are shown disabled to a head: a browser does not send them.
            "description": hazard.description,
            "plan_responsibility": "企业负责人",
            "plan_measures": "更换设备",
            "plan_funds": "80000",
            "plan_time_limit": "2024-07-20",
            "plan_contingency": "停用并警戒",
        },
    )
    client.post(reverse("inspections:hazard-start", args=[hazard.pk]))
    hazard.refresh_from_db()
    assert hazard.status == "rectifying"


def test_staff_issue_tasks_from_a_key_period(client, staff, unit_a, unit_b, enterprise_a):
    from ..factories import KeyPeriodFactory
    from .factories import key_area

    period = KeyPeriodFactory(start_date=dt.date(2030, 6, 12), end_date=dt.date(2030, 6, 14))
    client.force_login(staff)
    response = client.post(
        reverse("inspections:task-from-key-period"),
        {
            "key_period": period.pk,
            "key_areas": [key_area("fire").pk, key_area("construction").pk],
            "units": [unit_a.pk, unit_b.pk],
        },
    )
    assert response.status_code == 302
    assert period.inspection_tasks.count() == 2


def test_home_panel_shows_the_units_hazards(client, alice, staff, hazard_a, hazard_b):
    client.force_login(alice)
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="inspections-panel"' in body


def test_duty_officer_sees_no_inspections_panel(client, roles, unit_a):
    officer = UserFactory(unit=unit_a, roles=[Role.DUTY_OFFICER])
    client.force_login(officer)
    assert 'data-testid="inspections-panel"' not in client.get(reverse("home")).content.decode()


def test_home_panel_tells_the_head_of_a_returned_report(client, alice, staff, hazard_a):
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard_a)
    report_services.report_file(
        actor=alice, hazard=hazard_a, measures_taken="清理", completed_on=dt.date(2024, 6, 9)
    )
    report_services.report_return(actor=staff, hazard=hazard_a, reason="不彻底")
    client.force_login(alice)
    assert 'data-testid="returned-count"' in client.get(reverse("home")).content.decode()


def test_ledger_filters_by_key_period(client, staff, enterprise_a):
    from ..factories import KeyPeriodFactory

    period = KeyPeriodFactory(start_date=dt.date(2024, 6, 8), end_date=dt.date(2024, 6, 10))
    during = make_hazard(staff, enterprise_a, found_on=dt.date(2024, 6, 9))
    task = InspectionTaskFactory(key_period=period)
    inspection = InspectionFactory(enterprise=enterprise_a, task=task, date=dt.date(2024, 6, 1))
    before = make_hazard(staff, enterprise_a, found_on=dt.date(2024, 6, 1), inspection=inspection)
    make_hazard(staff, enterprise_a, found_on=dt.date(2024, 6, 1))
    client.force_login(staff)
    page = client.get(reverse("inspections:hazard-list"), {"key_period": period.pk})
    assert {h.code for h in page.context["page"].object_list} == {during.code, before.code}


def test_inspection_list_filters(client, staff, unit_a, unit_b, enterprise_a, enterprise_b):
    from .factories import key_area

    mine = InspectionFactory(enterprise=enterprise_a, date=dt.date(2024, 6, 5))
    other = InspectionFactory(
        enterprise=enterprise_b, date=dt.date(2024, 5, 5), key_area=key_area("construction")
    )
    client.force_login(staff)
    url = reverse("inspections:inspection-list")

    def ids(**params):
        return {i.pk for i in client.get(url, params).context["page"].object_list}

    assert ids() == {mine.pk, other.pk}
    assert ids(unit=unit_b.pk) == {other.pk}
    assert ids(key_area=other.key_area_id) == {other.pk}
    assert ids(date_from="2024-06-01") == {mine.pk}
    assert ids(search="硅谷") == {mine.pk}


def test_violation_list_filters_by_kind(client, staff, enterprise_a):
    operation = ViolationFactory(enterprise=enterprise_a, kind="illegal_operation")
    ViolationFactory(enterprise=enterprise_a, kind="illegal_command")
    client.force_login(staff)
    page = client.get(reverse("inspections:violation-list"), {"kind": "illegal_operation"})
    assert [v.pk for v in page.context["page"].object_list] == [operation.pk]


def test_photos_added_after_the_finding(client, alice, bob, hazard_a):

    client.force_login(bob)
    url = reverse("inspections:hazard-photos", args=[hazard_a.pk])
    assert client.post(url, {"stage": "rectified", "photos": [png_upload()]}).status_code == 404
    client.force_login(alice)
    client.post(url, {"stage": "rectified", "photos": [pdf_upload("fake.png")]})
    assert hazard_a.photos.count() == 0
    client.post(url, {"stage": "rectified", "photos": [png_upload(), png_upload("b.png")]})
    assert list(hazard_a.photos.values_list("stage", flat=True)) == ["rectified", "rectified"]


def test_task_with_chosen_target_enterprises(client, staff, unit_a, enterprise_a, fire):
    other = EnterpriseFactory(supervising_unit=unit_a)
    other.key_areas.set([fire])
    client.force_login(staff)
    response = client.post(
        reverse("inspections:task-create"),
        {
            "title": "重点企业消防抽查",
            "key_area": fire.pk,
            "units": [unit_a.pk],
            "start_date": "2024-06-01",
            "deadline": "2024-06-30",
            "enterprises": [enterprise_a.pk],
        },
    )
    assert response.status_code == 302
    from inspections.models import InspectionTask

    task = InspectionTask.objects.get()
    assert list(task.targets.values_list("enterprise", flat=True)) == [enterprise_a.pk]
