"""Changes of state for activities: the member units report their publicity and
education activities (consultation day, drills, training, seminars, five-into) with
photos."""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import Activity, ActivityPhoto, Campaign
from safetyzone.core.uploads import IMAGE, validate_upload
from safetyzone.org.models import Unit, User
from safetyzone.org.scoping import can_act_for, require_record, sees_all_units

from .planning import full_clean_with, require_perm

ACTIVITY_FIELDS = (
    "title",
    "kind",
    "five_into_target",
    "drill_plan",
    "campaign",
    "unit",
    "date",
    "place",
    "participants",
    "summary",
)
MAX_PHOTOS_PER_UPLOAD = 10
MAX_PHOTOS_PER_ACTIVITY = 40


def _normalise(activity: Activity) -> None:
    # A target belongs to five-into publicity only, a rehearsed plan to a drill only:
    # what the form kept from another kind is dropped rather than refused.
    activity.title = (activity.title or "").strip()
    activity.place = (activity.place or "").strip()
    activity.drill_plan = (activity.drill_plan or "").strip()
    if activity.kind != Activity.Kind.FIVE_INTO:
        activity.five_into_target = ""
    if activity.kind != Activity.Kind.DRILL:
        activity.drill_plan = ""


def _activity_errors(activity: Activity, *, actor: User) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if activity.unit_id is not None and not can_act_for(actor, activity.unit_id):
        errors["unit"] = [_("You can only report your own unit's activities.")]
    if activity.kind == Activity.Kind.DRILL and not activity.drill_plan:
        errors["drill_plan"] = [_("A drill must name the plan it rehearses.")]
    if activity.kind == Activity.Kind.FIVE_INTO and not activity.five_into_target:
        errors["five_into_target"] = [_("Choose where the five-into publicity went.")]
    return errors


def _photo_errors(photos: Sequence[UploadedFile], *, already: int = 0) -> list[ValidationError]:
    """Every photo checked by its content and size before anything is stored."""
    if len(photos) > MAX_PHOTOS_PER_UPLOAD:
        return [
            ValidationError(
                _("Upload at most %(n)d photos at a time."),
                code="too_many_files",
                params={"n": MAX_PHOTOS_PER_UPLOAD},
            )
        ]
    if already + len(photos) > MAX_PHOTOS_PER_ACTIVITY:
        return [
            ValidationError(
                _("An activity keeps at most %(n)d photos."),
                code="too_many_files",
                params={"n": MAX_PHOTOS_PER_ACTIVITY},
            )
        ]
    errors = []
    for upload in photos:
        try:
            validate_upload(upload, kinds=(IMAGE,))
        except ValidationError as exc:
            errors.append(
                ValidationError(
                    _("%(name)s: %(error)s"),
                    code=exc.code,
                    params={"name": upload.name, "error": " ".join(exc.messages)},
                )
            )
    return errors


def _photos_save(
    *, activity: Activity, photos: Iterable[UploadedFile], actor: User, caption: str = ""
) -> list[ActivityPhoto]:
    """Store already validated photos (under names the upload field chooses, see
    ``safetyzone.core.uploads``). Files stored before a failure are removed again."""
    saved: list[ActivityPhoto] = []
    try:
        for upload in photos:
            photo = ActivityPhoto(activity=activity, caption=caption.strip(), uploaded_by=actor)
            photo.full_clean(exclude=["image"])
            photo.image.save(upload.name, upload, save=False)
            saved.append(photo)
            photo.full_clean()
            photo.save()
    except BaseException:
        for photo in saved:
            photo.image.delete(save=False)
        raise
    return saved


@transaction.atomic
def activity_create(
    *,
    actor: User,
    title: str,
    kind: str,
    date: date,
    place: str,
    unit: Unit | None = None,
    campaign: Campaign | None = None,
    five_into_target: str = "",
    drill_plan: str = "",
    participants: int = 0,
    summary: str = "",
    photos: Sequence[UploadedFile] = (),
) -> Activity:
    """Record an activity. A department head reports for their own unit (it is the
    default); committee staff name the unit. A drill names the plan it rehearses, a
    five-into activity its target. Nothing is saved unless the activity and every
    photo are valid."""
    require_perm(actor, "campaigns.add_activity")
    if unit is None and actor.unit_id and not sees_all_units(actor):
        unit = actor.unit
    activity = Activity(
        title=title,
        kind=kind,
        five_into_target=five_into_target or "",
        drill_plan=drill_plan or "",
        campaign=campaign,
        unit=unit,
        date=date,
        place=place,
        participants=participants,
        summary=summary,
        created_by=actor,
    )
    _normalise(activity)
    photos = list(photos)
    errors = _activity_errors(activity, actor=actor)
    if photo_errors := _photo_errors(photos):
        errors["photos"] = photo_errors
    full_clean_with(activity, errors, exclude=["created_by"])
    activity.save()
    _photos_save(activity=activity, photos=photos, actor=actor)
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, **changes: Any) -> Activity:
    """Change an activity. Precondition: ``activity`` came through a selector scoped to
    ``actor``; a head cannot move it to another unit."""
    require_perm(actor, "campaigns.change_activity")
    require_record(actor, activity)
    unknown = set(changes) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown activity fields: {sorted(unknown)}")
    for name, value in changes.items():
        if name == "unit" and value is None:
            continue  # the unit stays when none is named
        setattr(activity, name, value)
    _normalise(activity)
    full_clean_with(activity, _activity_errors(activity, actor=actor), exclude=["created_by"])
    activity.save()
    return activity


@transaction.atomic
def activity_photos_add(
    *,
    actor: User,
    activity: Activity,
    photos: Sequence[UploadedFile],
    caption: str = "",
) -> list[ActivityPhoto]:
    """Add photos to an activity; all are checked before any is stored. Precondition:
    ``activity`` came through a selector scoped to ``actor``."""
    require_perm(actor, "campaigns.add_activityphoto")
    require_record(actor, activity)
    photos = list(photos)
    if not photos:
        raise ValidationError({"photos": [_("Choose at least one photo.")]})
    errors = _photo_errors(photos, already=activity.photos.count())
    if errors:
        raise ValidationError({"photos": errors})
    return _photos_save(activity=activity, photos=photos, actor=actor, caption=caption)
