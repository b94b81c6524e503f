from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict:
    """What the base layout needs on every page."""
    return {"LANGUAGES_AVAILABLE": settings.LANGUAGES}
