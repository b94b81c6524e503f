from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "safetyzone.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from .services import roles_sync_after_migrate

        # Like Django's own permissions, role groups follow the code after each migrate.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="org.roles_sync")
