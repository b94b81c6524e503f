from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safetyzone.core.forms import errors_to_form
from safetyzone.core.pagination import Paginator

from . import selectors, services
from .escalation import escalation_acknowledge
from .forms import UnitWebhookForm
from .models import Notification


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread = request.GET.get("unread") == "1"
    notifications = selectors.notification_list(user=request.user, unread=True if unread else None)
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread,
        "can_set_robot": selectors.can_set_unit_robot(request.user),
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The navbar bell, loaded by htmx so that pages pay no query for it."""
    count = selectors.unread_count(user=request.user)
    return render(request, "notifications/_bell_count.html", {"unread_count": count})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    target = notification.subject_url
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """签收: the reminder's escalation stops; someone else's notification is a 404."""
    notification = selectors.notification_get(user=request.user, pk=pk)
    try:
        escalation_acknowledge(notification=notification, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Acknowledged: it goes no further up."))
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Each kind of reminder with the channels the user wants on top of the app."""
    if request.method == "POST":
        services.channel_preferences_set(
            user=request.user,
            choices={
                kind: (
                    request.POST.get(f"{kind}-email") == "on",
                    request.POST.get(f"{kind}-webhook") == "on",
                )
                for kind in Notification.Kind.values
            },
        )
        messages.success(request, _("Your notification channels are saved."))
        return redirect("notifications:preferences")
    rows = selectors.channel_preference_list(user=request.user)
    return render(request, "notifications/preferences.html", {"rows": rows})


@login_required
def unit_robot(request: HttpRequest) -> HttpResponse:
    """The group robot of the user's own unit, set by its head (or the office's staff)."""
    if not selectors.can_set_unit_robot(request.user):
        raise PermissionDenied
    unit = request.user.unit
    current = selectors.unit_webhook_get(unit=unit)
    form = UnitWebhookForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_webhook_set(actor=request.user, unit=unit, **form.changes())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The group robot is saved."))
            return redirect("notifications:robot")
    return render(request, "notifications/robot.html", {"form": form, "unit": unit})
