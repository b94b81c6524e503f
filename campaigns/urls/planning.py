from django.urls import path

from campaigns.views import planning as views

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_update, name="campaign-update"),
    path("campaigns/<int:pk>/copy/", views.campaign_copy, name="campaign-copy"),
    path("key-periods/", views.key_period_list, name="key-period-list"),
    path("key-periods/new/", views.key_period_create, name="key-period-create"),
    path("key-periods/<int:pk>/", views.key_period_detail, name="key-period-detail"),
    path("key-periods/<int:pk>/edit/", views.key_period_update, name="key-period-update"),
]
