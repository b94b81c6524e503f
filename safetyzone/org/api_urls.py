from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.register("units", api.UnitViewSet, basename="unit")
router.register("key-areas", api.KeyAreaViewSet, basename="key-area")
router.register("enterprises", api.EnterpriseViewSet, basename="enterprise")

urlpatterns = router.urls
