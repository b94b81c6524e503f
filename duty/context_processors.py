from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def warnings(request: HttpRequest) -> dict:
    """Active weather warnings for the banner on every page (``duty/_warning_banner.html``).
    Lazy, for a signed-in user only, and cached: most pages pay no query for it."""

    def active():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        from .selectors.incidents import banner_warnings

        return banner_warnings()

    return {"duty_active_warnings": SimpleLazyObject(active)}
