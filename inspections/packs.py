"""The sections inspections adds to the evidence pack (``safetyzone.documents.packs``):
the hazard ledger (Excel and PDF, by the ledger's own writers), each major hazard's
dossier, and the rectification evidence and photos. The hazards are those found by
the campaign's (or key period's) inspections or during its dates, of the pack's units,
as the requester sees them."""

from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safetyzone.documents.packs import (
    PackEntry,
    PackScope,
    PackSection,
    kind_pdf,
    pack_units_described,
    register_pack_section,
    stored_file_name,
)

from .models import Hazard, HazardLevel, HazardPhoto, ReportEvidence
from .selectors import hazards as hazard_selectors


def pack_hazards(scope: PackScope) -> QuerySet[Hazard]:
    """The hazards of the pack, in the ledger's order."""
    hazards = hazard_selectors.hazard_list(user=scope.user)
    if scope.key_period is not None:
        hazards = hazard_selectors.hazard_filter(hazards, {"key_period": scope.key_period})
    else:
        hazards = hazards.filter(
            Q(inspection__task__campaign=scope.campaign)
            | Q(found_on__range=(scope.start_date, scope.end_date))
        )
    return scope.narrow(hazards, perms=["inspections.view_hazard"])


def _described(scope: PackScope) -> str:
    return _("%(title)s; units: %(units)s") % {
        "title": scope.title,
        "units": pack_units_described(scope),
    }


def ledger_entries(scope: PackScope) -> Iterator[PackEntry]:
    from .exports import write_ledger_pdf, write_ledger_xlsx

    hazards = pack_hazards(scope)
    described = _described(scope)
    yield PackEntry(
        name=_("Hazard ledger") + ".xlsx",
        title=_("Hazard ledger (Excel)"),
        write=lambda path: write_ledger_xlsx(hazards, path, described=described),
    )
    yield PackEntry(
        name=_("Hazard ledger") + ".pdf",
        title=_("Hazard ledger (PDF)"),
        write=lambda path: write_ledger_pdf(hazards, path, described=described),
    )


def dossier_entries(scope: PackScope) -> Iterator[PackEntry]:
    from .documents import hazard_dossier_filename

    for hazard in pack_hazards(scope).filter(level=HazardLevel.MAJOR).order_by("code"):
        yield PackEntry(
            name=hazard_dossier_filename(hazard),
            title=f"{hazard.code} {hazard.enterprise.name}",
            render=kind_pdf("hazard_dossier", hazard),
        )


def rectification_entries(scope: PackScope) -> Iterator[PackEntry]:
    hazards = pack_hazards(scope).values("pk")
    photos = (
        scope.narrow(
            HazardPhoto.objects.filter(hazard__in=hazards), perms=["inspections.view_hazardphoto"]
        )
        .select_related("hazard")
        .order_by("hazard__code", "uploaded_at", "pk")
    )
    for photo in photos:
        yield PackEntry(
            name=(
                photo.hazard.code,
                f"{photo.get_stage_display()} {stored_file_name(photo.image, photo.original_name)}",
            ),
            title=f"{photo.hazard.code}: {photo.get_stage_display()} {photo}",
            file=photo.image,
        )
    evidence = (
        scope.narrow(
            ReportEvidence.objects.filter(report__hazard__in=hazards),
            perms=["inspections.view_reportevidence"],
        )
        .select_related("report__hazard")
        .order_by("report__hazard__code", "report__filed_at", "pk")
    )
    for item in evidence:
        report = item.report
        filed = date_format(timezone.localtime(report.filed_at), "Y-m-d")
        yield PackEntry(
            name=(
                report.hazard.code,
                " ".join(
                    (
                        _("Rectification report"),
                        filed,
                        stored_file_name(item.file, item.original_name),
                    )
                ),
            ),
            title=_("%(code)s: rectification report of %(date)s, %(file)s")
            % {"code": report.hazard.code, "date": filed, "file": item},
            file=item.file,
        )


register_pack_section(
    PackSection(code="ledger", label=gettext_lazy("Hazard ledger"), order=3, collect=ledger_entries)
)
register_pack_section(
    PackSection(
        code="major_hazards",
        label=gettext_lazy("Major hazard dossiers"),
        order=4,
        collect=dossier_entries,
    )
)
register_pack_section(
    PackSection(
        code="rectification",
        label=gettext_lazy("Rectification evidence"),
        order=5,
        collect=rectification_entries,
    )
)
