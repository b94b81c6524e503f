"""Models of the duty domain arrive with its own issue."""
