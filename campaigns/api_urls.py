"""The campaigns API under /api/v1/: each area registers its viewsets."""

from rest_framework.routers import DefaultRouter

from campaigns.api import activities, meetings, planning, tasks

router = DefaultRouter(trailing_slash=True)
for area in (planning, meetings, activities, tasks):
    area.register(router)

urlpatterns = router.urls
