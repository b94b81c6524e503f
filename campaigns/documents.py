"""Document kinds of the campaigns app (meeting notice, campaign summary)."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from safetyzone.documents.registry import DocumentKind, register_document_kind

# --- Meeting notice (会议通知) -------------------------------------------------------------
# An official document after GB/T 9704: issuer header in red, document number, red line,
# title, main recipients, body with numbered sections, issuer and date of issue.

_NUMERALS = "零一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三: the numbering of an official document's parts."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens] + "十")
    return text + (_NUMERALS[ones] if ones else "")


def meeting_notice_title(meeting) -> str:
    title = meeting.title.strip()
    if title.startswith("关于") and title.endswith("通知"):
        return title  # already the notice's title
    return gettext("Notice on holding the %(meeting)s") % {"meeting": title}


def meeting_notice_context(meeting) -> dict[str, Any]:
    from .models import Meeting, MeetingAttendance, MeetingItem

    if not meeting.is_issued:
        raise ValueError(gettext("Only an issued meeting has a notice to export."))
    meeting = (
        Meeting.objects.select_related("organiser", "document_number")
        .prefetch_related("items", "directives")
        .get(pk=meeting.pk)
    )
    items = list(meeting.items.all())
    agenda = [i.text for i in items if i.kind == MeetingItem.Kind.AGENDA]
    requirements = [i.text for i in items if i.kind == MeetingItem.Kind.REQUIREMENT]
    units = [
        a.unit
        for a in MeetingAttendance.objects.filter(meeting=meeting)
        .select_related("unit")
        .order_by("unit__order", "unit__name", "pk")
    ]
    unit_names = "、".join(unit.name for unit in units)
    sections: list[dict[str, Any]] = [
        {"heading": gettext("Time of the meeting"), "time": meeting.starts_at},
        {"heading": gettext("Place"), "text": meeting.place},
        {"heading": gettext("Chair"), "text": meeting.chair},
        {"heading": gettext("Attending units"), "text": unit_names},
    ]
    if agenda:
        sections.append({"heading": gettext("Agenda"), "entries": agenda})
    if requirements:
        sections.append({"heading": gettext("Requirements"), "entries": requirements})
    directives = list(meeting.directives.all())
    if directives:
        sections.append(
            {
                "heading": gettext("Directives cited"),
                "entries": [
                    f"《{d.title}》（{d.number}）" if d.number else f"《{d.title}》"
                    for d in directives
                ],
            }
        )
    for n, section in enumerate(sections, start=1):
        section["numeral"] = chinese_numeral(n)
        if "entries" in section:
            section["entries"] = [
                (chinese_numeral(i), text) for i, text in enumerate(section["entries"], start=1)
            ]
    issuer_mark = gettext("%(issuer)s document") % {"issuer": meeting.organiser.name}
    body = meeting.notice_body.rstrip()
    return {
        "meeting": meeting,
        "issuer": meeting.organiser.name,
        "issuer_mark": issuer_mark,
        # The red mark stays on one line: about 430pt of A4 text width, at most 30pt.
        "issuer_mark_pt": max(16, min(30, 430 // max(len(issuer_mark), 1))),
        # A notice text that already leads into the parts needs no second lead-in.
        "lead_in": not body.endswith(("如下：", "如下:", "follows:")),
        "document_number": meeting.document_number.text,
        "title": meeting_notice_title(meeting),
        "recipients": unit_names,
        "sections": sections,
        "issued_at": meeting.issued_at,
        # The imprint's copy line (抄送): the meeting's own, else the office's usual one.
        "copied_to": meeting.copy_to.strip() or settings.NOTICE_COPY_TO.strip(),
    }


def meeting_notice_filename(meeting) -> str:
    number = meeting.document_number.text if meeting.document_number_id else ""
    return f"{number} {meeting_notice_title(meeting)}".strip() + ".pdf"


register_document_kind(
    DocumentKind(
        code="meeting_notice",
        label=gettext_lazy("Meeting notice"),
        template="campaigns/pdf/meeting_notice.html",
        model="campaigns.Meeting",
        context=meeting_notice_context,
        filename=meeting_notice_filename,
        unit=lambda meeting: meeting.organiser,
        # Only admins and committee staff export notices; whoever sees the meeting reads it.
        permission="campaigns.issue_meeting",
        read_permission="campaigns.view_meeting",
        refuse=lambda meeting: (
            None if meeting.is_issued else gettext("Only an issued meeting has a notice to export.")
        ),
        subject_related=("organiser", "document_number"),
    )
)


# --- Campaign summary report (总结报告) ----------------------------------------------------
# Facts, phases, key periods, activities by kind and by unit, five-into by target, the
# drills held (marked as exercises), and task completion per unit.


def campaign_summary_context(campaign) -> dict[str, Any]:
    from .selectors.planning import campaign_summary

    return campaign_summary(campaign=campaign)


def campaign_summary_filename(campaign) -> str:
    return gettext("%(campaign)s summary report") % {"campaign": campaign.name} + ".pdf"


register_document_kind(
    DocumentKind(
        code="campaign_summary",
        label=gettext_lazy("Campaign summary report"),
        template="campaigns/pdf/campaign_summary.html",
        model="campaigns.Campaign",
        context=campaign_summary_context,
        filename=campaign_summary_filename,
        unit=lambda campaign: campaign.lead_unit,
        # Committee staff and admins export it; a head of the lead unit can read it.
        permission="campaigns.change_campaign",
        read_permission="campaigns.view_campaign",
        subject_related=("lead_unit",),
    )
)


# --- Evidence pack for an upper-level inspection (迎检) -------------------------------------
# A zip of a campaign's or key period's records for a set of units (``campaigns.packs``;
# inspections and duty add their sections), with an index PDF.


def _register_evidence_pack() -> None:
    from . import packs

    register_document_kind(
        DocumentKind(
            code="evidence_pack",
            label=gettext_lazy("Evidence pack"),
            model="org.User",
            permission="documents.build_evidence_pack",
            parameters=packs.evidence_pack_parameters,
            describe=packs.evidence_pack_described,
            filename=packs.evidence_pack_filename,
            write=packs.write_evidence_pack,
            extension="zip",
            progress_counts="files",
        )
    )


_register_evidence_pack()
