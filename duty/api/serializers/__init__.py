"""Shapes of the duty API, one module per area. They check the shape only: the
services decide."""
