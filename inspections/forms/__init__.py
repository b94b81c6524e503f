"""The inspections pages' forms, one module per area; shared fields and choices in
``fields``."""
