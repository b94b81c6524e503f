from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.register("notifications", api.NotificationViewSet, basename="notification")

urlpatterns = router.urls
