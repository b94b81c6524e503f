from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from safetyzone.core import views as core_views
from safetyzone.org import api_auth

api_v1 = [
    path("auth/token/", api_auth.TokenView.as_view(), name="api-token"),
    path("auth/logout/", api_auth.LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", api_auth.LogoutAllView.as_view(), name="api-logout-all"),
    path("", include("safetyzone.org.api_urls")),
    path("", include("safetyzone.documents.api_urls")),
    path("", include("safetyzone.notifications.api_urls")),
    path("", include("campaigns.api_urls")),
    path("", include("inspections.api_urls")),
    path("", include("duty.api_urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    # Passwords are reset by the office's admin, so no self-service reset pages.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("safetyzone.org.urls")),
    path("documents/", include("safetyzone.documents.urls")),
    path("notifications/", include("safetyzone.notifications.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("inspections/", include("inspections.urls")),
    path("duty/", include("duty.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

handler400 = "safetyzone.core.views.error_400"
handler403 = "safetyzone.core.views.error_403"
handler404 = "safetyzone.core.views.error_404"
handler500 = "safetyzone.core.views.error_500"
