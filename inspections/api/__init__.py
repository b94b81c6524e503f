"""The inspections API, one module per area with its viewsets (tasks, inspections,
hazards, reports, enforcement); their serializers are in ``inspections.api.serializers``."""
