"""Reads of the duty domain that depend on who asks, one module per area: rosters
(rosters, shifts, calendar, fairness, swaps), log (duty log, handovers, open matters),
incidents (incident reports, deadlines, weather warnings), resources (emergency
resources, stock, rescue teams, standby), leave (recorded leave, leave requests and the
published shifts they overlap). Import from the module, e.g.
``from duty.selectors.log import handover_get``. Selectors never import services."""
