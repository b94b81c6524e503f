"""Models of the campaigns domain arrive with its own issue."""
