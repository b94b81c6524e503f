"""Pages of directives, meetings and their notices."""

from django.urls import path

from campaigns.views import meetings as views

urlpatterns = [
    path("directives/", views.directive_list, name="directive-list"),
    path("directives/new/", views.directive_create, name="directive-create"),
    path("directives/<int:pk>/", views.directive_detail, name="directive-detail"),
    path("directives/<int:pk>/edit/", views.directive_update, name="directive-update"),
    path(
        "directives/<int:pk>/attachment/",
        views.directive_attachment,
        name="directive-attachment",
    ),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_update, name="meeting-update"),
    path("meetings/<int:pk>/issue/", views.meeting_issue, name="meeting-issue"),
    path("meetings/<int:pk>/sign/", views.meeting_sign, name="meeting-sign"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
]
