"""The product's URLs plus the plain baseline views under /bench/."""

from django.urls import include, path

from safetyzone.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/", include("bench.baseline")),
    *product_urlpatterns,
]

handler400 = "safetyzone.core.views.error_400"
handler403 = "safetyzone.core.views.error_403"
handler404 = "safetyzone.core.views.error_404"
handler500 = "safetyzone.core.views.error_500"
