"""Shapes of the inspections API, one module per area. They check the shape only: the
services decide."""
