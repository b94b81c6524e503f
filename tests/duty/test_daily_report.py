"""The daily duty report (值班日报): generated at the change-over from the shift that
ended, numbered per year, confirmed by its leader on duty (or staff), kept as it was,
sent up through the outbox, exported as PDF, reminded once when left unconfirmed."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from duty.models import DutyReport, StockMovement
from duty.services.duty_report import duty_report_confirm, duty_report_generate
from duty.services.incidents import incident_report_create, incident_update_create
from duty.services.log import handover_create, log_entry_create
from duty.services.resources import stock_move
from duty.tasks import daily_reports_generate_task
from safetyzone.core.states import TransitionNotAllowed
from safetyzone.documents.models import GeneratedDocument
from safetyzone.notifications.models import Channel, Delivery, Notification
from safetyzone.notifications.services import run_sweeps
from safetyzone.org.scoping import OutsideUnit
from tests.helpers import count_queries

from .factories import ResourceFactory, WarningFactory, leader, officer, staff_shift

pytestmark = pytest.mark.django_db

TZ = "+08:00"


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment + TZ)


@pytest.fixture
def day(roster_a, officer_a, staff, unit_a):
    """The duty day of 1 June 2024 (08:30 to 08:30): a call logged, an incident reported
    up by phone in time and in writing late, an orange warning, sand bags issued, and a
    matter left open at the handover."""
    shift = roster_a.shifts.get(date=date(2024, 6, 1))
    with time_machine.travel(at("2024-06-01 22:30:00"), tick=False):
        log_entry_create(
            actor=officer_a, shift=shift, kind="call", content="越山街道报告下穿桥积水"
        )
        incident = incident_report_create(
            actor=officer_a,
            shift=shift,
            received_at=at("2024-06-01 22:05:00"),
            reported_by="越山街道值班室",
            kind="accident",
            level="general",
            place="越山路下穿桥",
            description="一辆轿车涉水熄火，无人员伤亡",
        )
        incident_update_create(
            actor=officer_a,
            report=incident,
            kind="first",
            method="phone",
            content="电话首报",
            received_by="市应急局值班室",
            sent_at=at("2024-06-01 22:20:00"),
        )
    WarningFactory(issued_at=at("2024-06-01 12:00:00"), valid_until=at("2024-06-02 06:00:00"))
    resource = ResourceFactory(unit=unit_a, name="防汛沙袋", measure="袋")
    stock_move(
        actor=staff,
        resource=resource,
        direction=StockMovement.Direction.OUT,
        quantity=Decimal(40),
        purpose="下穿桥围挡",
        handled_by="杨帆",
        moved_at=at("2024-06-01 23:00:00"),
    )
    with time_machine.travel(at("2024-06-02 08:35:00"), tick=False):
        handover_create(actor=officer_a, shift=shift, new_matters=["积水点持续监测"])
    return shift


@pytest.fixture
def report(day):
    with time_machine.travel(at("2024-06-02 08:40:00"), tick=False):
        return duty_report_generate(shift=day)


# --- Generation ----------------------------------------------------------------------


def test_the_report_holds_the_past_24_hours(report, leader_a, officer_a):
    content = report.content
    assert report.duty_day == date(2024, 6, 1)
    assert (report.period_start, report.period_end) == (
        at("2024-06-01 08:30:00"),
        at("2024-06-02 08:30:00"),
    )
    assert {(p["name"], p["role"]) for p in content["people"]} == {
        (str(leader_a), "leader"),
        (str(officer_a), "officer"),
    }
    assert [e["content"] for e in content["log"]] == ["越山街道报告下穿桥积水"]
    (incident,) = content["incidents"]
    assert incident["place"] == "越山路下穿桥"
    assert incident["received_at"].startswith("2024-06-01T22:05")
    limits = {limit["key"]: limit for limit in incident["limits"]}
    # Phone within 30 minutes (22:20 for 22:05); nothing in writing within the hour.
    assert limits["phone"]["in_time"] is True
    assert limits["phone"]["met_at"].startswith("2024-06-01T22:20")
    assert limits["written"]["in_time"] is False
    assert limits["written"]["met_at"] is None
    assert [(w["kind"], w["level"]) for w in content["warnings"]] == [("rainstorm", "orange")]
    assert [(r["resource"], r["quantity"]) for r in content["resources"]] == [("防汛沙袋", "40")]
    # The matter written at the handover, and the incident still without its final
    # report, which carries over by itself.
    matters = content["matters"]
    assert "积水点持续监测" in [m["text"] for m in matters]
    assert [m["incident"] for m in matters if m["incident"]] == [incident["id"]]
    assert content["handed_over"] is True


def test_generating_again_keeps_the_number_and_a_confirmed_report_never_changes(
    report, day, leader_a, officer_a
):
    with time_machine.travel(at("2024-06-02 08:50:00"), tick=False):
        again = duty_report_generate(shift=day)
        assert (again.pk, again.sequence) == (report.pk, report.sequence)
        duty_report_confirm(report=again, actor=leader_a, note="")
    kept = DutyReport.objects.get(pk=report.pk).content
    # The shift's log is still open until the handover is taken over: a late entry
    # does not reach the kept report.
    with time_machine.travel(at("2024-06-02 08:55:00"), tick=False):
        log_entry_create(actor=officer_a, shift=day, kind="other", content="补记：巡查正常")
        assert duty_report_generate(shift=day).content == kept
    assert DutyReport.objects.get(pk=report.pk).content == kept


def test_numbers_run_per_year_without_gaps_or_repeats(roster_a, leader_a, officer_a):
    shifts = list(roster_a.shifts.order_by("date"))
    new_year = staff_shift(roster_a, date(2025, 1, 1), leader_a, officer_a)
    late_2024 = staff_shift(roster_a, date(2024, 12, 31), leader_a, officer_a)
    numbers = [
        (r.year, r.sequence)
        for r in (duty_report_generate(shift=s) for s in [*shifts, new_year, late_2024])
    ]
    assert numbers == [(2024, 1), (2024, 2), (2024, 3), (2025, 1), (2024, 4)]
    # Idempotent per shift: generating again takes no number.
    duty_report_generate(shift=shifts[0])
    assert (
        duty_report_generate(shift=staff_shift(roster_a, date(2024, 6, 5), leader_a)).sequence == 5
    )
    # The number as the office writes it (the UI's default language is Chinese).
    assert DutyReport.objects.get(shift=new_year).number == "值班日报〔2025〕第1期"


# --- Confirmation: who, and once -----------------------------------------------------


def test_the_leader_on_duty_confirms_and_a_second_confirmation_is_refused(report, leader_a):
    confirmed = duty_report_confirm(report=report, actor=leader_a, note="夜间平稳")
    assert confirmed.status == DutyReport.Status.CONFIRMED
    assert (confirmed.confirmed_by, confirmed.note) == (leader_a, "夜间平稳")
    assert confirmed.sent_at is not None
    with pytest.raises(TransitionNotAllowed):
        duty_report_confirm(report=report, actor=leader_a, note="")


def test_another_officer_of_the_shift_may_not_confirm(report, officer_a):
    with pytest.raises(PermissionDenied) as refused:
        duty_report_confirm(report=report, actor=officer_a, note="")
    assert not isinstance(refused.value, OutsideUnit)


def test_officer_of_another_unit_does_not_find_it(report, roles, unit_b):
    with pytest.raises(OutsideUnit):
        duty_report_confirm(report=report, actor=leader(unit_b), note="")


def test_committee_staff_confirm_in_place_of_the_leader(report, staff):
    assert duty_report_confirm(report=report, actor=staff, note="").confirmed_by == staff


def test_api_confirm_matrix(api_client, report, leader_a, officer_a, officer_b, alice, staff):
    url = reverse("api:duty-report-confirm", args=[report.pk])
    assert api_client.post(url, {}).status_code == 401
    # A unit's head has no duty role (403, as for every role without the permission);
    # another unit's officer does not find it; an officer of the shift may not confirm.
    for user, expected in ((alice, 403), (officer_b, 404), (officer_a, 403)):
        api_client.force_authenticate(user)
        assert api_client.post(url, {}, format="json").status_code == expected, user
    api_client.force_authenticate(leader_a)
    answer = api_client.post(url, {"note": "交班正常"}, format="json")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer.json()["note"]) == ("confirmed", "交班正常")
    again = api_client.post(url, {}, format="json")
    assert again.status_code == 409
    api_client.force_authenticate(staff)
    assert api_client.post(url, {}, format="json").status_code == 409


def test_api_reads_are_the_office_s(api_client, report, officer_a, officer_b, alice, staff):
    list_url = reverse("api:duty-report-list")
    detail_url = reverse("api:duty-report-detail", args=[report.pk])
    assert api_client.get(list_url).status_code == 401
    for user, seen in ((staff, True), (officer_a, True), (officer_b, False)):
        api_client.force_authenticate(user)
        ids = [row["id"] for row in api_client.get(list_url).json()["results"]]
        assert (report.pk in ids) is seen, user
        assert api_client.get(detail_url).status_code == (200 if seen else 404), user
    # A unit's head without a duty role: not theirs to read, even of their own unit.
    api_client.force_authenticate(alice)
    assert api_client.get(list_url).status_code == 403
    assert api_client.get(detail_url).status_code == 403
    api_client.force_authenticate(staff)
    body = api_client.get(detail_url).json()
    assert body["number"] == report.number
    assert body["content"]["log"][0]["content"] == "越山街道报告下穿桥积水"


# --- Pages -----------------------------------------------------------------------------


def test_leader_confirms_on_the_page(client, report, leader_a):
    client.force_login(leader_a)
    assert client.get(reverse("duty:report-today")).url == report.get_absolute_url()
    page = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    for words in ("越山街道报告下穿桥积水", "越山路下穿桥", "防汛沙袋", "积水点持续监测"):
        assert words in html, words
    assert 'data-limit="written"' in html and 'data-in-time="false"' in html
    assert 'data-testid="confirm-form"' in html
    answer = client.post(reverse("duty:report-confirm", args=[report.pk]), {"note": "平稳"})
    assert answer.url == report.get_absolute_url()
    report.refresh_from_db()
    assert report.is_confirmed and report.note == "平稳"


def test_pages_permission_matrix(client, report, officer_a, officer_b, alice):
    detail, confirm = report.get_absolute_url(), reverse("duty:report-confirm", args=[report.pk])
    assert client.get(detail).status_code == 302  # anonymous: to the sign-in page
    client.force_login(officer_a)
    page = client.get(detail)
    assert page.status_code == 200 and b'data-testid="confirm-form"' not in page.content
    client.post(confirm, {"note": ""})
    report.refresh_from_db()
    assert not report.is_confirmed
    client.force_login(officer_b)
    assert client.get(detail).status_code == 404
    assert client.post(confirm, {}).status_code == 404
    client.force_login(alice)
    assert client.get(detail).status_code == 403
    listing = client.get(reverse("duty:roster-list"))
    assert listing.status_code == 200
    assert reverse("duty:report-list").encode() not in listing.content


def test_history_filters_by_month(client, roster_a, leader_a, officer_a, staff):
    june = duty_report_generate(shift=roster_a.shifts.get(date=date(2024, 6, 1)))
    july = duty_report_generate(shift=staff_shift(roster_a, date(2024, 7, 1), leader_a, officer_a))
    client.force_login(staff)
    shown = client.get(reverse("duty:report-list"), {"month": "2024-07"}).content.decode()
    assert f'data-report="{july.pk}"' in shown and f'data-report="{june.pk}"' not in shown
    api = client.get(reverse("api:duty-report-list"), {"month": "2024-06"}).json()
    assert [row["id"] for row in api["results"]] == [june.pk]
    assert client.get(reverse("api:duty-report-list"), {"month": "June"}).status_code == 400


def test_history_queries_do_not_grow_with_the_rows(client, roster_a, leader_a, staff):
    start = date(2024, 8, 1)

    def reports(first: int, last: int) -> None:
        for n in range(first, last):
            duty_report_generate(shift=staff_shift(roster_a, start + timedelta(days=n), leader_a))

    client.force_login(staff)
    urls = (reverse("duty:report-list"), reverse("api:duty-report-list"))
    reports(0, 5)
    with_5 = [count_queries(client, url) for url in urls]
    reports(5, 50)
    assert [count_queries(client, url) for url in urls] == with_5


# --- Sending up, the PDF ---------------------------------------------------------------


def test_confirming_sends_it_up_through_the_outbox(
    settings, report, leader_a, django_capture_on_commit_callbacks
):
    settings.DUTY_REPORT_SEND_TO = ["zhiban@jlgx.gov.cn"]
    settings.DUTY_REPORT_ROBOTS = ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        duty_report_confirm(report=report, actor=leader_a, note="")
    assert callbacks, "the deliveries are enqueued after commit"
    assert mail.outbox == []  # no mail from the domain code
    sent_up = Notification.objects.get(reason=Notification.Reason.SENT_UP)
    assert (sent_up.recipient, sent_up.kind) == (leader_a, Notification.Kind.DUTY_REPORT)
    deliveries = {(d.channel, d.address): d for d in sent_up.deliveries.all()}
    assert set(deliveries) == {
        (Channel.EMAIL, "zhiban@jlgx.gov.cn"),
        (Channel.WEBHOOK, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
    }
    from safetyzone.notifications.delivery import delivery_attempt

    assert delivery_attempt(delivery_id=deliveries[(Channel.EMAIL, "zhiban@jlgx.gov.cn")].pk)
    (message,) = mail.outbox
    assert message.to == ["zhiban@jlgx.gov.cn"]
    assert report.number in message.subject
    for words in ("越山街道报告下穿桥积水", "越山路下穿桥", "防汛沙袋", "积水点持续监测"):
        assert words in message.body, words
    email = Delivery.objects.get(channel=Channel.EMAIL, address="zhiban@jlgx.gov.cn")
    assert email.status == Delivery.Status.SENT


def test_the_pdf_has_the_number_and_the_sections(
    report, leader_a, staff, django_capture_on_commit_callbacks
):
    from safetyzone.documents.services import document_request

    report = duty_report_confirm(report=report, actor=leader_a, note="夜间平稳，无新增险情")
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(user=staff, kind="duty_report", subject=report)
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE, document.error
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in (
        "〔2024〕",
        "越山街道报告下穿桥积水",
        "越山路下穿桥",
        "防汛沙袋",
        "积水点持续监测",
        "夜间平稳，无新增险情",
        "一、",
        "六、",
    ):
        assert words in text, words


def test_a_draft_is_not_exported(report, staff):
    from django.core.exceptions import ValidationError

    from safetyzone.documents.services import document_request

    with pytest.raises(ValidationError):
        document_request(user=staff, kind="duty_report", subject=report)


# --- The change-over task and the reminder ---------------------------------------------


def test_the_changeover_task_generates_and_the_reminder_fires_once(settings, day, leader_a):
    settings.DUTY_REPORT_CONFIRM_MINUTES = 60
    with time_machine.travel(at("2024-06-02 08:31:00"), tick=False):
        assert daily_reports_generate_task() == 1
        assert daily_reports_generate_task() == 0
    report = DutyReport.objects.get(shift=day)
    told = Notification.objects.get(reason=Notification.Reason.TO_CONFIRM)
    assert (told.recipient, told.subject_url) == (leader_a, report.get_absolute_url())

    def reminders() -> int:
        return Notification.objects.filter(
            reason=Notification.Reason.OVERDUE, kind=Notification.Kind.DUTY_REPORT
        ).count()

    run_sweeps("incidents", now=at("2024-06-02 09:25:00"))
    assert reminders() == 0
    run_sweeps("incidents", now=at("2024-06-02 09:32:00"))
    run_sweeps("incidents", now=at("2024-06-02 10:05:00"))
    assert reminders() == 1
    assert Notification.objects.get(reason=Notification.Reason.OVERDUE).recipient == leader_a


def test_the_changeover_schedule_runs_the_task_at_0830_shanghai_time():
    import json
    from importlib import import_module

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from safetyzone.celery import app as celery_app

    # A transactional test elsewhere in the session may have emptied the table: the
    # migration's own function puts the row back (it skips one that exists).
    import_module("duty.migrations.0005_daily_duty_report").create_schedule(apps, None)
    schedule = PeriodicTask.objects.select_related("crontab").get(
        name="Daily duty reports at the change-over"
    )
    assert (schedule.crontab.hour, schedule.crontab.minute) == ("8", "30")
    assert str(schedule.crontab.timezone) == "Asia/Shanghai"
    assert (schedule.task, json.loads(schedule.args), schedule.enabled) == (
        "duty.daily_reports_generate",
        [],
        True,
    )
    celery_app.loader.import_default_modules()
    task = celery_app.tasks[schedule.task]
    assert task.time_limit and task.soft_time_limit


def test_a_confirmed_report_is_not_reminded(settings, report, leader_a):
    duty_report_confirm(report=report, actor=leader_a, note="")
    run_sweeps("incidents", now=report.generated_at + timedelta(hours=2))
    assert not Notification.objects.filter(reason=Notification.Reason.OVERDUE).exists()


def test_only_published_shifts_that_ended_get_a_report(roster_a, unit_a):
    from .factories import RosterFactory

    draft = RosterFactory(unit=unit_a)
    staff_shift(draft, date(2024, 6, 1), leader(unit_a), officer(unit_a))
    with time_machine.travel(at("2024-06-02 08:31:00"), tick=False):
        daily_reports_generate_task()
    assert list(DutyReport.objects.values_list("shift__roster", flat=True)) == [roster_a.pk]


def test_a_long_report_is_cut_for_the_robot_and_keeps_its_link(settings, report, leader_a):
    from safetyzone.notifications.channels import ROBOT_TEXT_MAX_BYTES, link_of, text_of

    settings.DUTY_REPORT_ROBOTS = ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"]
    DutyReport.objects.filter(pk=report.pk).update(
        content={**report.content, "log": report.content["log"] * 200}
    )
    report.refresh_from_db()
    duty_report_confirm(report=report, actor=leader_a, note="")
    sent_up = Notification.objects.get(reason=Notification.Reason.SENT_UP)
    assert len(sent_up.message.encode()) > ROBOT_TEXT_MAX_BYTES
    posted = text_of(sent_up, max_bytes=ROBOT_TEXT_MAX_BYTES)
    assert len(posted.encode()) <= ROBOT_TEXT_MAX_BYTES
    assert posted.startswith(report.number) and posted.endswith(link_of(sent_up))
    assert sent_up.message in text_of(sent_up)  # the mail carries it whole
