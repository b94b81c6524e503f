from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _perms(actions: str, *models: str) -> list[str]:
    return [f"campaigns.{action}_{model}" for model in models for action in actions.split()]


ALL_MODELS = (
    "campaign",
    "campaignphase",
    "keyperiod",
    "directive",
    "meeting",
    "meetingitem",
    "meetingattendance",
    "activity",
    "activityphoto",
    "task",
    "taskassignment",
    "assignmentattachment",
    "extensionrequest",
    "chaser",
    "progressreport",
)
READ_MODELS = ("campaign", "campaignphase", "keyperiod", "directive", "meeting", "activity")


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from safetyzone.org.roles import Role, register_role_permissions

        staff = [
            *_perms("view add change", *ALL_MODELS),
            "campaigns.view_documentnumber",
            "campaigns.issue_meeting",
            "campaigns.chase_taskassignment",
            "campaigns.decide_extensionrequest",
        ]
        register_role_permissions(Role.COMMITTEE_STAFF, staff)
        register_role_permissions(
            Role.ADMIN,
            [*staff, *_perms("view change", "documentnumbersequence")],
        )
        register_role_permissions(
            Role.DEPARTMENT_HEAD,
            [
                *_perms("view", *READ_MODELS, "task", "taskassignment", "activityphoto"),
                *_perms("view add change", "activity", "activityphoto"),
                "campaigns.change_taskassignment",
                "campaigns.change_meetingattendance",
                "campaigns.add_assignmentattachment",
                "campaigns.view_assignmentattachment",
                "campaigns.add_extensionrequest",
                "campaigns.view_extensionrequest",
                "campaigns.add_progressreport",
                "campaigns.view_progressreport",
                "campaigns.view_chaser",
                "campaigns.change_chaser",
            ],
        )
        for role in (Role.INSPECTOR, Role.DUTY_OFFICER, Role.DUTY_LEADER):
            register_role_permissions(role, _perms("view", *READ_MODELS))

        # Home panel and document kinds of this app.
        from . import documents, panels, reminders  # noqa: F401
