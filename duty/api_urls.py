"""The duty API under /api/v1/."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter(trailing_slash=True)
router.register("rosters", api.RosterViewSet, basename="duty-roster")
router.register("shifts", api.ShiftViewSet, basename="duty-shift")
router.register("swap-requests", api.SwapRequestViewSet, basename="duty-swap-request")
router.register("duty-logs", api.DutyLogViewSet, basename="duty-log")
router.register("handovers", api.HandoverViewSet, basename="duty-handover")
router.register("incident-reports", api.IncidentReportViewSet, basename="duty-incident-report")
router.register("weather-warnings", api.WeatherWarningViewSet, basename="duty-weather-warning")
router.register("resources", api.ResourceViewSet, basename="duty-resource")
router.register("stock-movements", api.StockMovementViewSet, basename="duty-stock-movement")
router.register("rescue-teams", api.RescueTeamViewSet, basename="duty-rescue-team")
router.register("standby-assignments", api.StandbyViewSet, basename="duty-standby")

urlpatterns = router.urls
