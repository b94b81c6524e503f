"""Pages of activities: a head reports their unit's activities, staff see all; photos
are served only through the permission-checked views here."""

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.filters import ActivityFilter
from campaigns.forms.activities import ActivityForm, ActivityPhotoForm
from campaigns.models import Activity, ActivityPhoto
from campaigns.selectors import activities as selectors
from campaigns.services import activities as services
from safetyzone.core.filters import page_filter
from safetyzone.core.forms import errors_to_form
from safetyzone.core.pagination import Paginator
from safetyzone.core.uploads import protected_file_response

from .planning import PAGE_SIZE

THUMBNAIL_SIZE = (320, 320)


@login_required
@permission_required("campaigns.view_activity", raise_exception=True)
def activity_list(request: HttpRequest) -> HttpResponse:
    form, qs = page_filter(
        ActivityFilter, request, selectors.activity_list(user=request.user), staff_only=("unit",)
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "campaigns/activities/activity_list.html", {"page": page, "filter_form": form}
    )


def _detail_page(
    request: HttpRequest, activity: Activity, photo_form: ActivityPhotoForm | None = None
) -> HttpResponse:
    can_add_photos = request.user.has_perm("campaigns.add_activityphoto")
    return render(
        request,
        "campaigns/activities/activity_detail.html",
        {
            "activity": activity,
            "photos": activity.photos.all(),
            "photo_form": photo_form or (ActivityPhotoForm() if can_add_photos else None),
        },
    )


@login_required
@permission_required("campaigns.view_activity", raise_exception=True)
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.activity_get(user=request.user, pk=pk))


def _activity_form_page(request: HttpRequest, activity: Activity | None) -> HttpResponse:
    form = ActivityForm(
        request.POST or None, request.FILES or None, instance=activity, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if activity is None:
                saved = services.activity_create(actor=request.user, **data)
            else:
                saved = services.activity_update(actor=request.user, activity=activity, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Activity “%s” was saved.") % saved)
            return redirect(saved)
    return render(
        request,
        "campaigns/activities/activity_form.html",
        {"form": form, "activity": activity, "own_unit_only": "unit" not in form.fields},
    )


@login_required
@permission_required("campaigns.add_activity", raise_exception=True)
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    return _activity_form_page(request, None)


@login_required
@permission_required("campaigns.change_activity", raise_exception=True)
@require_http_methods(["GET", "POST"])
def activity_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _activity_form_page(request, selectors.activity_get(user=request.user, pk=pk))


@login_required
@permission_required("campaigns.add_activityphoto", raise_exception=True)
@require_POST
def activity_photos_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(user=request.user, pk=pk)
    form = ActivityPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photos = services.activity_photos_add(
                actor=request.user,
                activity=activity,
                photos=form.cleaned_data["photos"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("%(n)d photos were added.") % {"n": len(photos)})
            return redirect(activity)
    return _detail_page(request, activity, photo_form=form)


@login_required
@permission_required("campaigns.view_activityphoto", raise_exception=True)
@require_GET
def activity_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo itself, for the activity's unit and committee staff only."""
    photo = selectors.activity_photo_get(user=request.user, pk=pk)
    return protected_file_response(photo.image, label=photo.original_name)


def _thumbnail(photo: ActivityPhoto) -> bytes:
    from PIL import Image, ImageOps

    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    with handle, Image.open(handle) as image:
        small = ImageOps.exif_transpose(image)
        small.thumbnail(THUMBNAIL_SIZE)
        if small.mode not in ("RGB", "L"):
            small = small.convert("RGB")
        buffer = BytesIO()
        small.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@login_required
@permission_required("campaigns.view_activityphoto", raise_exception=True)
@require_GET
def activity_photo_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    """A small JPEG of the photo, under the same check as the photo itself."""
    photo = selectors.activity_photo_get(user=request.user, pk=pk)
    response = HttpResponse(_thumbnail(photo), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
