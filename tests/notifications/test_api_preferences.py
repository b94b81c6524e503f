"""The API of a person's channels per kind of reminder and of their unit's group robot:
own only, refusals, bad input refused with nothing saved, the robot's secret never
returned."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from safetyzone.notifications.models import ChannelPreference, Notification, UnitWebhook
from safetyzone.notifications.services import channel_preferences_set, unit_webhook_set
from safetyzone.org.roles import Role
from tests.factories import UserFactory

PREFERENCES = reverse("api:notification-preferences")
ROBOT = reverse("api:unit-robot")
SECRET = "SEC-do-not-show-4f1c"


def in_english(api_client):
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return api_client


def by_kind(response) -> dict[str, dict]:
    return {row["kind"]: row for row in response.json()}


def errors(response) -> set[tuple[str, str]]:
    body = response.json()
    assert body["type"] == "validation_error", body
    return {(e["attr"], e["code"]) for e in body["errors"]}


# --- Channel preferences ---------------------------------------------------------------


def test_anonymous_gets_401_on_preferences(api_client, db):
    assert api_client.get(PREFERENCES).status_code == 401
    assert api_client.put(PREFERENCES, [], format="json").status_code == 401


def test_every_kind_is_listed_with_every_channel_by_default(api_client, alice):
    in_english(api_client).force_authenticate(alice)
    response = api_client.get(PREFERENCES)
    assert response.status_code == 200
    rows = by_kind(response)
    assert list(rows) == Notification.Kind.values
    assert rows["hazard"] == {
        "kind": "hazard",
        "label": "Hazard",
        "in_app": True,
        "email": True,
        "webhook": True,
    }


def test_labels_are_in_chinese_by_default(api_client, alice):
    api_client.force_authenticate(alice)
    assert by_kind(api_client.get(PREFERENCES))["hazard"]["label"] == "隐患"


def test_head_changes_own_preferences_only(api_client, alice, bob):
    api_client.force_authenticate(alice)
    response = api_client.put(
        PREFERENCES,
        [
            {"kind": "hazard", "email": False, "webhook": True},
            {"kind": "shift", "email": True, "webhook": False},
        ],
        format="json",
    )
    assert response.status_code == 200
    rows = by_kind(response)
    assert (rows["hazard"]["email"], rows["hazard"]["webhook"]) == (False, True)
    assert (rows["shift"]["email"], rows["shift"]["webhook"]) == (True, False)
    assert rows["hazard"]["in_app"] is True
    # Kinds not sent keep every channel.
    assert (rows["digest"]["email"], rows["digest"]["webhook"]) == (True, True)
    assert set(ChannelPreference.objects.values_list("user__username", "kind")) == {
        ("alice", "hazard"),
        ("alice", "shift"),
    }
    # Bob sees his own channels, untouched, never alice's.
    api_client.force_authenticate(bob)
    assert all(r["email"] and r["webhook"] for r in api_client.get(PREFERENCES).json())


def test_patch_changes_one_channel_and_keeps_the_other(api_client, alice):
    ChannelPreference.objects.create(user=alice, kind="hazard", email=False, webhook=False)
    api_client.force_authenticate(alice)
    response = api_client.patch(
        PREFERENCES,
        [{"kind": "hazard", "webhook": True}, {"kind": "shift", "email": False}],
        format="json",
    )
    assert response.status_code == 200
    rows = by_kind(response)
    assert (rows["hazard"]["email"], rows["hazard"]["webhook"]) == (False, True)
    assert (rows["shift"]["email"], rows["shift"]["webhook"]) == (False, True)


def test_in_app_cannot_be_switched_off(api_client, alice):
    api_client.force_authenticate(alice)
    response = api_client.put(
        PREFERENCES,
        [{"kind": "hazard", "email": False, "webhook": False, "in_app": False}],
        format="json",
    )
    assert response.status_code == 200
    assert by_kind(response)["hazard"]["in_app"] is True


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            [
                {"kind": "hazard", "email": False, "webhook": False},
                {"kind": "holiday", "email": False, "webhook": False},
            ],
            {("1.kind", "invalid_choice")},
        ),
        (
            [
                {"kind": "hazard", "email": False, "webhook": False},
                {"kind": "shift", "email": "yes", "webhook": 0},
            ],
            {("1.email", "invalid"), ("1.webhook", "invalid")},
        ),
        ([{"kind": "hazard", "email": None, "webhook": False}], {("0.email", "null")}),
        ([{"kind": "hazard", "email": False}], {("0.webhook", "required")}),
        ([{"email": False, "webhook": False}], {("0.kind", "required")}),
        (
            [
                {"kind": "hazard", "email": False, "webhook": False},
                {"kind": "hazard", "email": True, "webhook": True},
            ],
            {("non_field_errors", "duplicate")},
        ),
        (
            {"kind": "hazard", "email": False, "webhook": False},
            {("non_field_errors", "not_a_list")},
        ),
        ([], {("non_field_errors", "empty")}),
    ],
)
def test_bad_preferences_are_refused_and_nothing_saved(api_client, alice, body, expected):
    api_client.force_authenticate(alice)
    response = api_client.put(PREFERENCES, body, format="json")
    assert response.status_code == 400
    assert errors(response) == expected
    assert not ChannelPreference.objects.exists()


def test_patch_needs_the_kind(api_client, alice):
    api_client.force_authenticate(alice)
    response = api_client.patch(PREFERENCES, [{"email": False}], format="json")
    assert response.status_code == 400
    assert errors(response) == {("0.kind", "required")}
    assert not ChannelPreference.objects.exists()


def test_refusal_reads_in_the_users_language(api_client, alice):
    in_english(api_client).force_authenticate(alice)
    body = [{"kind": "hazard", "email": "maybe", "webhook": False}]
    response = api_client.put(PREFERENCES, body, format="json")
    assert response.json()["errors"][0]["detail"] == "Must be a valid boolean."


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        ({"hazard": (False, False), "holiday": (False, False)}, "kind"),
        ({"hazard": (False, False), "shift": ("no", True)}, "email"),
    ],
)
def test_service_refuses_bad_choices_and_saves_nothing(alice, choices, field):
    with pytest.raises(ValidationError) as refused:
        channel_preferences_set(user=alice, choices=choices)
    assert list(refused.value.message_dict) == [field]
    assert not ChannelPreference.objects.exists()


@pytest.mark.parametrize("saved", [0, 7])
def test_preferences_query_count_does_not_grow(api_client, alice, saved, django_assert_num_queries):
    for kind in Notification.Kind.values[:saved]:
        ChannelPreference.objects.create(user=alice, kind=kind, email=False)
    api_client.force_authenticate(alice)
    with django_assert_num_queries(1):
        assert api_client.get(PREFERENCES).status_code == 200


# --- The unit's group robot ------------------------------------------------------------


def test_anonymous_gets_401_on_robot(api_client, db):
    assert api_client.get(ROBOT).status_code == 401
    assert (
        api_client.put(
            ROBOT, {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, format="json"
        ).status_code
        == 401
    )


def test_no_robot_yet(api_client, alice):
    api_client.force_authenticate(alice)
    response = api_client.get(ROBOT)
    assert response.status_code == 200
    assert response.json() == {
        "unit": alice.unit_id,
        "unit_name": str(alice.unit),
        "url": "",
        "has_secret": False,
        "is_active": False,
    }


def test_head_sets_own_units_robot_and_the_secret_never_comes_back(api_client, alice, bob):
    api_client.force_authenticate(alice)
    url = "https://oapi.dingtalk.com/robot/send?access_token=abc"
    response = api_client.put(ROBOT, {"url": url, "secret": SECRET}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "unit": alice.unit_id,
        "unit_name": str(alice.unit),
        "url": url,
        "has_secret": True,
        "is_active": True,
    }
    assert SECRET not in response.content.decode()
    assert SECRET not in api_client.get(ROBOT).content.decode()
    webhook = UnitWebhook.objects.get()
    assert (webhook.unit, webhook.url, webhook.secret) == (alice.unit, url, SECRET)
    # Bob's unit is his own: no robot there, and alice's is not shown to him.
    api_client.force_authenticate(bob)
    answer = api_client.get(ROBOT).json()
    assert (answer["unit"], answer["url"]) == (bob.unit_id, "")


def test_head_cannot_reach_another_units_robot(api_client, alice, bob):
    unit_webhook_set(
        actor=bob,
        unit=bob.unit,
        url="https://oapi.dingtalk.com/robot/send?access_token=bob",
        secret=SECRET,
    )
    api_client.force_authenticate(alice)
    api_client.put(
        ROBOT, {"url": "https://oapi.dingtalk.com/robot/send?access_token=alice"}, format="json"
    )
    bobs = UnitWebhook.objects.get(unit=bob.unit)
    assert (bobs.url, bobs.secret) == (
        "https://oapi.dingtalk.com/robot/send?access_token=bob",
        SECRET,
    )
    assert (
        UnitWebhook.objects.get(unit=alice.unit).url
        == "https://oapi.dingtalk.com/robot/send?access_token=alice"
    )


def test_put_without_secret_keeps_it_and_an_empty_one_removes_it(api_client, alice):
    unit_webhook_set(
        actor=alice,
        unit=alice.unit,
        url="https://oapi.dingtalk.com/robot/send?access_token=a",
        secret=SECRET,
    )
    api_client.force_authenticate(alice)
    response = api_client.put(
        ROBOT,
        {"url": "https://oapi.dingtalk.com/robot/send?access_token=b", "is_active": False},
        format="json",
    )
    assert response.json()["has_secret"] is True
    assert response.json()["is_active"] is False
    assert UnitWebhook.objects.get().secret == SECRET
    response = api_client.patch(ROBOT, {"secret": ""}, format="json")
    assert response.status_code == 200
    assert response.json()["has_secret"] is False
    assert response.json()["url"] == "https://oapi.dingtalk.com/robot/send?access_token=b"
    assert UnitWebhook.objects.get().secret == ""


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.com/robot", "file:///etc/passwd", "robot"]
)
def test_robot_url_not_http_is_refused_and_nothing_saved(api_client, alice, url):
    unit_webhook_set(
        actor=alice,
        unit=alice.unit,
        url="https://oapi.dingtalk.com/robot/send?access_token=old",
        secret=SECRET,
    )
    api_client.force_authenticate(alice)
    response = api_client.put(ROBOT, {"url": url, "secret": "new"}, format="json")
    assert response.status_code == 400
    assert errors(response) == {("url", "invalid")}
    webhook = UnitWebhook.objects.get()
    assert (webhook.url, webhook.secret) == (
        "https://oapi.dingtalk.com/robot/send?access_token=old",
        SECRET,
    )


def test_robot_refusal_reads_in_the_users_language(api_client, alice):
    api_client.force_authenticate(alice)
    response = api_client.put(ROBOT, {"url": "javascript:alert(1)"}, format="json")
    assert response.json()["errors"][0]["detail"] == "请输入以 http:// 或 https:// 开头的网址。"
    assert not UnitWebhook.objects.exists()


def test_first_robot_needs_a_url(api_client, alice):
    api_client.force_authenticate(alice)
    response = api_client.patch(ROBOT, {"secret": SECRET}, format="json")
    assert response.status_code == 400
    assert ("url", "blank") in errors(response)
    response = api_client.put(ROBOT, {"secret": SECRET}, format="json")
    assert errors(response) == {("url", "required")}
    assert not UnitWebhook.objects.exists()


def test_robot_active_must_be_a_boolean(api_client, alice):
    api_client.force_authenticate(alice)
    response = api_client.put(
        ROBOT,
        {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "is_active": "yes"},
        format="json",
    )
    assert errors(response) == {("is_active", "invalid")}
    assert not UnitWebhook.objects.exists()


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.DUTY_OFFICER, Role.DUTY_LEADER])
def test_other_roles_get_403_on_robot(api_client, unit_a, roles, role):
    api_client.force_authenticate(UserFactory(unit=unit_a, roles=[role]))
    assert api_client.get(ROBOT).status_code == 403
    response = api_client.put(
        ROBOT, {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, format="json"
    )
    assert response.status_code == 403
    assert not UnitWebhook.objects.exists()


def test_head_without_a_unit_gets_403_on_robot(api_client, roles):
    api_client.force_authenticate(UserFactory(unit=None, roles=[Role.DEPARTMENT_HEAD]))
    assert api_client.get(ROBOT).status_code == 403


def test_staff_and_admin_set_their_own_units_robot(api_client, staff, admin_user):
    for user in (staff, admin_user):
        api_client.force_authenticate(user)
        response = api_client.put(
            ROBOT, {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["unit"] == user.unit_id
    assert set(UnitWebhook.objects.values_list("unit", flat=True)) == {
        staff.unit_id,
        admin_user.unit_id,
    }
