def register(router) -> None:
    """Add this area's viewsets to the API router."""
