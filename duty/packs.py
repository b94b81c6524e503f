"""The section duty adds to the evidence pack (``safetyzone.documents.packs``): the
rosters of the pack's dates and their duty logs, by the duty app's own PDF kinds."""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyzone.documents.packs import (
    PackEntry,
    PackScope,
    PackSection,
    kind_pdf,
    register_pack_section,
)

from .documents import log_filename, roster_filename
from .models import DutyRoster


def duty_entries(scope: PackScope) -> Iterator[PackEntry]:
    rosters = (
        scope.narrow(
            DutyRoster.objects.filter(
                status=DutyRoster.Status.PUBLISHED,
                start_date__lte=scope.end_date,
                end_date__gte=scope.start_date,
            ),
            perms=["duty.view_dutyroster"],
        )
        .select_related("unit")
        .order_by("start_date", "pk")
    )
    with_log = scope.user.has_perm("duty.view_dutylogentry")
    for roster in rosters:
        yield PackEntry(
            name=roster_filename(roster),
            title=_("Duty roster: %(title)s") % {"title": roster.title},
            render=kind_pdf("duty_roster", roster),
        )
        if with_log:
            yield PackEntry(
                name=log_filename(roster),
                title=_("Duty log: %(title)s") % {"title": roster.title},
                render=kind_pdf("duty_log", roster),
            )


register_pack_section(
    PackSection(code="duty", label=gettext_lazy("Duty"), order=7, collect=duty_entries)
)
