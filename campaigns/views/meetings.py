"""Pages of directives and meetings: lists, details, forms, issuing, signing for a
notice and recording minutes. Thin: shape in the forms, rules in the services, scope in
the selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safetyzone.core.filters import page_filter
from safetyzone.core.forms import errors_to_form
from safetyzone.core.pagination import Paginator
from safetyzone.core.uploads import protected_file_response
from safetyzone.org.scoping import can_act_for, can_act_on

from ..filters import DirectiveFilter, MeetingFilter
from ..forms.meetings import (
    DirectiveForm,
    IssueForm,
    MeetingForm,
    MinutesForm,
)
from ..models import Meeting, MeetingAttendance, MeetingItem
from ..selectors import meetings as selectors
from ..services import meetings as services

PAGE_SIZE = 20


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    """A refused action of a detail page (issue, sign): its reasons as messages."""
    for error in exc.messages:
        messages.error(request, error)


# --- Directives ---------------------------------------------------------------------------


@login_required
@require_GET
def directive_list(request: HttpRequest) -> HttpResponse:
    form, qs = page_filter(DirectiveFilter, request, selectors.directive_list(user=request.user))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "campaigns/meetings/directive_list.html", {"page": page, "filter_form": form}
    )


@login_required
@require_GET
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = selectors.directive_get(user=request.user, pk=pk)
    meetings = selectors.meeting_visible(user=request.user).filter(directives=directive)
    return render(
        request,
        "campaigns/meetings/directive_detail.html",
        {"directive": directive, "meetings": meetings.select_related("document_number")},
    )


@login_required
@require_GET
def directive_attachment(request: HttpRequest, pk: int) -> FileResponse:
    directive = selectors.directive_get(user=request.user, pk=pk)
    return protected_file_response(directive.attachment, label=directive.attachment_name)


def _save_directive(request: HttpRequest, form: DirectiveForm, directive=None):
    data = dict(form.cleaned_data)
    attachment = data.pop("attachment", None)
    if not isinstance(attachment, UploadedFile):
        # No new file: the input hands back the stored one (or nothing). Keep it...
        attachment = None
    if data.pop("remove_attachment", False) and attachment is None:
        attachment = False  # ...unless asked to remove it.
    try:
        if directive is None:
            return services.directive_create(actor=request.user, attachment=attachment, **data)
        return services.directive_update(
            actor=request.user, directive=directive, attachment=attachment, **data
        )
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None


@login_required
@permission_required("campaigns.add_directive", raise_exception=True)
def directive_create(request: HttpRequest) -> HttpResponse:
    form = DirectiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        directive = _save_directive(request, form)
        if directive is not None:
            messages.success(request, _("Directive “%s” was recorded.") % directive.title)
            return redirect(directive)
    return render(request, "campaigns/meetings/directive_form.html", {"form": form})


@login_required
@permission_required("campaigns.change_directive", raise_exception=True)
def directive_update(request: HttpRequest, pk: int) -> HttpResponse:
    directive = selectors.directive_get(user=request.user, pk=pk)
    form = DirectiveForm(request.POST or None, request.FILES or None, instance=directive)
    if request.method == "POST" and form.is_valid():
        saved = _save_directive(request, form, directive)
        if saved is not None:
            messages.success(request, _("Directive “%s” was saved.") % saved.title)
            return redirect(saved)
    return render(
        request,
        "campaigns/meetings/directive_form.html",
        {"form": form, "directive": directive},
    )


# --- Meetings -----------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    # Department heads only ever see issued notices: no status to choose.
    form, qs = page_filter(
        MeetingFilter, request, selectors.meeting_list(user=request.user), staff_only=("status",)
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "campaigns/meetings/meeting_list.html", {"page": page, "filter_form": form}
    )


@login_required
@permission_required("campaigns.view_meeting", raise_exception=True)
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    items = list(meeting.items.all())
    attendances = list(meeting.attendances.all())
    own_attendance = next(
        (a for a in attendances if can_act_for(request.user, a.unit_id, as_member=True)), None
    )
    draft = Meeting.TRANSITIONS.allows(meeting.status, Meeting.Status.ISSUED)
    writes = can_act_on(request.user, meeting)
    context = {
        "meeting": meeting,
        "agenda": [i for i in items if i.kind == MeetingItem.Kind.AGENDA],
        "requirements": [i for i in items if i.kind == MeetingItem.Kind.REQUIREMENT],
        "attendances": attendances,
        "own_attendance": own_attendance,
        "sees_signatures": request.user.sees_all_units,
        # What to offer, asked of the graph, the write rule and the role: a draft is
        # edited and issued by its organiser's side; an issued notice is signed for by
        # an attending unit (the card then shows its signature).
        "can_edit": draft and writes and request.user.has_perm("campaigns.change_meeting"),
        "can_issue": draft and writes and request.user.has_perm("campaigns.issue_meeting"),
        "can_sign": (
            meeting.is_issued
            and own_attendance is not None
            and request.user.has_perm("campaigns.change_meetingattendance")
        ),
        "can_export": meeting.is_issued and request.user.has_perm("campaigns.issue_meeting"),
        "past_issue_reason": selectors.past_issue_reason(meeting),
    }
    return render(request, "campaigns/meetings/meeting_detail.html", context)


def _save_meeting(request: HttpRequest, form: MeetingForm, meeting=None):
    data = form.service_arguments()
    try:
        if meeting is None:
            return services.meeting_create(actor=request.user, **data)
        return services.meeting_update(actor=request.user, meeting=meeting, **data)
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None


@login_required
@permission_required("campaigns.add_meeting", raise_exception=True)
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = _save_meeting(request, form)
        if meeting is not None:
            messages.success(request, _("Meeting “%s” was saved as a draft.") % meeting.title)
            return redirect(meeting)
    return render(request, "campaigns/meetings/meeting_form.html", {"form": form})


@login_required
@permission_required("campaigns.change_meeting", raise_exception=True)
def meeting_update(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not Meeting.TRANSITIONS.allows(meeting.status, Meeting.Status.ISSUED):
        messages.error(request, services.ISSUED_IS_FROZEN)
        return redirect(meeting)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        saved = _save_meeting(request, form, meeting)
        if saved is not None:
            messages.success(request, _("Meeting “%s” was saved.") % saved.title)
            return redirect(saved)
    return render(
        request, "campaigns/meetings/meeting_form.html", {"form": form, "meeting": meeting}
    )


# Errors of the issue that the confirmation page answers beside its own fields; any
# other (an incomplete notice) is mended on the meeting's page.
_ISSUE_CONFIRM_FIELDS = {"starts_at", "past_reason", "override_past"}


@login_required
@permission_required("campaigns.issue_meeting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the notice as it will be numbered, to confirm. POST: issue it (a meeting
    already past only with the override ticked and a reason)."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not Meeting.TRANSITIONS.allows(meeting.status, Meeting.Status.ISSUED):
        messages.info(request, _("This notice has already been issued."))
        return redirect(meeting)
    # Bound on every POST: a confirmation without the override sends no fields at all.
    form = IssueForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            meeting = services.meeting_issue(
                meeting=meeting,
                actor=request.user,
                override_past=form.cleaned_data["override_past"],
                past_reason=form.cleaned_data["past_reason"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict") or not set(exc.error_dict) <= _ISSUE_CONFIRM_FIELDS:
                _error_messages(request, exc)
                return redirect(meeting)
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The notice was issued as %(number)s.") % {"number": meeting.document_number},
            )
            return redirect(meeting)
    context = {
        "meeting": meeting,
        "form": form,
        "next_number": selectors.next_document_number(meeting=meeting),
        "is_past": selectors.meeting_is_past(meeting),
    }
    return render(request, "campaigns/meetings/meeting_issue.html", context)


@login_required
@require_POST
def meeting_sign(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    try:
        services.meeting_sign(meeting=meeting, actor=request.user)
    except MeetingAttendance.DoesNotExist as exc:
        # Another unit's signature: there is nothing here for this user to sign.
        raise Http404 from exc
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("Your unit has signed for the notice."))
    return redirect(meeting)


@login_required
@permission_required("campaigns.change_meeting", raise_exception=True)
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting: Meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record_minutes(
                meeting=meeting, actor=request.user, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect(meeting)
    return render(
        request, "campaigns/meetings/meeting_minutes.html", {"form": form, "meeting": meeting}
    )
