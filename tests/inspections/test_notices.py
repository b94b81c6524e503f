"""A rectification report reaching someone's desk tells them at once, with the hazard's
link, once: filed → the reviewers (committee staff who may accept or return it); sent
back or accepted → the responsible unit's heads and the report's filer. The actor, the
heads of other units and a rolled back service tell nobody; no mail is sent by hand."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from inspections.services import hazards as hazard_services
from inspections.services import reports as report_services
from safetyzone.notifications.models import Notification
from tests.factories import committee_staff, head_of
from tests.helpers import told


def file_report(head, hazard, measures="清理杂物，设置禁止堆放标识"):
    hazard_services.hazard_start_rectification(actor=head, hazard=hazard)
    return report_services.report_file(
        actor=head, hazard=hazard, measures_taken=measures, completed_on=dt.date(2024, 6, 12)
    )


@pytest.fixture
def hazard(hazard_a):
    Notification.objects.all().delete()  # whatever recording the hazard told
    return hazard_a


def test_a_filed_report_tells_the_reviewers_not_the_unit(staff, alice, bob, inspector_a, hazard):
    reviewer2 = committee_staff(username="staff2")
    report = file_report(alice, hazard)
    url = hazard.get_absolute_url()
    assert told() == [("staff", "submitted", url), ("staff2", "submitted", url)]
    notification = Notification.objects.get(recipient=reviewer2)
    assert notification.kind == Notification.Kind.RECTIFICATION_REPORT
    assert hazard.code in notification.subject_label
    assert hazard.code in notification.message
    assert notification.subject_key == f"inspections.rectificationreport:{report.pk}"


def test_a_returned_report_tells_the_units_heads_and_the_filer_once(staff, alice, bob, hazard):
    head_of(hazard.responsible_unit, username="alice2")
    file_report(alice, hazard)
    Notification.objects.all().delete()
    report_services.report_return(actor=staff, hazard=hazard, reason="照片未体现整改后现场")
    url = hazard.get_absolute_url()
    assert told() == [("alice", "returned", url), ("alice2", "returned", url)]
    assert "照片未体现整改后现场" in Notification.objects.get(recipient=alice).message


def test_a_report_returned_twice_in_a_day_is_told_twice(staff, alice, hazard):
    for reason in ("照片不清晰", "缺少验收记录"):
        file_report(alice, hazard)
        report_services.report_return(actor=staff, hazard=hazard, reason=reason)
    messages = list(
        Notification.objects.filter(recipient=alice, reason="returned").values_list(
            "message", flat=True
        )
    )
    assert len(messages) == 2
    assert any("照片不清晰" in m for m in messages)
    assert any("缺少验收记录" in m for m in messages)


def test_an_accepted_report_tells_the_units_heads_and_the_filer(staff, alice, bob, hazard):
    filer = head_of(hazard.responsible_unit, username="alice2")
    file_report(filer, hazard)
    Notification.objects.all().delete()
    report_services.report_accept(actor=staff, hazard=hazard, note="现场核查属实")
    url = hazard.get_absolute_url()
    assert told() == [("alice", "accepted", url), ("alice2", "accepted", url)]


def test_heads_of_another_unit_never_hear_of_unit_as_reports(staff, alice, bob, hazard):
    file_report(alice, hazard)
    report_services.report_return(actor=staff, hazard=hazard, reason="照片不清晰")
    file_report(alice, hazard)
    report_services.report_accept(actor=staff, hazard=hazard)
    assert not Notification.objects.filter(recipient=bob).exists()
    assert not Notification.objects.filter(recipient=alice, reason="submitted").exists()
    assert not Notification.objects.filter(recipient=staff).exclude(reason="submitted").exists()


def test_a_rolled_back_return_tells_nobody(
    staff, alice, hazard, django_capture_on_commit_callbacks
):
    alice.email = "alice@example.gov.cn"
    alice.save()
    file_report(alice, hazard)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            report_services.report_return(actor=staff, hazard=hazard, reason="照片不清晰")
            raise RuntimeError("the request failed after the service")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_head_gets_an_email_with_the_hazards_link(
    staff, alice, hazard, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://aqy.example.gov.cn"
    alice.email = "alice@example.gov.cn"
    alice.save()
    file_report(alice, hazard)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_return(actor=staff, hazard=hazard, reason="照片不清晰")
    assert [m.to for m in mail.outbox] == [["alice@example.gov.cn"]]
    assert f"https://aqy.example.gov.cn{hazard.get_absolute_url()}" in mail.outbox[0].body
