from django.urls import path

from campaigns.views import activities as views

urlpatterns = [
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_update, name="activity-update"),
    path("activities/<int:pk>/photos/", views.activity_photos_add, name="activity-photos-add"),
    path("activities/photos/<int:pk>/", views.activity_photo, name="activity-photo"),
    path(
        "activities/photos/<int:pk>/thumbnail/",
        views.activity_photo_thumbnail,
        name="activity-photo-thumbnail",
    ),
]
