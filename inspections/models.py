"""Models of the inspections domain arrive with its own issue."""
