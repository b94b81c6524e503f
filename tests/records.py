"""Records that take more than a factory to make (they go through the services, at the
right moment), each written once for the tests that need them: the list query counts
(tests/test_list_queries.py) and the permission matrix (tests/test_permission_matrix.py)."""

import datetime as dt

import time_machine

from campaigns.services import meetings as meeting_services
from duty.services.incidents import incident_report_create, incident_update_create
from duty.services.log import handover_create
from duty.services.resources import standby_create, stock_move
from duty.times import shift_window
from inspections.services import hazard_changes as change_services
from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services

from .duty.factories import ResourceFactory, TeamFactory
from .factories import KeyPeriodFactory, draft_meeting


def issued_meeting(*, office, units, staff, **kwargs):
    meeting = draft_meeting(organiser=office, units=units, **kwargs)
    return meeting_services.meeting_issue(meeting=meeting, actor=staff)


def filed_report(*, hazard, head):
    """The head takes the hazard into rectification and files its report."""
    hazard_services.hazard_start_rectification(actor=head, hazard=hazard)
    return report_services.report_file(
        actor=head, hazard=hazard, measures_taken="已清理", completed_on=dt.date(2024, 6, 9)
    )


def change_request(*, hazard, head):
    return change_services.hazard_change_request(
        actor=head, hazard=hazard, deadline=dt.date(2024, 7, 20), reason="设备到货延迟"
    )


def handover(*, shift, officer):
    """The shift's handover, written at its end."""
    with time_machine.travel(shift.ends_at, tick=False):
        return handover_create(actor=officer, shift=shift, new_matters=["甲", "乙"])


def incident(*, shift, officer):
    """A fire reported an hour into the shift, recorded an hour later, with its first
    update."""
    start = shift.starts_at
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        report = incident_report_create(
            actor=officer,
            shift=shift,
            received_at=start + dt.timedelta(hours=1),
            reported_by="群众",
            kind="fire",
            place="硅谷大街",
            description="厂房冒烟",
        )
        incident_update_create(
            actor=officer,
            report=report,
            kind="first",
            method="phone",
            content="已报告",
            received_by="值班室",
        )
    return report


def stock_issue(*, unit, staff):
    """One item of a new resource of ``unit`` issued."""
    resource = ResourceFactory(unit=unit)
    stock_move(actor=staff, resource=resource, direction="out", quantity=1)
    return resource.movements.get()


def standby(*, unit, staff, day: dt.date):
    """A team and a resource of ``unit`` on standby for two hours of ``day``."""
    start = shift_window(day)[0]
    return standby_create(
        actor=staff,
        key_period=KeyPeriodFactory(start_date=day, end_date=day),
        place="马拉松终点",
        team=TeamFactory(unit=unit),
        resource=ResourceFactory(unit=unit),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
