"""The campaigns pages: each area keeps its own URL list in this package."""

from django.urls import path

from campaigns.views import overview

from . import activities, meetings, planning, tasks

app_name = "campaigns"

urlpatterns = [
    path("", overview.index, name="index"),
    path("calendar/", overview.calendar, name="calendar"),
    *planning.urlpatterns,
    *meetings.urlpatterns,
    *activities.urlpatterns,
    *tasks.urlpatterns,
]
