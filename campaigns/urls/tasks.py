from django.urls import path

from campaigns.views import tasks as views

urlpatterns = [
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/new/", views.task_create, name="task-create"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/edit/", views.task_update, name="task-update"),
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/sign/", views.assignment_sign, name="assignment-sign"),
    path("assignments/<int:pk>/start/", views.assignment_start, name="assignment-start"),
    path("assignments/<int:pk>/complete/", views.assignment_complete, name="assignment-complete"),
    path("assignments/<int:pk>/return/", views.assignment_return, name="assignment-return"),
    path("assignments/<int:pk>/chase/", views.assignment_chase, name="assignment-chase"),
    path(
        "assignments/<int:pk>/extension/", views.assignment_extension, name="assignment-extension"
    ),
    path("assignments/<int:pk>/progress/", views.assignment_progress, name="assignment-progress"),
    path(
        "assignment-attachments/<int:pk>/",
        views.attachment_download,
        name="assignment-attachment",
    ),
    path("extension-requests/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
    path("chasers/<int:pk>/acknowledge/", views.chaser_acknowledge, name="chaser-acknowledge"),
]
