from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _perms(actions: str, *models: str) -> list[str]:
    return [f"inspections.{action}_{model}" for model in models for action in actions.split()]


ALL_MODELS = (
    "checklisttemplate",
    "checklistitem",
    "inspectiontask",
    "inspectiontaskunit",
    "inspectiontarget",
    "inspection",
    "inspectionanswer",
    "answerphoto",
    "hazard",
    "hazarddraft",
    "hazardphoto",
    "hazardchangerequest",
    "rectificationreport",
    "reportevidence",
    "violation",
    "enforcementaction",
    "quarterlyreport",
)


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from safetyzone.org.roles import Role, register_role_permissions

        staff = [
            *_perms("view add change delete", *ALL_MODELS),
            "inspections.review_hazard",
            "inspections.supervise_hazard",
            "inspections.decide_hazardchangerequest",
        ]
        register_role_permissions(Role.COMMITTEE_STAFF, staff)
        register_role_permissions(
            Role.ADMIN, [*staff, *_perms("view change", "hazardcodesequence")]
        )
        # Heads see their unit's tasks, inspections and hazards, work on the hazards
        # and file rectification reports.
        register_role_permissions(
            Role.DEPARTMENT_HEAD,
            [
                *_perms(
                    "view",
                    "checklisttemplate",
                    "checklistitem",
                    "inspectiontask",
                    "inspectiontarget",
                    "inspection",
                    "inspectionanswer",
                    "answerphoto",
                    "violation",
                    "enforcementaction",
                ),
                *_perms("view add change", "hazard", "hazardphoto"),
                # Confirms or discards the drafts of the unit's inspections.
                *_perms("view change", "hazarddraft"),
                # A change of level or deadline is a request staff decide.
                *_perms("view add", "hazardchangerequest"),
                *_perms("view add", "rectificationreport", "reportevidence", "quarterlyreport"),
            ],
        )
        # Inspectors record inspections, the hazards and violations they find, and the
        # enforcement that follows.
        register_role_permissions(
            Role.INSPECTOR,
            [
                *_perms(
                    "view",
                    "checklisttemplate",
                    "checklistitem",
                    "inspectiontask",
                    "inspectiontarget",
                    "rectificationreport",
                    "reportevidence",
                ),
                *_perms(
                    "view add change",
                    "inspection",
                    "inspectionanswer",
                    "answerphoto",
                    "hazard",
                    "hazarddraft",
                    "hazardphoto",
                    "violation",
                    "enforcementaction",
                ),
            ],
        )
        for role in (Role.DUTY_OFFICER, Role.DUTY_LEADER):
            register_role_permissions(role, _perms("view", "checklisttemplate", "checklistitem"))

        from . import documents, panels, reminders  # noqa: F401
