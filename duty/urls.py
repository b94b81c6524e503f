from django.urls import path

from . import views

app_name = "duty"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_shifts, name="mine"),
    path("mine/feed/renew/", views.feed_renew, name="feed-renew"),
    path("feed/<str:token>.ics", views.person_feed, name="person-feed"),
    path("calendar/", views.month_calendar, name="calendar"),
    path("rosters/", views.roster_list, name="roster-list"),
    path("rosters/new/", views.roster_create, name="roster-create"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster-detail"),
    path("rosters/<int:pk>/generate/", views.roster_generate, name="roster-generate"),
    path("rosters/<int:pk>/publish/", views.roster_publish, name="roster-publish"),
    path("rosters/<int:pk>/calendar.ics", views.roster_ical, name="roster-ical"),
    path("rosters/<int:roster_pk>/shifts/new/", views.shift_create, name="shift-create"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift-detail"),
    path("shifts/<int:pk>/edit/", views.shift_update, name="shift-update"),
    path("shifts/<int:pk>/log/", views.log_create, name="log-create"),
    path("shifts/<int:pk>/handover/", views.handover_create, name="handover-create"),
    path("shifts/<int:pk>/swap/", views.swap_create, name="swap-create"),
    path("shifts/<int:pk>/incidents/new/", views.incident_create, name="incident-create"),
    path("matters/<int:pk>/close/", views.matter_close, name="matter-close"),
    path("swaps/", views.swap_list, name="swap-list"),
    path("swaps/<int:pk>/<slug:action>/", views.swap_action, name="swap-action"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("warnings/", views.warning_list, name="warning-list"),
    path("warnings/<int:pk>/lift/", views.warning_lift, name="warning-lift"),
    path("resources/", views.resource_list, name="resource-list"),
    path("resources/new/", views.resource_create, name="resource-create"),
    path("resources/<int:pk>/", views.resource_detail, name="resource-detail"),
    path("resources/<int:pk>/edit/", views.resource_update, name="resource-update"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/new/", views.team_create, name="team-create"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("standby/new/", views.standby_create, name="standby-create"),
    path("unavailability/", views.unavailability_list, name="unavailability-list"),
    path("fairness/", views.fairness, name="fairness"),
]
