"""Document kinds of the inspections app, made by the documents worker: one PDF per
hazard with its whole history and photos (一患一档), and the exports of the ledger
(Excel and PDF) and of the quarterly statistics table (``inspections.exports``), and
the coverage matrix of a key period (``inspections.coverage_xlsx``)."""

import base64
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safetyzone.documents.registry import DocumentKind, register_document_kind

# Photos are embedded (the PDF renderer reads nothing but static files), scaled down so
# that a dossier with many photos stays small.
PHOTO_MAX_SIDE = 900


def image_data_uri(field_file) -> str | None:
    """A stored image as a small JPEG data: URI, or None when it cannot be read."""
    from PIL import Image

    try:
        with field_file.open("rb") as handle, Image.open(handle) as image:
            image = image.convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=80)
    except Exception:  # noqa: BLE001 - a missing or broken file leaves a gap, not a failure
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def hazard_dossier_context(hazard) -> dict[str, Any]:
    from inspections.selectors.hazards import hazard_history
    from inspections.selectors.reports import hazard_reports

    reports = []
    for report in hazard_reports(hazard=hazard):
        evidence = [
            {
                "name": str(e),
                "is_image": e.is_image,
                "src": image_data_uri(e.file) if e.is_image else None,
            }
            for e in report.evidence.all()
        ]
        reports.append({"report": report, "evidence": evidence})
    photos = [{"photo": photo, "src": image_data_uri(photo.image)} for photo in hazard.photos.all()]
    return {
        "hazard": hazard,
        "overdue": hazard.is_overdue(),
        "reports": reports,
        "photos": photos,
        "history": hazard_history(hazard=hazard),
        "actions": list(hazard.enforcement_actions.all()),
        "generated_at": timezone.localtime(),
    }


def hazard_dossier_filename(hazard) -> str:
    return gettext("%(code)s - hazard dossier") % {"code": hazard.code} + ".pdf"


def register() -> None:
    register_document_kind(
        DocumentKind(
            code="hazard_dossier",
            label=_("Hazard dossier"),
            template="inspections/pdf/hazard_dossier.html",
            model="inspections.Hazard",
            context=hazard_dossier_context,
            filename=hazard_dossier_filename,
            permission="inspections.view_hazard",
        )
    )
    from inspections import exports, packs  # noqa: F401 - packs registers its sections

    common = {"model": "org.User", "permission": "inspections.view_hazard"}
    register_document_kind(
        DocumentKind(
            code="ledger_xlsx",
            label=_("Hazard ledger (Excel)"),
            parameters=exports.ledger_parameters,
            describe=exports.ledger_filters_described,
            filename=exports.ledger_filename,
            write=exports.write_ledger_xlsx_export,
            extension="xlsx",
            **common,
        )
    )
    register_document_kind(
        DocumentKind(
            code="ledger_pdf",
            label=_("Hazard ledger (PDF)"),
            template="inspections/pdf/ledger.html",
            parameters=exports.ledger_parameters,
            describe=exports.ledger_filters_described,
            filename=exports.ledger_filename,
            write=exports.write_ledger_pdf_export,
            **common,
        )
    )
    register_document_kind(
        DocumentKind(
            code="quarterly_xlsx",
            label=_("Quarterly statistics (Excel)"),
            parameters=exports.quarterly_parameters,
            describe=exports.quarterly_described,
            filename=exports.quarterly_filename,
            write=exports.write_quarterly_xlsx_export,
            extension="xlsx",
            **common,
        )
    )
    from inspections import coverage_xlsx

    register_document_kind(
        DocumentKind(
            code="coverage_xlsx",
            label=_("Coverage matrix (Excel)"),
            parameters=coverage_xlsx.coverage_parameters,
            describe=coverage_xlsx.coverage_described,
            filename=coverage_xlsx.coverage_filename,
            write=coverage_xlsx.write_coverage_xlsx_export,
            extension="xlsx",
            model="org.User",
            permission="inspections.view_inspectiontarget",
        )
    )


register()
