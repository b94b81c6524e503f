"""Changes of state of the duty domain, one module per area: rosters (making,
generating, publishing), shifts (shifts and their people, unavailability), swaps, log
(duty log, handovers, open matters), incidents (incident reports, their updates, weather
warnings), resources (emergency resources, stock, rescue teams, standby), leave (leave
requests and their decision), feeds (calendar feeds). Import from the module, e.g.
``from duty.services.swaps import swap_accept``."""
