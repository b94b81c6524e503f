from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _perms(actions: str, *models: str) -> list[str]:
    return [f"duty.{action}_{model}" for model in models for action in actions.split()]


ALL_MODELS = (
    "dutyroster",
    "shift",
    "shiftassignment",
    "shiftchange",
    "unavailability",
    "leaverequest",
    "swaprequest",
    "dutylogentry",
    "handover",
    "openmatter",
    "incidentreport",
    "incidentupdate",
    "weatherwarning",
    "emergencyresource",
    "stockmovement",
    "rescueteam",
    "rescueteammember",
    "standbyassignment",
    "dutyreport",
)
# What everyone signed in may read (within their scope).
PUBLIC_MODELS = (
    "dutyroster",
    "shift",
    "shiftassignment",
    "weatherwarning",
    "emergencyresource",
    "rescueteam",
    "rescueteammember",
    "standbyassignment",
)
# What committee staff build and manage.
STAFF_MANAGED = (
    "dutyroster",
    "shift",
    "shiftassignment",
    "unavailability",
    "weatherwarning",
    "emergencyresource",
    "stockmovement",
    "rescueteam",
    "rescueteammember",
    "standbyassignment",
)


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = _("Emergency duty")

    def ready(self) -> None:
        from safetyzone.org.roles import Role, register_role_permissions

        staff = [
            *_perms("view", *ALL_MODELS),
            *_perms("add change", *STAFF_MANAGED),
            "duty.delete_unavailability",
            "duty.delete_standbyassignment",
            "duty.publish_dutyroster",
            "duty.approve_swaprequest",
            "duty.change_swaprequest",
            # Approving and rejecting are POSTs on the swap-requests resource.
            "duty.add_swaprequest",
            # Granting and refusing leave are POSTs on the leave-requests resource.
            "duty.add_leaverequest",
            "duty.decide_leaverequest",
            "duty.request_for_unit_leaverequest",
            # Confirming a daily duty report in place of its leader on duty.
            "duty.change_dutyreport",
        ]
        register_role_permissions(Role.COMMITTEE_STAFF, staff)
        register_role_permissions(Role.ADMIN, staff)
        on_duty = [
            *_perms("view", *ALL_MODELS),
            # Their own shift's log, handover, reports and swaps: the services check
            # that the shift is theirs.
            *_perms("add", "dutylogentry", "handover", "incidentreport", "incidentupdate"),
            "duty.change_openmatter",
            "duty.add_swaprequest",
            "duty.change_swaprequest",
            # The incoming leader confirms a handover (the service checks who).
            "duty.change_handover",
            # The duty office issues stock at night (the service checks they are on duty).
            "duty.add_stockmovement",
            # Their own leave, asked of committee staff (the service checks it is theirs).
            "duty.add_leaverequest",
            # The leader on duty confirms the daily report (the service checks who).
            "duty.change_dutyreport",
        ]
        register_role_permissions(Role.DUTY_OFFICER, on_duty)
        register_role_permissions(Role.DUTY_LEADER, on_duty)
        for role in (Role.DEPARTMENT_HEAD, Role.INSPECTOR):
            register_role_permissions(role, _perms("view", *PUBLIC_MODELS))
        # A head asks leave for their unit's people and reads their unit's leave.
        register_role_permissions(
            Role.DEPARTMENT_HEAD,
            [
                *_perms("view", "unavailability", "leaverequest"),
                "duty.add_leaverequest",
                "duty.request_for_unit_leaverequest",
            ],
        )

        # The duty office: who is on duty now reads every unit's resources and teams.
        from safetyzone.org.scoping import register_office

        from .models import DUTY_OFFICE

        def on_duty(user) -> bool:
            from .selectors.rosters import on_duty_now

            return on_duty_now(user=user)

        register_office(DUTY_OFFICE, on_duty)

        # Home panel and document kinds of this app.
        from . import documents, panels, reminders  # noqa: F401
