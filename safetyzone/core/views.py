from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from safetyzone.org.selectors import enterprise_list, unit_list

from . import api_errors
from .panels import home_panels, home_scripts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    panels = home_panels(request)
    context = {
        "panels": panels,
        "panel_scripts": home_scripts(panels),
        "unit_count": unit_list(user=user).count(),
        "enterprise_count": enterprise_list(user=user).count(),
    }
    return render(request, "core/home.html", context)


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not answering"
        return False, type(exc).__name__
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    from safetyzone.celery import app

    try:
        # A probe must answer fast: one quick retry, and a connect timeout of its own.
        with app.connection_for_write(connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0.2, timeout=3)
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, "ok"


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, which browsers and feed readers ask for whatever the page links: the
    static file's URL (hashed in production, so the file itself is cached for good)."""
    return HttpResponseRedirect(static("favicon.ico"))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and the broker, where one is configured) answers, else 503."""
    checks = {"database": _database_ok()}
    if settings.HEALTHZ_CHECK_BROKER:
        checks["broker"] = _broker_ok()
    healthy = all(ok for ok, _detail in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: detail for name, (_ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


# Under /api/ the error views answer the API's JSON error format (api_errors).


def error_400(request: HttpRequest, exception=None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.api_error_400(exception)
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.api_error_403()
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.api_error_404()
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if api_errors.is_api(request):
        return api_errors.api_error_500()
    # No context processors that might touch the database that just failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
