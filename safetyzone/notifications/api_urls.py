from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.register("notifications", api.NotificationViewSet, basename="notification")

urlpatterns = [
    path(
        "notification-preferences/",
        api.ChannelPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path("unit-robot/", api.UnitRobotView.as_view(), name="unit-robot"),
    *router.urls,
]
