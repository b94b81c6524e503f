"""Activities API: scoped like the pages (alice sees unit A's, bob gets 404 on them,
staff see all, anonymous 401), the exercise flag, field errors with nothing saved,
multipart photo uploads checked by content, photo files served only in scope, and
query counts."""

import pytest

from campaigns.models import Activity, ActivityPhoto
from tests.helpers import assert_field_error, authenticate, count_queries, png_upload, text_as_jpeg

from ..factories import ActivityFactory, ActivityPhotoFactory, CampaignFactory, UnitFactory

ACTIVITIES = "/api/v1/activities/"


@pytest.fixture
def api_client(api_client):
    api_client.default_format = "json"
    return api_client


def payload(**overrides) -> dict:
    data = {
        "title": "安全生产月咨询日",
        "kind": "consultation_day",
        "date": "2024-06-16",
        "place": "高新区万达广场",
        "participants": 300,
    }
    data.update(overrides)
    return data


# --- Scoping and the permission matrix ---------------------------------------------------------


def test_each_head_lists_only_their_units_activities(api_client, alice, bob, activity_a, drill_b):
    authenticate(api_client, alice)
    assert [a["id"] for a in api_client.get(ACTIVITIES).json()["results"]] == [activity_a.pk]
    authenticate(api_client, bob)
    assert [a["id"] for a in api_client.get(ACTIVITIES).json()["results"]] == [drill_b.pk]


def test_staff_lists_every_units_activities(api_client, staff, activity_a, drill_b):
    authenticate(api_client, staff)
    assert api_client.get(ACTIVITIES).json()["count"] == 2


def test_other_units_activity_is_404_for_read_write_and_photos(
    api_client, alice, bob, activity_a, photo_a
):
    detail = f"{ACTIVITIES}{activity_a.pk}/"
    authenticate(api_client, alice)
    assert api_client.get(detail).status_code == 200  # it exists for its own unit...
    authenticate(api_client, bob)
    assert api_client.get(detail).status_code == 404  # ...and not for another unit
    assert api_client.patch(detail, {"title": "篡改"}).status_code == 404
    upload = api_client.post(f"{detail}photos/", {"photos": [png_upload()]}, format="multipart")
    assert upload.status_code == 404
    assert api_client.get(f"{detail}photos/{photo_a.pk}/").status_code == 404
    activity_a.refresh_from_db()
    assert activity_a.title == "应急局安全培训"
    assert activity_a.photos.count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "{a}/"),
        ("patch", "{a}/"),
        ("post", "{a}/photos/"),
        ("get", "{a}/photos/{p}/"),
    ],
)
def test_anonymous_gets_401(api_client, activity_a, photo_a, method, path):
    url = ACTIVITIES + path.format(a=activity_a.pk, p=photo_a.pk)
    assert getattr(api_client, method)(url).status_code == 401


# --- Reporting ---------------------------------------------------------------------------------


def test_head_reports_for_their_unit_by_default(api_client, alice, unit_a):
    campaign = CampaignFactory()
    authenticate(api_client, alice)
    response = api_client.post(ACTIVITIES, payload(campaign=campaign.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit"] == unit_a.pk
    assert body["unit_name"] == unit_a.name
    assert body["is_exercise"] is False
    assert body["photos"] == []
    assert Activity.objects.get().campaign == campaign


def test_head_reporting_for_another_unit_is_a_400_on_unit(api_client, alice, unit_b):
    authenticate(api_client, alice)
    assert_field_error(api_client.post(ACTIVITIES, payload(unit=unit_b.pk)), "unit")
    assert not Activity.objects.exists()


def test_staff_reports_for_any_unit(api_client, staff, unit_b):
    authenticate(api_client, staff)
    response = api_client.post(ACTIVITIES, payload(unit=unit_b.pk))
    assert response.status_code == 201
    assert Activity.objects.get().unit == unit_b


@pytest.mark.parametrize(
    ("overrides", "attr"),
    [
        ({"kind": "drill"}, "drill_plan"),
        ({"kind": "five_into"}, "five_into_target"),
        ({"kind": "five_into", "five_into_target": "moon"}, "five_into_target"),
        ({"participants": -1}, "participants"),
    ],
)
def test_bad_input_is_a_400_on_its_field(api_client, alice, overrides, attr):
    authenticate(api_client, alice)
    assert_field_error(api_client.post(ACTIVITIES, payload(**overrides)), attr)
    assert not Activity.objects.exists()


def test_a_drill_is_flagged_as_an_exercise(api_client, alice):
    authenticate(api_client, alice)
    response = api_client.post(
        ACTIVITIES, payload(kind="drill", drill_plan="危险化学品泄漏应急预案")
    )
    assert response.status_code == 201
    assert response.json()["is_exercise"] is True
    listed = api_client.get(ACTIVITIES, {"is_exercise": "true"}).json()["results"]
    assert [a["is_exercise"] for a in listed] == [True]
    assert api_client.get(ACTIVITIES, {"is_exercise": "false"}).json()["count"] == 0


def test_is_exercise_cannot_be_written(api_client, alice, activity_a):
    authenticate(api_client, alice)
    response = api_client.patch(f"{ACTIVITIES}{activity_a.pk}/", {"is_exercise": True})
    assert response.status_code == 200
    assert response.json()["is_exercise"] is False


def test_head_patches_their_units_activity(api_client, alice, activity_a):
    authenticate(api_client, alice)
    response = api_client.patch(
        f"{ACTIVITIES}{activity_a.pk}/", {"kind": "five_into", "five_into_target": "families"}
    )
    assert response.status_code == 200, response.content
    activity_a.refresh_from_db()
    assert activity_a.five_into_target == "families"


def test_activity_filters(api_client, staff, unit_a, unit_b):
    campaign = CampaignFactory()
    ActivityFactory(title="甲", unit=unit_a, campaign=campaign, date="2024-06-01")
    ActivityFactory(
        title="乙", unit=unit_b, kind="five_into", five_into_target="rural", date="2024-06-09"
    )
    authenticate(api_client, staff)

    def titles(**params):
        return {a["title"] for a in api_client.get(ACTIVITIES, params).json()["results"]}

    assert titles(campaign=campaign.pk) == {"甲"}
    assert titles(kind="five_into") == {"乙"}
    assert titles(unit=unit_a.pk) == {"甲"}
    assert titles(five_into_target="rural") == {"乙"}
    assert titles(date_from="2024-06-05") == {"乙"}
    assert titles(date_to="2024-06-05") == {"甲"}
    assert titles(search="乙") == {"乙"}


# --- Photos --------------------------------------------------------------------------------------


def test_head_uploads_several_photos_as_multipart(api_client, alice, activity_a):
    authenticate(api_client, alice)
    response = api_client.post(
        f"{ACTIVITIES}{activity_a.pk}/photos/",
        {"photos": [png_upload("一.png"), png_upload("二.png")], "caption": "咨询日现场"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert [p["caption"] for p in response.json()] == ["咨询日现场", "咨询日现场"]
    detail = api_client.get(f"{ACTIVITIES}{activity_a.pk}/").json()
    assert len(detail["photos"]) == 2
    image = api_client.get(detail["photos"][0]["url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_a_text_file_named_jpg_is_a_400_on_photos_and_nothing_is_kept(
    api_client, alice, activity_a
):
    authenticate(api_client, alice)
    response = api_client.post(
        f"{ACTIVITIES}{activity_a.pk}/photos/",
        {"photos": [png_upload(), text_as_jpeg()]},
        format="multipart",
    )
    error = assert_field_error(response, "photos", "file_type")
    assert "photo.jpg" in error["detail"]
    assert not ActivityPhoto.objects.exists()


def test_a_photo_over_the_limit_is_a_400(api_client, alice, activity_a, settings):
    settings.MAX_UPLOAD_BYTES = 20
    authenticate(api_client, alice)
    response = api_client.post(
        f"{ACTIVITIES}{activity_a.pk}/photos/", {"photos": [png_upload()]}, format="multipart"
    )
    assert_field_error(response, "photos", "file_too_large")
    assert not ActivityPhoto.objects.exists()


def test_an_upload_without_photos_is_a_400(api_client, alice, activity_a):
    authenticate(api_client, alice)
    response = api_client.post(
        f"{ACTIVITIES}{activity_a.pk}/photos/", {"caption": "无图"}, format="multipart"
    )
    assert_field_error(response, "photos")


def test_photo_files_are_served_in_scope_only(api_client, alice, staff, activity_a, photo_a):
    other = ActivityFactory(unit=activity_a.unit)
    authenticate(api_client, alice)
    assert api_client.get(f"{ACTIVITIES}{activity_a.pk}/photos/{photo_a.pk}/").status_code == 200
    # A photo is only found under its own activity.
    assert api_client.get(f"{ACTIVITIES}{other.pk}/photos/{photo_a.pk}/").status_code == 404
    authenticate(api_client, staff)
    assert api_client.get(f"{ACTIVITIES}{activity_a.pk}/photos/{photo_a.pk}/").status_code == 200


# --- Query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_activity_list_queries_do_not_grow_with_rows(api_client, request, unit_a, who):
    authenticate(api_client, request.getfixturevalue(who))
    url = f"{ACTIVITIES}?page_size=100"

    def add(n):
        for _ in range(n):
            activity = ActivityFactory(
                unit=unit_a, campaign=CampaignFactory(lead_unit=UnitFactory())
            )
            ActivityPhotoFactory(activity=activity)

    add(5)
    five = count_queries(api_client, url)
    add(45)
    assert count_queries(api_client, url) == five
