"""The duty pages, one module per area: rosters (overview, rosters, calendar, fairness),
leave (leave requests and recorded leave), shifts (a shift, its swaps), log (duty log,
handovers, open matters), incidents (incident reports, weather warnings), resources
(resources, rescue teams, standby), feeds (calendar feeds). Import from the module, e.g.
``from duty.views.log import handover_create``."""
