"""No rule can be side-stepped (issue 13): a unit cannot change its hazard's level or
deadline, it asks committee staff, who decide (or change them directly, with a reason);
listed supervision ends by delisting on acceptance and is never listed twice; the
hazard's history is kept as codes and read in the reader's language."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from inspections.models import Hazard, HazardChangeRequest
from inspections.selectors import hazards as hazard_selectors
from inspections.services import hazard_changes as change_services
from inspections.services import hazards as hazard_services
from safetyzone.core.states import TransitionNotAllowed
from safetyzone.notifications.models import Notification
from safetyzone.org.models import User
from safetyzone.org.roles import Role
from tests.helpers import authenticate

from ..factories import UserFactory
from .conftest import FIVE, close_hazard, make_hazard

API = "/api/v1/"
NEW_DEADLINE = dt.date(2024, 7, 31)
LATER = dt.date(2024, 8, 31)


def frozen(hazard: Hazard) -> tuple:
    hazard.refresh_from_db()
    return hazard.level, hazard.deadline, hazard.history.count()


def notified(reason: str) -> set[str]:
    return set(
        Notification.objects.filter(reason=reason).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def alice2(roles, unit_a):
    """A second head of unit A."""
    return UserFactory(username="alice2", unit=unit_a, roles=[Role.DEPARTMENT_HEAD])


@pytest.fixture
def staff2(staff):
    return UserFactory(username="staff2", unit=staff.unit, roles=[Role.COMMITTEE_STAFF])


@pytest.fixture
def major_a(staff, enterprise_a):
    return make_hazard(staff, enterprise_a, level="major", **FIVE)


def history_reasons(hazard: Hazard, language: str) -> list[str]:
    with translation.override(language):
        return [entry["reason"] for entry in hazard_selectors.hazard_history(hazard=hazard)]


# --- The head cannot change level or deadline -------------------------------------------


@pytest.mark.parametrize(
    "change", [{"level": "major"}, {"deadline": NEW_DEADLINE}, {"level": "major", "reason": "x"}]
)
def test_head_cannot_change_level_or_deadline_through_the_service(alice, hazard_a, change):
    before = frozen(hazard_a)
    with pytest.raises(ValidationError) as refused:
        hazard_services.hazard_update(actor=alice, hazard=hazard_a, **change)
    field = "level" if "level" in change else "deadline"
    assert "change request" in refused.value.message_dict[field][0]
    assert frozen(hazard_a) == before


def test_head_still_edits_the_plan_and_may_resend_the_same_level(alice, hazard_a):
    hazard_services.hazard_update(
        actor=alice,
        hazard=hazard_a,
        level=hazard_a.level,
        deadline=hazard_a.deadline,
        place="二层",
    )
    hazard_a.refresh_from_db()
    assert hazard_a.place == "二层"


def test_head_cannot_change_level_or_deadline_through_the_page(client, alice, hazard_a):
    client.force_login(alice)
    url = reverse("inspections:hazard-edit", args=[hazard_a.pk])
    page = client.get(url)
    assert page.context["form"].fields["level"].disabled
    assert "reason" not in page.context["form"].fields
    before = frozen(hazard_a)
    response = client.post(
        url,
        {"description": hazard_a.description, "level": "major", "deadline": "2024-07-31"},
    )
    assert response.status_code == 400
    assert "send them a change request" in response.content.decode()
    assert set(response.context["form"].errors) == {"level", "deadline"}
    assert frozen(hazard_a) == before


def test_head_cannot_change_level_or_deadline_through_the_api(api_client, alice, hazard_a):
    authenticate(api_client, alice)
    before = frozen(hazard_a)
    url = f"{API}hazards/{hazard_a.pk}/"
    for body in ({"level": "major"}, {"deadline": "2024-07-31"}, {"level": "major", "reason": "x"}):
        response = api_client.patch(url, body, format="json")
        assert response.status_code == 400, response.content
        error = response.json()["errors"][0]
        assert error["attr"] in ("level", "deadline")
        assert "change request" in error["detail"]
    assert frozen(hazard_a) == before
    # The plan stays the head's: a PATCH of the place alone passes.
    assert api_client.patch(url, {"place": "二层"}, format="json").status_code == 200


def test_an_inspector_cannot_change_them_either(inspector_a, hazard_a):
    with pytest.raises(ValidationError):
        hazard_services.hazard_update(actor=inspector_a, hazard=hazard_a, deadline=NEW_DEADLINE)


# --- Staff change them directly, with a reason ------------------------------------------


def test_staff_direct_change_needs_a_reason(staff, hazard_a):
    before = frozen(hazard_a)
    with pytest.raises(ValidationError) as refused:
        hazard_services.hazard_update(actor=staff, hazard=hazard_a, deadline=NEW_DEADLINE)
    assert "reason" in refused.value.message_dict
    assert frozen(hazard_a) == before
    hazard_services.hazard_update(
        actor=staff, hazard=hazard_a, deadline=NEW_DEADLINE, reason="汛期施工受阻"
    )
    hazard_a.refresh_from_db()
    assert hazard_a.deadline == NEW_DEADLINE
    assert history_reasons(hazard_a, "en")[-1] == (
        "Level or deadline changed by committee staff: 汛期施工受阻"
    )


def test_staff_direct_change_through_page_and_api_needs_a_reason(
    client, api_client, staff, hazard_a
):
    client.force_login(staff)
    url = reverse("inspections:hazard-edit", args=[hazard_a.pk])
    data = {"description": hazard_a.description, "level": "major", "deadline": "2024-06-20"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    response = client.post(url, {**data, "reason": "复查认定为重大隐患", **FIVE})
    assert response.status_code == 302
    hazard_a.refresh_from_db()
    assert hazard_a.level == "major"

    authenticate(api_client, staff)
    api_url = f"{API}hazards/{hazard_a.pk}/"
    response = api_client.patch(api_url, {"deadline": "2024-07-31"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "reason"
    response = api_client.patch(
        api_url, {"deadline": "2024-07-31", "reason": "设备到货延迟"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["deadline"] == "2024-07-31"


# --- The head's request, staff's decision -----------------------------------------------


def test_head_requests_and_staff_grant(alice, alice2, staff, staff2, bob, hazard_a):
    request = change_services.hazard_change_request(
        actor=alice, hazard=hazard_a, level="major", deadline=NEW_DEADLINE, reason="涉及消防主管道"
    )
    assert request.status == "pending"
    assert (request.previous_level, request.previous_deadline) == ("general", dt.date(2024, 6, 20))
    assert frozen(hazard_a)[:2] == ("general", dt.date(2024, 6, 20))
    # The request goes to committee staff only.
    assert notified(Notification.Reason.CHANGE_REQUESTED) == {"staff", "staff2"}

    hazard_services.hazard_update(actor=alice, hazard=hazard_a, **FIVE)  # a major hazard's plan
    change_services.hazard_change_decide(actor=staff, request=request, grant=True, note="同意")
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == ("granted", staff, "同意")
    assert request.decided_at is not None
    assert frozen(hazard_a)[:2] == ("major", NEW_DEADLINE)
    # The decision goes to the unit's heads (the requester among them), not the decider.
    assert notified(Notification.Reason.CHANGE_DECIDED) == {"alice", "alice2"}
    message = Notification.objects.get(reason="change_decided", recipient=alice).message
    assert "granted" in message and hazard_a.code in message


def test_the_requester_is_told_of_the_decision_even_if_not_a_head(
    inspector_a, alice, staff, hazard_a
):
    inspector_a.user_permissions.add(Permission.objects.get(codename="add_hazardchangerequest"))
    inspector = User.objects.get(pk=inspector_a.pk)  # permissions read afresh
    request = change_services.hazard_change_request(
        actor=inspector, hazard=hazard_a, deadline=NEW_DEADLINE, reason="设备到货延迟"
    )
    change_services.hazard_change_decide(actor=staff, request=request, grant=False, note="期限合理")
    assert notified(Notification.Reason.CHANGE_DECIDED) == {"alice", "insa"}


def test_staff_refuse_with_a_reason_and_nothing_changes(alice, staff, hazard_a):
    request = change_services.hazard_change_request(
        actor=alice, hazard=hazard_a, deadline=NEW_DEADLINE, reason="施工队伍不足"
    )
    before = frozen(hazard_a)[:2]
    with pytest.raises(ValidationError) as refused:
        change_services.hazard_change_decide(actor=staff, request=request, grant=False, note="")
    assert "note" in refused.value.message_dict
    change_services.hazard_change_decide(actor=staff, request=request, grant=False, note="期限足够")
    assert frozen(hazard_a)[:2] == before
    request.refresh_from_db()
    assert request.status == "refused"
    with pytest.raises(TransitionNotAllowed):
        change_services.hazard_change_decide(actor=staff, request=request, grant=True)


def test_history_keeps_request_and_decision_with_reasons_in_both_languages(alice, staff, hazard_a):
    request = change_services.hazard_change_request(
        actor=alice, hazard=hazard_a, deadline=NEW_DEADLINE, reason="施工队伍不足"
    )
    change_services.hazard_change_decide(actor=staff, request=request, grant=True, note="同意延期")
    raw = list(
        hazard_a.history.order_by("history_date", "pk").values_list(
            "history_change_reason", flat=True
        )
    )
    # Stored as codes with the step's own words, never as a translated sentence.
    assert raw == ["recorded", "change_requested:施工队伍不足", "change_granted:同意延期"]
    english = history_reasons(hazard_a, "en")
    assert english == [
        "Hazard recorded",
        "Change of level or deadline requested: 施工队伍不足",
        "Change of level or deadline granted: 同意延期",
    ]
    chinese = history_reasons(hazard_a, "zh-hans")
    assert chinese[0] == "登记隐患"
    with translation.override("zh-hans"):
        expected = str(Hazard.Event.CHANGE_REQUESTED.label)
    assert chinese[1].startswith(expected) and chinese[1].endswith("施工队伍不足")
    # The deadline's change shows in the granted entry.
    with translation.override("en"):
        granted = hazard_selectors.hazard_history(hazard=hazard_a)[-1]
    assert {"field": "rectification deadline", "old": "2024-06-20", "new": "2024-07-31"} in (
        granted["changes"]
    )


def test_the_history_of_every_step_is_read_in_the_readers_language(alice, staff, hazard_a):
    close_hazard(staff, alice, hazard_a)
    assert history_reasons(hazard_a, "zh-hans") == [
        "登记隐患",
        "开始整改",
        "报送整改报告",
        "验收销号",
    ]
    assert history_reasons(hazard_a, "en") == [
        "Hazard recorded",
        "Rectification started",
        "Rectification report filed",
        "Accepted and closed",
    ]


def test_request_rules(alice, staff, hazard_a):
    cases = [
        ({"reason": "x"}, "__all__"),
        ({"deadline": NEW_DEADLINE, "reason": " "}, "reason"),
        ({"level": "general", "reason": "x"}, "level"),
        ({"deadline": hazard_a.deadline, "reason": "x"}, "deadline"),
        ({"deadline": dt.date(2024, 6, 1), "reason": "x"}, "deadline"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as refused:
            change_services.hazard_change_request(actor=alice, hazard=hazard_a, **kwargs)
        assert field in refused.value.message_dict, kwargs
    change_services.hazard_change_request(
        actor=alice, hazard=hazard_a, deadline=NEW_DEADLINE, reason="x"
    )
    with pytest.raises(ValidationError, match="already waiting"):
        change_services.hazard_change_request(
            actor=alice, hazard=hazard_a, deadline=LATER, reason="y"
        )
    assert HazardChangeRequest.objects.count() == 1


def test_a_head_cannot_decide(alice, hazard_a):
    request = change_services.hazard_change_request(
        actor=alice, hazard=hazard_a, deadline=NEW_DEADLINE, reason="x"
    )
    with pytest.raises(PermissionDenied):
        change_services.hazard_change_decide(actor=alice, request=request, grant=True)
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_closed_hazard_takes_no_request(alice, staff, hazard_a):
    close_hazard(staff, alice, hazard_a)
    with pytest.raises(TransitionNotAllowed):
        change_services.hazard_change_request(
            actor=alice, hazard=hazard_a, deadline=NEW_DEADLINE, reason="x"
        )


# --- Pages ------------------------------------------------------------------------------


def test_request_and_decision_on_the_hazard_page(client, alice, staff, hazard_a):
    detail = reverse("inspections:hazard-detail", args=[hazard_a.pk])
    client.force_login(alice)
    page = client.get(detail)
    assert page.context["change_form"] is not None and page.context["decide_form"] is None
    response = client.post(
        reverse("inspections:hazard-change-request", args=[hazard_a.pk]),
        {"level": "", "deadline": "2024-07-31", "reason": "施工队伍不足"},
    )
    assert response.status_code == 302
    request = HazardChangeRequest.objects.get()
    page = client.get(detail)
    assert page.context["change_form"] is None  # one request at a time
    assert "施工队伍不足" in page.content.decode()
    # The head cannot decide, even by posting.
    decide = reverse("inspections:hazard-change-decide", args=[request.pk])
    assert client.post(decide, {"decision": "grant"}).status_code == 403

    client.force_login(staff)
    page = client.get(detail)
    assert page.context["decide_form"] is not None and page.context["change_form"] is None
    client.post(decide, {"decision": "refuse", "note": ""})
    request.refresh_from_db()
    assert request.status == "pending"
    client.post(decide, {"decision": "grant", "note": "同意"})
    request.refresh_from_db()
    assert request.status == "granted"
    hazard_a.refresh_from_db()
    assert hazard_a.deadline == NEW_DEADLINE


def test_another_units_head_gets_404_on_unit_as_requests(client, api_client, alice, bob, hazard_a):
    request = change_services.hazard_change_request(
        actor=alice, hazard=hazard_a, deadline=NEW_DEADLINE, reason="x"
    )
    client.force_login(bob)
    url = reverse("inspections:hazard-change-request", args=[hazard_a.pk])
    assert client.post(url, {"deadline": "2024-08-31", "reason": "y"}).status_code == 404
    authenticate(api_client, bob)
    assert api_client.get(f"{API}hazard-change-requests/{request.pk}/").status_code == 404
    assert api_client.get(f"{API}hazard-change-requests/").json()["count"] == 0
    response = api_client.post(
        f"{API}hazard-change-requests/",
        {"hazard": hazard_a.pk, "deadline": "2024-08-31", "reason": "y"},
        format="json",
    )
    assert response.status_code == 400
    assert HazardChangeRequest.objects.count() == 1


def test_anonymous_is_sent_to_log_in(client, api_client, hazard_a):
    url = reverse("inspections:hazard-change-request", args=[hazard_a.pk])
    assert client.post(url, {}).status_code == 302
    assert api_client.get(f"{API}hazard-change-requests/").status_code == 401


# --- API --------------------------------------------------------------------------------


def test_request_and_decision_through_the_api(api_client, alice, staff, hazard_a):
    authenticate(api_client, alice)
    response = api_client.post(
        f"{API}hazard-change-requests/",
        {"hazard": hazard_a.pk, "deadline": "2024-07-31", "reason": "施工队伍不足"},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "pending"
    decide = f"{API}hazard-change-requests/{pk}/decide/"
    assert api_client.post(decide, {"grant": True}, format="json").status_code == 403

    authenticate(api_client, staff)
    response = api_client.post(decide, {"grant": False}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "note"
    response = api_client.post(decide, {"grant": True, "note": "同意"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "granted"
    assert api_client.post(decide, {"grant": True}, format="json").status_code == 409
    hazard_a.refresh_from_db()
    assert hazard_a.deadline == NEW_DEADLINE


# --- Listed supervision -----------------------------------------------------------------


def test_listing_notifies_the_units_heads_only(alice, alice2, bob, staff, major_a):
    hazard_services.hazard_supervise(actor=staff, hazard=major_a, office="市安委办", deadline=LATER)
    assert notified(Notification.Reason.LISTED) == {"alice", "alice2"}
    note = Notification.objects.filter(reason="listed").first()
    assert note.kind == Notification.Kind.HAZARD and "市安委办" in note.message


def test_a_second_listing_is_refused_and_the_first_kept(staff, major_a):
    hazard_services.hazard_supervise(actor=staff, hazard=major_a, office="市安委办", deadline=LATER)
    major_a.refresh_from_db()
    listed_at = major_a.supervised_at
    with pytest.raises(TransitionNotAllowed, match="already under listed supervision"):
        hazard_services.hazard_supervise(
            actor=staff, hazard=major_a, office="区安委办", deadline=NEW_DEADLINE
        )
    major_a.refresh_from_db()
    assert (major_a.supervising_office, major_a.supervision_deadline) == ("市安委办", LATER)
    assert major_a.supervised_at == listed_at


def test_a_second_listing_through_the_api_is_a_409(api_client, staff, major_a):
    hazard_services.hazard_supervise(actor=staff, hazard=major_a, office="市安委办", deadline=LATER)
    authenticate(api_client, staff)
    response = api_client.post(
        f"{API}hazards/{major_a.pk}/supervise/",
        {"office": "区安委办", "deadline": "2024-07-31"},
        format="json",
    )
    assert response.status_code == 409
    major_a.refresh_from_db()
    assert major_a.supervising_office == "市安委办"


def test_acceptance_delists_with_date_and_office(client, alice, staff, major_a):
    hazard_services.hazard_supervise(actor=staff, hazard=major_a, office="市安委办", deadline=LATER)
    major_a.refresh_from_db()
    assert major_a.is_listed
    close_hazard(staff, alice, major_a)
    assert not major_a.is_listed
    assert major_a.is_supervised  # the listing stays on record
    assert major_a.delisted_at == major_a.closed_at
    assert major_a.delisting_office == "市安委办"
    assert major_a.delisted_by == staff
    assert history_reasons(major_a, "en")[-1] == "Delisted (supervision ended): 市安委办"
    client.force_login(alice)
    page = client.get(reverse("inspections:hazard-detail", args=[major_a.pk])).content.decode()
    assert 'data-testid="delisted"' in page and "市安委办" in page


def test_a_hazard_never_listed_is_not_delisted(alice, staff, hazard_a):
    close_hazard(staff, alice, hazard_a)
    assert hazard_a.delisted_at is None and hazard_a.delisting_office == ""


def test_a_listed_hazard_cannot_be_lowered_by_staff_either(staff, major_a):
    hazard_services.hazard_supervise(actor=staff, hazard=major_a, office="市安委办", deadline=LATER)
    with pytest.raises(ValidationError) as refused:
        hazard_services.hazard_update(actor=staff, hazard=major_a, level="general", reason="复核")
    assert "level" in refused.value.message_dict


# --- History written before the codes ---------------------------------------------------


def test_sentences_written_before_the_codes_become_codes(staff, hazard_a):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("inspections.migrations.0008_hazard_history_codes")
    rows = list(hazard_a.history.order_by("pk"))
    rows[0].history_change_reason = "登记隐患"
    rows[0].save()
    for text in ("退回：照片不清", "Rectification started", "某个未知的说明"):
        record = rows[0]
        record.pk = None
        record.history_change_reason = text
        record.save()
    migration.to_codes(apps, None)
    assert list(
        hazard_a.history.order_by("pk").values_list("history_change_reason", flat=True)
    ) == ["recorded", "returned:照片不清", "rectification_started", "某个未知的说明"]
    assert history_reasons(hazard_a, "en")[:2] == ["Hazard recorded", "Returned: 照片不清"]
    migration.to_sentences(apps, None)
    assert hazard_a.history.order_by("pk").first().history_change_reason == "Hazard recorded"
