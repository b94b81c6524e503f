"""The duty API under /api/v1/, one module per area with its viewsets (their serializers
in ``serializers/<area>.py``, what they share in ``_common.py``): rosters (rosters, swap
requests), shifts, log (duty log, handovers), incidents (incident reports, weather
warnings), resources (resources, stock movements, rescue teams, standby). Import from
the module, e.g. ``from duty.api.shifts import ShiftViewSet``."""
