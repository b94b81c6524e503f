"""The inspections pages, one module per area (overview, tasks, inspections, hazards,
reports, enforcement, statistics)."""
