"""Calendar feeds: a person's feed and a roster's, made and renewed."""

from django.db import transaction
from django.utils import timezone

from safetyzone.org.models import User
from safetyzone.org.scoping import require_record

from ..models import (
    CalendarFeed,
    DutyRoster,
)
from ._common import _require

# --- Calendar feeds -------------------------------------------------------------------


@transaction.atomic
def calendar_feed_get_or_create(*, person: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


@transaction.atomic
def calendar_feed_renew(*, person: User) -> CalendarFeed:
    """A new secret link; the old one stops working at once."""
    import secrets

    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(person=person)
    feed.token = secrets.token_urlsafe()
    feed.renewed_at = timezone.now()
    feed.save()
    return feed


@transaction.atomic
def roster_feed_renew(*, actor: User, roster: DutyRoster) -> DutyRoster:
    """A new secret subscription link for the roster's calendar; the old one stops."""
    import secrets

    _require(actor, "duty.change_dutyroster")
    roster = DutyRoster.objects.select_for_update().get(pk=roster.pk)
    require_record(actor, roster)
    roster.ical_token = secrets.token_urlsafe()
    roster.save(update_fields=["ical_token"])
    return roster
