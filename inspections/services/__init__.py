"""Changes of state of the inspections domain, one module per area: hazards (the ledger's
records, codes, supervision), hazard_changes (level and deadline requests), reports
(rectification reports), inspections, tasks, enforcement (violations and actions),
statistics (quarterly tables), imports. Import from the module, e.g.
``from inspections.services.hazards import hazard_create``."""
