"""Changes of state for planning: campaigns with their phases, copying a campaign
forward to another year, and key periods."""

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from campaigns.models import (
    Campaign,
    CampaignPhase,
    KeyPeriod,
    RiskLevel,
    TaskAssignment,
)
from safetyzone.calendar import holiday_block
from safetyzone.org.models import KeyArea, Unit, User
from safetyzone.org.scoping import require_record, require_unit

CAMPAIGN_FIELDS = (
    "name",
    "kind",
    "parent",
    "theme",
    "start_date",
    "end_date",
    "lead_unit",
    "goals",
)
PHASE_FIELDS = ("kind", "name", "start_date", "end_date", "description")
KEY_PERIOD_FIELDS = (
    "name",
    "start_date",
    "end_date",
    "risk_level",
    "duty_level",
    "extra_duty_officers",
    "holiday",
    "campaign",
    "notes",
)
# Parent chains are two levels deep in practice; the walk stops well after that.
MAX_CARRIER_DEPTH = 20
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


# --- Shared helpers --------------------------------------------------------------------


def require_perm(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied


def end_before_start(obj: models.Model) -> dict[str, list[str]]:
    """The date-order rule of every dated record, as a field error on the end date (the
    database's check constraint would report it for the record as a whole)."""
    start, end = getattr(obj, "start_date", None), getattr(obj, "end_date", None)
    if start and end and end < start:
        return {"end_date": [_("The end date cannot be before the start date.")]}
    return {}


def full_clean_with(obj: models.Model, errors: dict[str, list[str]], **kwargs: Any) -> None:
    """``obj.full_clean()`` together with the caller's own ``errors``, raised as one.

    The caller's rules restate the model's check constraints on the right field; when
    one of them fails the constraints are not checked again, which would only repeat
    the same message without a field.
    """
    try:
        obj.full_clean(validate_constraints=not errors, **kwargs)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _apply(obj: models.Model, fields: Iterable[str], data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"Unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])


def shift_years(day: date, years: int) -> date:
    """``day`` moved by ``years`` years; 29 February becomes 28 February in a common
    year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# How far from its holiday's days off a period may lie and still be about the holiday.
HOLIDAY_REACH_DAYS = 31


def key_period_dates_in(period: KeyPeriod, years: int) -> tuple[date, date]:
    """The dates of ``period`` ``years`` years later. A period that goes with a public
    holiday keeps its place against the holiday's days off (from a day before them to
    their last day stays so, however the holiday falls that year); a period on fixed
    dates, or one too far from its holiday to be about it, moves by whole years."""
    by_years = shift_years(period.start_date, years), shift_years(period.end_date, years)
    if not period.holiday:
        return by_years
    # The holiday's block of the period's year, or of a year next to it (New Year's
    # Day's block may begin in December), nearest to the period.
    year = period.start_date.year
    blocks = [
        (y, block)
        for y in (year - 1, year, year + 1)
        if (block := holiday_block(period.holiday, y)) is not None
    ]
    if not blocks:
        return by_years
    source_year, source = min(blocks, key=lambda yb: abs((yb[1].first - period.start_date).days))
    reach = timedelta(days=HOLIDAY_REACH_DAYS)
    if period.end_date < source.first - reach or period.start_date > source.last + reach:
        return by_years
    target = holiday_block(period.holiday, source_year + years)
    if target is None:
        return by_years
    start = target.first + (period.start_date - source.first)
    end = target.last + (period.end_date - source.last)
    return start, max(start, end)


def shift_name(name: str, years: int) -> str:
    """The years written in ``name`` moved by ``years``: 2024年安全生产月 → 2025年安全生产月."""
    return _YEAR_IN_NAME.sub(lambda m: str(int(m.group(1)) + years), name)


# --- Campaigns and phases --------------------------------------------------------------


def _campaign_errors(campaign: Campaign) -> dict[str, list[str]]:
    errors = end_before_start(campaign)
    parent = campaign.parent if campaign.parent_id else None
    if parent is not None:
        if parent.kind != Campaign.Kind.THREE_YEAR_ACTION:
            errors["parent"] = [_("The carrier campaign must be a three-year action.")]
        elif campaign.pk is not None and _is_ancestor_or_self(campaign.pk, parent):
            errors["parent"] = [
                _("A campaign cannot be carried by itself or by a campaign it carries.")
            ]
    if (
        campaign.pk is not None
        and campaign.kind != Campaign.Kind.THREE_YEAR_ACTION
        and campaign.children.exists()
    ):
        errors["kind"] = [
            _("This campaign carries other campaigns, so it must stay a three-year action.")
        ]
    return errors


def _is_ancestor_or_self(pk: int, parent: Campaign) -> bool:
    current: Campaign | None = parent
    for _level in range(MAX_CARRIER_DEPTH):
        if current is None:
            return False
        if current.pk == pk:
            return True
        current = current.parent if current.parent_id else None
    return True  # a chain this long is itself a cycle


def _phase_errors(phase: CampaignPhase, *, inside: bool) -> dict[str, list[str]]:
    """The phase's errors; with ``inside`` also whether it lies within its campaign
    (only meaningful once the campaign's own dates are valid)."""
    errors = end_before_start(phase)
    try:
        if inside:
            phase.full_clean(validate_constraints=not errors)
        else:
            phase.clean_fields(exclude=["campaign"])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    return errors


def _phases_replace(
    campaign: Campaign,
    phases: Sequence[Mapping[str, Any]],
    *,
    errors: dict[str, list[str]],
    campaign_valid: bool,
) -> list[CampaignPhase]:
    """Prepare the campaign's phases to become exactly ``phases`` (those with an ``id``
    are updated, the others created). Errors go into ``errors`` keyed
    ``phases.<index>.<field>``, the shape the API reports nested errors in."""
    existing = {p.pk: p for p in campaign.phases.all()} if campaign.pk else {}
    prepared = []
    for index, data in enumerate(phases):
        data = dict(data)
        pk = data.pop("id", None)
        if pk:
            phase = existing.get(pk)
            if phase is None:
                errors[f"phases.{index}.id"] = [_("This phase belongs to no such campaign.")]
                continue
        else:
            phase = CampaignPhase()
        _apply(phase, PHASE_FIELDS, data)
        phase.campaign = campaign
        for field, messages in _phase_errors(phase, inside=campaign_valid).items():
            key = "non_field_errors" if field == NON_FIELD_ERRORS else field
            errors[f"phases.{index}.{key}"] = messages
        prepared.append(phase)
    return prepared


def _phases_outside(campaign: Campaign) -> list[CampaignPhase]:
    return [
        phase
        for phase in campaign.phases.all()
        if phase.start_date < campaign.start_date or phase.end_date > campaign.end_date
    ]


def _campaign_save(campaign: Campaign, phases: Sequence[Mapping[str, Any]] | None) -> Campaign:
    """Validate and save ``campaign`` and its ``phases`` together. Call inside
    ``transaction.atomic``: the campaign is saved before its phases are checked against
    its dates, and an error in any of them rolls everything back."""
    errors = _campaign_errors(campaign)
    try:
        # created_by is the system's note, emptied when that user is deleted: no reason
        # to refuse an edit.
        campaign.full_clean(validate_constraints=not errors, exclude=["created_by"])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    campaign_valid = not errors
    if campaign_valid:
        if phases is None and campaign.pk is not None:
            outside = _phases_outside(campaign)
            if outside:
                errors["start_date"] = [
                    _("These phases would lie outside the campaign's dates: %(phases)s.")
                    % {"phases": "、".join(str(p) for p in outside)}
                ]
                raise ValidationError(errors)
        campaign.save()

    prepared: list[CampaignPhase] = []
    if phases is not None:
        prepared = _phases_replace(campaign, phases, errors=errors, campaign_valid=campaign_valid)
    if errors:
        raise ValidationError(errors)

    if phases is not None:
        campaign.phases.exclude(pk__in=[p.pk for p in prepared if p.pk]).delete()
        for phase in prepared:
            phase.save()
    return campaign


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    name: str,
    start_date: date,
    end_date: date,
    lead_unit: Unit,
    kind: str = Campaign.Kind.OTHER,
    parent: Campaign | None = None,
    theme: str = "",
    goals: str = "",
    phases: Sequence[Mapping[str, Any]] = (),
) -> Campaign:
    """Create a campaign with its phases (each a mapping of kind, name, start_date,
    end_date, description). Nothing is saved unless all of it is valid."""
    require_perm(actor, "campaigns.add_campaign")
    if lead_unit is not None:
        require_unit(actor, lead_unit, field="lead_unit")
    campaign = Campaign(
        name=name,
        kind=kind,
        parent=parent,
        theme=theme,
        start_date=start_date,
        end_date=end_date,
        lead_unit=lead_unit,
        goals=goals,
        created_by=actor,
    )
    return _campaign_save(campaign, list(phases))


@transaction.atomic
def campaign_update(
    *,
    actor: User,
    campaign: Campaign,
    phases: Sequence[Mapping[str, Any]] | None = None,
    **changes: Any,
) -> Campaign:
    """Change a campaign. ``phases``, when given, become its phases: an item with an
    ``id`` updates that phase, one without creates a phase, and a phase left out is
    removed. Without ``phases`` the existing ones must still fit the campaign's dates."""
    require_perm(actor, "campaigns.change_campaign")
    require_record(actor, campaign)
    _apply(campaign, CAMPAIGN_FIELDS, changes)
    if campaign.lead_unit_id is not None:
        require_unit(actor, campaign.lead_unit_id, field="lead_unit")
    return _campaign_save(campaign, None if phases is None else list(phases))


@transaction.atomic
def campaign_copy_to_year(*, campaign: Campaign, year: int, actor: User) -> Campaign:
    """Create the same campaign in ``year``: its phases, key periods and tasks shifted by
    the difference in years (29 February → 28 February), years in names moved too; a key
    period that goes with a public holiday moves with the holiday instead
    (:func:`key_period_dates_in`).
    Each task is created anew through the tasks service, issued to the same units; like
    any new task, none may fall due in the past. All or nothing."""
    require_perm(actor, "campaigns.add_campaign")
    require_record(actor, campaign)
    # Copies of one campaign are made one at a time, so two cannot both pass the check.
    source = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("parent", "lead_unit")
        .get(pk=campaign.pk)
    )
    years = year - source.start_date.year
    if not 1900 <= year <= 2200:
        raise ValidationError({"year": _("Enter a year between 1900 and 2200.")})
    if years == 0:
        raise ValidationError({"year": _("Choose a year other than the campaign's own.")})
    name = shift_name(source.name, years)
    if Campaign.objects.filter(name=name, start_date__year=year).exists():
        raise ValidationError(
            {
                "year": _("“%(name)s” already exists in %(year)s; it was copied before.")
                % {"name": name, "year": year}
            }
        )

    copy = Campaign(
        name=name,
        kind=source.kind,
        parent=source.parent,
        theme=source.theme,
        start_date=shift_years(source.start_date, years),
        end_date=shift_years(source.end_date, years),
        lead_unit=source.lead_unit,
        goals=source.goals,
        created_by=actor,
    )
    full_clean_with(copy, {}, exclude=["created_by"])
    copy.save()

    for phase in source.phases.all():
        new_phase = CampaignPhase(
            campaign=copy,
            kind=phase.kind,
            name=shift_name(phase.name, years),
            start_date=shift_years(phase.start_date, years),
            end_date=shift_years(phase.end_date, years),
            description=phase.description,
        )
        full_clean_with(new_phase, {})
        new_phase.save()

    for period in source.key_periods.prefetch_related("key_areas"):
        start_date, end_date = key_period_dates_in(period, years)
        new_period = KeyPeriod(
            name=shift_name(period.name, years),
            start_date=start_date,
            end_date=end_date,
            risk_level=period.risk_level,
            duty_level=period.duty_level,
            extra_duty_officers=period.extra_duty_officers,
            holiday=period.holiday,
            campaign=copy,
            notes=period.notes,
        )
        full_clean_with(new_period, {})
        new_period.save()
        new_period.key_areas.set(period.key_areas.all())

    from .tasks import task_create  # the one door for tasks, with their history

    for task in source.tasks.prefetch_related("assignments__unit").order_by("deadline", "pk"):
        # The meeting and directive a task came from belong to the old year: the copy's
        # only source is the new campaign. Each unit gets a new assignment, issued.
        assignments = list(task.assignments.all())
        lead = next((a.unit for a in assignments if a.role == TaskAssignment.Role.LEAD), None)
        try:
            task_create(
                actor=actor,
                title=shift_name(task.title, years),
                content=task.content,
                deadline=shift_years(task.deadline, years),
                lead_unit=lead or task.lead_unit,
                assisting_units=[
                    a.unit for a in assignments if a.role == TaskAssignment.Role.ASSIST
                ],
                campaign=copy,
                report_every=task.report_every,
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("The task “%(task)s” cannot be copied: %(errors)s")
                        % {"task": task.title, "errors": " ".join(exc.messages)}
                    ]
                }
            ) from exc
    return copy


# --- Key periods -----------------------------------------------------------------------


def _key_period_save(period: KeyPeriod, key_areas: Iterable[KeyArea] | None) -> KeyPeriod:
    full_clean_with(period, end_before_start(period))
    period.save()
    if key_areas is not None:
        period.key_areas.set(key_areas)
    return period


@transaction.atomic
def key_period_create(
    *,
    actor: User,
    name: str,
    start_date: date,
    end_date: date,
    risk_level: str = RiskLevel.GENERAL,
    duty_level: str = KeyPeriod.DutyLevel.ENHANCED,
    extra_duty_officers: int = 0,
    holiday: str = "",
    campaign: Campaign | None = None,
    notes: str = "",
    key_areas: Iterable[KeyArea] = (),
) -> KeyPeriod:
    """Record a key period. Periods may overlap; the end may not precede the start."""
    require_perm(actor, "campaigns.add_keyperiod")
    period = KeyPeriod(
        name=name,
        start_date=start_date,
        end_date=end_date,
        risk_level=risk_level,
        duty_level=duty_level,
        extra_duty_officers=extra_duty_officers,
        holiday=holiday,
        campaign=campaign,
        notes=notes,
    )
    return _key_period_save(period, list(key_areas))


@transaction.atomic
def key_period_update(
    *,
    actor: User,
    key_period: KeyPeriod,
    key_areas: Iterable[KeyArea] | None = None,
    **changes: Any,
) -> KeyPeriod:
    require_perm(actor, "campaigns.change_keyperiod")
    _apply(key_period, KEY_PERIOD_FIELDS, changes)
    return _key_period_save(key_period, None if key_areas is None else list(key_areas))
