from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "safetyzone.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from .services import roles_sync_after_migrate

        # Like Django's own permissions, role groups follow the code after each migrate.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="org.roles_sync")
        self._watch_grants()

    def _watch_grants(self) -> None:
        from django.contrib.auth.models import Group, Permission

        from .authcache import grants_changed
        from .models import User

        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(grants_changed, sender=through, dispatch_uid=f"grants.{through}")
        m2m_changed.connect(
            grants_changed, sender=Group.permissions.through, dispatch_uid="grants.group_perms"
        )
        for model in (Group, Permission):
            for signal in (post_save, post_delete):
                signal.connect(
                    grants_changed, sender=model, dispatch_uid=f"grants.{model}.{signal}"
                )
