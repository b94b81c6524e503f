"""The campaigns panel of the home page."""
