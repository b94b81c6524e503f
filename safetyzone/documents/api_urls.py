from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.register("documents", api.GeneratedDocumentViewSet, basename="document")

urlpatterns = router.urls
