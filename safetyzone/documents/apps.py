from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "safetyzone.documents"
    label = "documents"
    verbose_name = _("Generated documents")

    def ready(self) -> None:
        from safetyzone.org.roles import Role, register_role_permissions

        from . import kinds

        kinds.register()
        register_role_permissions(
            Role.ADMIN, ["documents.view_generateddocument", "documents.delete_generateddocument"]
        )
