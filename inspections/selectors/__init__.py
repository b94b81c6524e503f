"""Reads of the inspections domain that depend on who asks, one module per area: tasks
(checklists, tasks, coverage), inspections, hazards (the ledger, history, change
requests), reports, enforcement, statistics. Import from the module, e.g.
``from inspections.selectors.hazards import hazard_list``. Selectors never import
services."""
