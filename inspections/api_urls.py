"""The inspections API under /api/v1/ (key areas are the organisation's: /api/v1/key-areas/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from inspections.api import coverage as coverage_api
from inspections.api import enforcement as enforcement_api
from inspections.api import hazard_drafts as draft_api
from inspections.api import hazards as hazard_api
from inspections.api import inspections as inspection_api
from inspections.api import reports as report_api
from inspections.api import tasks as task_api

router = DefaultRouter(trailing_slash=True)
router.register(
    "checklist-templates", task_api.ChecklistTemplateViewSet, basename="checklist-template"
)
router.register("inspection-tasks", task_api.InspectionTaskViewSet, basename="inspection-task")
router.register("inspections", inspection_api.InspectionViewSet, basename="inspection")
router.register("hazards", hazard_api.HazardViewSet, basename="hazard")
router.register("hazard-drafts", draft_api.HazardDraftViewSet, basename="hazard-draft")
router.register(
    "hazard-change-requests",
    hazard_api.HazardChangeRequestViewSet,
    basename="hazard-change-request",
)
router.register(
    "rectification-reports", report_api.RectificationReportViewSet, basename="rectification-report"
)
router.register("violations", enforcement_api.ViolationViewSet, basename="violation")
router.register(
    "enforcement-actions", enforcement_api.EnforcementActionViewSet, basename="enforcement-action"
)

urlpatterns = [
    path("coverage/", coverage_api.CoverageView.as_view(), name="coverage"),
    path("coverage/cell/", coverage_api.CoverageCellView.as_view(), name="coverage-cell"),
    *router.urls,
]
