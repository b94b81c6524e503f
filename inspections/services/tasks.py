"""Inspection tasks issued to units, also from a key period in one step."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Directive, KeyPeriod
from inspections.models import InspectionTarget, InspectionTask, InspectionTaskUnit
from inspections.services._common import _require
from safetyzone.calendar import WorkingCalendar
from safetyzone.org.models import Enterprise, KeyArea, Unit, User
from safetyzone.org.scoping import require_unit

# --- Inspection tasks -----------------------------------------------------------------


@transaction.atomic
def inspection_task_create(
    *,
    actor: User,
    title: str,
    key_area: KeyArea,
    units: Iterable[Unit],
    deadline: dt.date,
    start_date: dt.date | None = None,
    key_period: KeyPeriod | None = None,
    campaign: Campaign | None = None,
    directive: Directive | None = None,
    description: str = "",
    enterprises: Iterable[Enterprise] | None = None,
) -> InspectionTask:
    """Issue a task to units. Its targets are, by default, every active enterprise of
    the key area that each unit supervises ("full coverage")."""
    _require(actor, "inspections.add_inspectiontask")
    units = list({u.pk: u for u in units}.values())
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    for unit in units:
        require_unit(actor, unit, field="units")
    task = InspectionTask(
        title=(title or "").strip(),
        key_area=key_area,
        key_period=key_period,
        campaign=campaign,
        directive=directive,
        description=description,
        start_date=start_date or timezone.localdate(),
        deadline=deadline,
        created_by=actor,
    )
    task.full_clean()
    task.save()
    InspectionTaskUnit.objects.bulk_create(InspectionTaskUnit(task=task, unit=u) for u in units)
    unit_ids = {u.pk for u in units}
    if enterprises is None:
        chosen = Enterprise.objects.filter(
            key_areas=key_area, supervising_unit__in=unit_ids, is_active=True
        ).distinct()
    else:
        chosen = list({e.pk: e for e in enterprises}.values())
        outside = [e for e in chosen if e.supervising_unit_id not in unit_ids]
        if outside:
            raise ValidationError(
                {
                    "enterprises": _("%(names)s: not supervised by a unit of this task.")
                    % {"names": "、".join(e.name for e in outside)}
                }
            )
    InspectionTarget.objects.bulk_create(
        InspectionTarget(task=task, unit_id=e.supervising_unit_id, enterprise=e) for e in chosen
    )
    return task


@transaction.atomic
def inspection_tasks_from_key_period(
    *,
    actor: User,
    key_period: KeyPeriod,
    key_areas: Iterable[KeyArea],
    units: Iterable[Unit],
    deadline: dt.date | None = None,
    start_date: dt.date | None = None,
    campaign: Campaign | None = None,
    description: str = "",
) -> list[InspectionTask]:
    """One step from a key period to its inspection tasks: one task per key area,
    issued to the chosen units, due by default on the last working day before the
    period starts (or in five working days when that has passed)."""
    key_areas = list(key_areas)
    if not key_areas:
        raise ValidationError({"key_areas": _("Choose at least one key area.")})
    today = timezone.localdate()
    calendar = WorkingCalendar()
    if deadline is None:
        deadline = calendar.previous_working_day(key_period.start_date)
        if deadline < today:
            deadline = calendar.add_working_days(today, 5)
    units = list(units)
    return [
        inspection_task_create(
            actor=actor,
            title=_("%(period)s: hidden-danger inspection of %(area)s")
            % {"period": key_period.name, "area": area.name},
            key_area=area,
            units=units,
            deadline=deadline,
            start_date=start_date or min(today, deadline),
            key_period=key_period,
            campaign=campaign or key_period.campaign,
            description=description or key_period.notes,
        )
        for area in key_areas
    ]
