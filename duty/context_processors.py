from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def warnings(request: HttpRequest) -> dict:
    """Active weather warnings for the banner on every page (``duty/_warning_banner.html``).
    Lazy: the one query runs only where the banner is rendered, for a signed-in user."""

    def active():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        from .selectors import active_warnings

        return active_warnings()

    return {"duty_active_warnings": SimpleLazyObject(active)}
