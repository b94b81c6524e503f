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
        # The evidence pack (packs.py) for an upper-level inspection: committee staff for
        # any units, a head for their own unit.
        for role in (Role.COMMITTEE_STAFF, Role.ADMIN, Role.DEPARTMENT_HEAD):
            register_role_permissions(role, ["documents.build_evidence_pack"])
