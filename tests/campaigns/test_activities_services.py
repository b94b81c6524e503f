"""Activity services: heads report for their own unit, staff for any; a drill names its
plan and is an exercise, five-into names its target; photos are real images within
the size limit, stored under a name of their real type; nothing is saved half-way."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Activity, ActivityPhoto
from campaigns.selectors import activities as selectors
from campaigns.services import activities as services
from tests.helpers import png_bytes, png_upload, text_as_jpeg

from ..factories import ActivityFactory, CampaignFactory

D = dt.date


def report(actor, **overrides) -> Activity:
    data = {
        "actor": actor,
        "title": "安全生产月应急演练",
        "kind": Activity.Kind.TRAINING,
        "date": D(2024, 6, 12),
        "place": "高新区应急管理局",
        "participants": 60,
    }
    data.update(overrides)
    return services.activity_create(**data)


def test_a_head_reports_for_their_own_unit_by_default(alice, unit_a):
    activity = report(alice)
    assert activity.unit == unit_a
    assert activity.created_by == alice
    assert not activity.is_exercise


def test_a_head_cannot_report_for_another_unit(alice, unit_b):
    with pytest.raises(ValidationError) as info:
        report(alice, unit=unit_b)
    assert set(info.value.message_dict) == {"unit"}
    assert not Activity.objects.exists()


def test_staff_reports_for_any_unit_but_must_name_it(staff, unit_b):
    assert report(staff, unit=unit_b).unit == unit_b
    with pytest.raises(ValidationError) as info:
        report(staff)
    assert "unit" in info.value.message_dict


def test_a_drill_must_name_its_plan_and_is_an_exercise(alice):
    with pytest.raises(ValidationError) as info:
        report(alice, kind=Activity.Kind.DRILL, drill_plan="  ")
    assert set(info.value.message_dict) == {"drill_plan"}

    drill = report(alice, kind=Activity.Kind.DRILL, drill_plan="危险化学品泄漏事故应急预案")
    assert drill.is_exercise
    assert drill.drill_plan == "危险化学品泄漏事故应急预案"


def test_five_into_must_name_its_target(alice):
    with pytest.raises(ValidationError) as info:
        report(alice, kind=Activity.Kind.FIVE_INTO)
    assert set(info.value.message_dict) == {"five_into_target"}

    activity = report(alice, kind=Activity.Kind.FIVE_INTO, five_into_target="schools")
    assert activity.get_five_into_target_display()


def test_a_target_or_plan_left_from_another_kind_is_dropped(alice):
    activity = report(
        alice, kind=Activity.Kind.SEMINAR, five_into_target="schools", drill_plan="某预案"
    )
    assert (activity.five_into_target, activity.drill_plan) == ("", "")


def test_photos_come_with_the_activity(alice):
    activity = report(alice, photos=[png_upload("a.png"), png_upload("b.PNG")])
    photos = list(activity.photos.all())
    assert len(photos) == 2
    assert all(p.image.name.endswith(".png") for p in photos)
    assert all(p.uploaded_by == alice for p in photos)


def test_a_text_file_named_jpg_is_refused_and_nothing_is_saved(alice, settings):
    with pytest.raises(ValidationError) as info:
        report(alice, photos=[png_upload(), text_as_jpeg()])
    assert set(info.value.message_dict) == {"photos"}
    assert "photo.jpg" in info.value.message_dict["photos"][0]
    assert not Activity.objects.exists()
    assert not ActivityPhoto.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_photo_over_the_size_limit_is_refused(alice, settings):
    settings.MAX_UPLOAD_BYTES = 20
    with pytest.raises(ValidationError) as info:
        report(alice, photos=[png_upload()])
    assert info.value.error_dict["photos"][0].code == "file_too_large"
    assert not Activity.objects.exists()


def test_the_stored_name_follows_the_content_not_the_uploaded_name(alice):
    activity = ActivityFactory(unit=alice.unit)
    disguised = SimpleUploadedFile("x.html", png_bytes(), content_type="text/html")
    (photo,) = services.activity_photos_add(actor=alice, activity=activity, photos=[disguised])
    assert photo.image.name.endswith(".png")
    assert "x" not in Path(photo.image.name).stem.split("-")  # a random name


def test_adding_photos_checks_all_before_keeping_any(alice):
    activity = ActivityFactory(unit=alice.unit)
    with pytest.raises(ValidationError):
        services.activity_photos_add(
            actor=alice, activity=activity, photos=[png_upload(), text_as_jpeg()], caption="现场"
        )
    assert not activity.photos.exists()
    with pytest.raises(ValidationError) as info:
        services.activity_photos_add(actor=alice, activity=activity, photos=[])
    assert set(info.value.message_dict) == {"photos"}


def test_too_many_photos_at_once_are_refused(alice):
    activity = ActivityFactory(unit=alice.unit)
    photos = [png_upload(f"{n}.png") for n in range(services.MAX_PHOTOS_PER_UPLOAD + 1)]
    with pytest.raises(ValidationError):
        services.activity_photos_add(actor=alice, activity=activity, photos=photos)
    assert not activity.photos.exists()


def test_a_head_cannot_add_photos_to_another_units_activity(alice, unit_b):
    activity = ActivityFactory(unit=unit_b)
    with pytest.raises(PermissionDenied):
        services.activity_photos_add(actor=alice, activity=activity, photos=[png_upload()])


def test_update_keeps_the_rules_and_the_unit(alice, unit_a, unit_b):
    activity = ActivityFactory(unit=unit_a)
    services.activity_update(
        actor=alice, activity=activity, kind=Activity.Kind.DRILL, drill_plan="消防应急预案"
    )
    activity.refresh_from_db()
    assert activity.is_exercise

    with pytest.raises(ValidationError) as info:
        services.activity_update(actor=alice, activity=activity, unit=unit_b)
    assert set(info.value.message_dict) == {"unit"}
    activity.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        services.activity_update(actor=alice, activity=activity, drill_plan="")
    assert set(info.value.message_dict) == {"drill_plan"}
    activity.refresh_from_db()
    assert (activity.unit, activity.drill_plan) == (unit_a, "消防应急预案")


def test_a_user_without_the_permission_cannot_report(db):
    from ..factories import UserFactory

    with pytest.raises(PermissionDenied):
        report(UserFactory())


def test_selectors_scope_activities_to_the_heads_unit(alice, bob, staff, unit_a, unit_b):
    mine = ActivityFactory(unit=unit_a)
    theirs = ActivityFactory(unit=unit_b)
    assert list(selectors.activity_list(user=alice)) == [mine]
    assert list(selectors.activity_list(user=bob)) == [theirs]
    assert set(selectors.activity_list(user=staff)) == {mine, theirs}


def test_activity_filters(staff, unit_a, unit_b):
    campaign = CampaignFactory()
    drill = ActivityFactory(
        unit=unit_a,
        campaign=campaign,
        kind="drill",
        drill_plan="燃气泄漏应急预案",
        date=D(2024, 6, 5),
    )
    school = ActivityFactory(
        unit=unit_b, kind="five_into", five_into_target="schools", date=D(2024, 6, 20)
    )

    def ids(**filters):
        return {a.pk for a in selectors.activity_list(user=staff, filters=filters)}

    assert ids(campaign=campaign) == {drill.pk}
    assert ids(kind="five_into") == {school.pk}
    assert ids(unit=unit_b) == {school.pk}
    assert ids(five_into_target="schools") == {school.pk}
    assert ids(date_from=D(2024, 6, 10)) == {school.pk}
    assert ids(date_to=D(2024, 6, 10)) == {drill.pk}
    assert ids(is_exercise=True) == {drill.pk}
    assert ids(is_exercise=False) == {school.pk}
    assert ids(q="燃气") == {drill.pk}
