"""One module per area: planning (campaigns, phases, key periods, directives), meetings
(and document numbers), activities, tasks. Import from the module, e.g.
``from campaigns.selectors.meetings import ...``."""
