"""The duty API under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .api import duty_report, incidents, leave, log, resources, rosters, shifts

router = DefaultRouter(trailing_slash=True)
router.register("rosters", rosters.RosterViewSet, basename="duty-roster")
router.register("shifts", shifts.ShiftViewSet, basename="duty-shift")
router.register("swap-requests", rosters.SwapRequestViewSet, basename="duty-swap-request")
router.register("unavailabilities", leave.UnavailabilityViewSet, basename="duty-unavailability")
router.register("leave-requests", leave.LeaveRequestViewSet, basename="duty-leave-request")
router.register("duty-logs", log.DutyLogViewSet, basename="duty-log")
router.register("handovers", log.HandoverViewSet, basename="duty-handover")
router.register(
    "incident-reports", incidents.IncidentReportViewSet, basename="duty-incident-report"
)
router.register(
    "weather-warnings", incidents.WeatherWarningViewSet, basename="duty-weather-warning"
)
router.register("resources", resources.ResourceViewSet, basename="duty-resource")
router.register("stock-movements", resources.StockMovementViewSet, basename="duty-stock-movement")
router.register("rescue-teams", resources.RescueTeamViewSet, basename="duty-rescue-team")
router.register("standby-assignments", resources.StandbyViewSet, basename="duty-standby")
router.register("duty-reports", duty_report.DutyReportViewSet, basename="duty-report")

urlpatterns = router.urls
