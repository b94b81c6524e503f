"""The inspections API under /api/v1/ (key areas are the organisation's: /api/v1/key-areas/)."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.register("checklist-templates", api.ChecklistTemplateViewSet, basename="checklist-template")
router.register("inspection-tasks", api.InspectionTaskViewSet, basename="inspection-task")
router.register("inspections", api.InspectionViewSet, basename="inspection")
router.register("hazards", api.HazardViewSet, basename="hazard")
router.register(
    "hazard-change-requests", api.HazardChangeRequestViewSet, basename="hazard-change-request"
)
router.register(
    "rectification-reports", api.RectificationReportViewSet, basename="rectification-report"
)
router.register("violations", api.ViolationViewSet, basename="violation")
router.register("enforcement-actions", api.EnforcementActionViewSet, basename="enforcement-action")

urlpatterns = router.urls
