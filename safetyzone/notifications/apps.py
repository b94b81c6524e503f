from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "safetyzone.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each domain app's weekly digest section, found by name as the admin finds
        # ``admin`` modules: this app imports none of them.
        autodiscover_modules("digest")
