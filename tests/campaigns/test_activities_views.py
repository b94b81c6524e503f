"""Activity pages: alice (head of unit A) sees and edits unit A's activities, bob (head
of unit B) gets 404 on them, staff see all; drills carry the exercise badge; photos are
served only through checked views; bad input stays on the form; query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Activity, ActivityPhoto
from tests.helpers import count_queries, png_upload

from ..factories import (
    ActivityFactory,
    ActivityPhotoFactory,
    CampaignFactory,
    UnitFactory,
    UserFactory,
)


def activity_data(**overrides) -> dict:
    data = {
        "title": "安全生产月咨询日",
        "kind": "consultation_day",
        "five_into_target": "",
        "drill_plan": "",
        "campaign": "",
        "date": "2024-06-16",
        "place": "高新区万达广场",
        "participants": 300,
        "summary": "",
    }
    data.update(overrides)
    return data


# --- Permission matrix ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["campaigns:activity-detail", "campaigns:activity-update"])
def test_head_gets_404_on_another_units_activity(client, alice, bob, activity_a, name):
    url = reverse(name, args=[activity_a.pk])
    client.force_login(alice)
    assert client.get(url).status_code == 200  # the page exists for its own unit...
    client.force_login(bob)
    assert client.get(url).status_code == 404  # ...and does not for another unit


@pytest.mark.parametrize(
    "name",
    ["campaigns:activity-detail", "campaigns:activity-update"],
)
def test_staff_opens_every_units_activity(client, staff, activity_a, drill_b, name):
    client.force_login(staff)
    assert client.get(reverse(name, args=[activity_a.pk])).status_code == 200
    assert client.get(reverse(name, args=[drill_b.pk])).status_code == 200


def test_list_shows_a_head_only_their_units_activities(client, alice, activity_a, drill_b):
    client.force_login(alice)
    body = client.get(reverse("campaigns:activity-list")).content.decode()
    assert "应急局安全培训" in body
    assert "硅谷街道消防演练" not in body


def test_list_shows_staff_every_units_activities(client, staff, activity_a, drill_b):
    client.force_login(staff)
    body = client.get(reverse("campaigns:activity-list")).content.decode()
    assert "应急局安全培训" in body and "硅谷街道消防演练" in body


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("campaigns:activity-list", False),
        ("campaigns:activity-create", False),
        ("campaigns:activity-detail", True),
        ("campaigns:activity-update", True),
        ("campaigns:activity-photo", "photo"),
        ("campaigns:activity-photo-thumbnail", "photo"),
    ],
)
def test_anonymous_is_sent_to_login(client, activity_a, photo_a, name, args):
    pk = photo_a.pk if args == "photo" else activity_a.pk
    url = reverse(name, args=[pk]) if args else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_cannot_report(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("campaigns:activity-create")).status_code == 403
    assert client.get(reverse("campaigns:activity-list")).status_code == 403


def test_bob_cannot_change_alices_activity_by_post(client, bob, activity_a):
    client.force_login(bob)
    url = reverse("campaigns:activity-update", args=[activity_a.pk])
    assert client.post(url, activity_data(title="篡改")).status_code == 404
    activity_a.refresh_from_db()
    assert activity_a.title == "应急局安全培训"


def test_bob_cannot_add_photos_to_alices_activity(client, bob, activity_a):
    client.force_login(bob)
    url = reverse("campaigns:activity-photos-add", args=[activity_a.pk])
    assert client.post(url, {"photos": [png_upload()]}).status_code == 404
    assert not ActivityPhoto.objects.exists()


# --- Photos: served only through the checked views ------------------------------------------


@pytest.mark.parametrize("name", ["campaigns:activity-photo", "campaigns:activity-photo-thumbnail"])
def test_photo_is_served_to_its_unit_and_staff_only(client, alice, bob, staff, photo_a, name):
    url = reverse(name, args=[photo_a.pk])
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/png", "image/jpeg"}
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(staff)
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_thumbnail_is_a_small_jpeg(client, alice, activity_a):
    from io import BytesIO

    from PIL import Image

    photo = ActivityPhotoFactory(
        activity=activity_a,
        image__width=1600,
        image__height=1200,
        image__format="PNG",
    )
    client.force_login(alice)
    response = client.get(reverse("campaigns:activity-photo-thumbnail", args=[photo.pk]))
    with Image.open(BytesIO(response.content)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 320


def test_media_is_not_served_by_url(client, alice, photo_a, settings):
    client.force_login(alice)
    assert client.get(settings.MEDIA_URL + photo_a.image.name).status_code == 404


def test_head_adds_photos_on_the_activity_page(client, alice, activity_a):
    client.force_login(alice)
    url = reverse("campaigns:activity-photos-add", args=[activity_a.pk])
    response = client.post(
        url, {"photos": [png_upload("一.png"), png_upload("二.png")], "caption": "现场"}
    )
    assert response.status_code == 302
    assert activity_a.photos.count() == 2
    body = client.get(activity_a.get_absolute_url()).content.decode()
    for photo in activity_a.photos.all():
        assert reverse("campaigns:activity-photo-thumbnail", args=[photo.pk]) in body


def test_a_text_file_named_jpg_is_shown_beside_the_photos_field(client, alice, activity_a):
    client.force_login(alice)
    url = reverse("campaigns:activity-photos-add", args=[activity_a.pk])
    fake = SimpleUploadedFile("photo.jpg", b"just text\n" * 50, content_type="image/jpeg")
    response = client.post(url, {"photos": [png_upload(), fake]})
    assert response.status_code == 200
    assert list(response.context["photo_form"].errors) == ["photos"]
    assert "photo.jpg" in response.context["photo_form"].errors["photos"][0]
    assert not activity_a.photos.exists()


def test_a_photo_over_the_limit_is_shown_beside_the_photos_field(
    client, alice, activity_a, settings
):
    settings.MAX_UPLOAD_BYTES = 20
    client.force_login(alice)
    url = reverse("campaigns:activity-photos-add", args=[activity_a.pk])
    response = client.post(url, {"photos": [png_upload()]})
    assert response.status_code == 200
    assert list(response.context["photo_form"].errors) == ["photos"]
    assert not activity_a.photos.exists()


# --- Reporting -------------------------------------------------------------------------------


def test_a_head_reports_for_their_unit_without_choosing_it(client, alice, unit_a, unit_b):
    client.force_login(alice)
    form = client.get(reverse("campaigns:activity-create")).context["form"]
    assert "unit" not in form.fields

    response = client.post(
        reverse("campaigns:activity-create"),
        activity_data(unit=unit_b.pk, photos=[png_upload()]),  # a unit sent anyway is ignored
    )

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == activity.get_absolute_url()
    assert activity.unit == unit_a
    assert activity.photos.count() == 1


def test_staff_picks_the_unit(client, staff, unit_b):
    client.force_login(staff)
    response = client.post(reverse("campaigns:activity-create"), activity_data(unit=unit_b.pk))
    assert response.status_code == 302
    assert Activity.objects.get().unit == unit_b


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "drill"}, "drill_plan"),
        ({"kind": "five_into"}, "five_into_target"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(client, alice, overrides, field):
    client.force_login(alice)
    response = client.post(
        reverse("campaigns:activity-create"), activity_data(photos=[png_upload()], **overrides)
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not Activity.objects.exists()
    assert not ActivityPhoto.objects.exists()


def test_a_text_photo_on_the_report_form_saves_nothing(client, alice):
    client.force_login(alice)
    fake = SimpleUploadedFile("photo.jpg", b"just text\n" * 50, content_type="image/jpeg")
    response = client.post(reverse("campaigns:activity-create"), activity_data(photos=[fake]))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["photos"]
    assert not Activity.objects.exists()


def test_head_edits_their_units_activity(client, alice, activity_a, unit_a):
    client.force_login(alice)
    response = client.post(
        reverse("campaigns:activity-update", args=[activity_a.pk]),
        activity_data(kind="five_into", five_into_target="communities"),
    )
    assert response.status_code == 302
    activity_a.refresh_from_db()
    assert (activity_a.kind, activity_a.five_into_target) == ("five_into", "communities")
    assert activity_a.unit == unit_a


# --- Exercise badge ----------------------------------------------------------------------------


def test_a_drill_carries_the_exercise_badge_on_list_detail_and_campaign(client, staff, unit_b):
    campaign = CampaignFactory()
    drill = ActivityFactory(
        title="硅谷街道消防演练",
        unit=unit_b,
        kind="drill",
        drill_plan="高层建筑火灾应急预案",
        campaign=campaign,
    )
    ActivityFactory(title="真实的咨询日", unit=unit_b, kind="consultation_day", campaign=campaign)
    client.force_login(staff)

    for url in (
        reverse("campaigns:activity-list"),
        drill.get_absolute_url(),
        campaign.get_absolute_url(),
    ):
        body = client.get(url).content.decode()
        assert body.count('data-testid="exercise-badge"') == 1, url
    detail = client.get(drill.get_absolute_url()).content.decode()
    assert "高层建筑火灾应急预案" in detail
    assert 'data-testid="exercise-note"' in detail


# --- Filters and query counts ------------------------------------------------------------------


def test_activity_list_filters(client, staff, unit_a, unit_b):
    campaign = CampaignFactory()
    ActivityFactory(title="甲", unit=unit_a, campaign=campaign, date=dt.date(2024, 6, 1))
    ActivityFactory(
        title="乙",
        unit=unit_b,
        kind="five_into",
        five_into_target="rural",
        date=dt.date(2024, 6, 9),
    )
    client.force_login(staff)
    url = reverse("campaigns:activity-list")

    def titles(**params):
        return {a.title for a in client.get(url, params).context["page"]}

    assert titles(campaign=campaign.pk) == {"甲"}
    assert titles(kind="five_into") == {"乙"}
    assert titles(unit=unit_a.pk) == {"甲"}
    assert titles(five_into_target="rural") == {"乙"}
    assert titles(date_from="2024-06-05") == {"乙"}
    assert titles(date_to="2024-06-05") == {"甲"}
    assert titles(search="乙") == {"乙"}


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_activity_list_queries_do_not_grow_with_rows(client, request, unit_a, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("campaigns:activity-list")

    def add(n):
        for i in range(n):
            activity = ActivityFactory(
                unit=unit_a,
                campaign=CampaignFactory(lead_unit=UnitFactory()),
                kind="drill" if i % 2 else "training",
                drill_plan="预案" if i % 2 else "",
            )
            ActivityPhotoFactory(activity=activity)

    add(5)
    five = count_queries(client, url)
    add(45)
    assert count_queries(client, url) == five
