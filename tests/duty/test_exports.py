"""Exports: the roster for the wall and the duty log as PDF (through the generated
documents), and the iCalendar feeds per person (secret, renewable) and per roster."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from duty.selectors.log import incoming_leader
from duty.services.feeds import calendar_feed_renew
from duty.services.log import handover_confirm, handover_create, log_entry_create
from duty.times import shift_window
from safetyzone.documents.models import GeneratedDocument

pytestmark = pytest.mark.django_db


def pdf_text(document: GeneratedDocument) -> str:
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE, document.error
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def named(roster_a, leader_a, officer_a):
    leader_a.display_name, officer_a.display_name = "王立", "杨帆"
    leader_a.save(), officer_a.save()
    return roster_a


def test_roster_pdf_for_the_wall_has_the_names(staff, named, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = services_request(staff, "duty_roster", named)
    text = pdf_text(document)
    for words in ("应急局6月值班表", "王立", "杨帆", "0432-64501110", "06-03"):
        assert words in text, words


def test_duty_log_pdf_of_the_period(staff, named, officer_a, django_capture_on_commit_callbacks):
    shift = named.shifts.get(date=date(2024, 6, 1))
    with time_machine.travel("2024-06-01 22:00:00+08:00", tick=False):
        log_entry_create(
            actor=officer_a, shift=shift, kind="call", content="越山街道报告下穿桥积水"
        )
    with time_machine.travel("2024-06-02 08:40:00+08:00", tick=False):
        handover = handover_create(actor=officer_a, shift=shift, new_matters=["积水点持续监测"])
        incoming = incoming_leader(handover.next_shift)
        incoming.display_name = "周强"
        incoming.save()
    with time_machine.travel("2024-06-02 09:10:00+08:00", tick=False):
        handover_confirm(actor=incoming, handover=handover)
    with django_capture_on_commit_callbacks(execute=True):
        document = services_request(staff, "duty_log", named)
    text = pdf_text(document)
    for words in (
        "越山街道报告下穿桥积水",
        "积水点持续监测",
        "杨帆",
        "2024-06-01",
        "周强",
        "2024-06-02 09:10",
    ):
        assert words in text, words


def services_request(user, kind, subject):
    from safetyzone.documents.services import document_request

    return document_request(user=user, kind=kind, subject=subject)


def test_officers_cannot_request_the_log_pdf_of_another_unit(officer_b, named):
    from django.http import Http404

    from safetyzone.documents.selectors import document_subject_get

    with pytest.raises(Http404):
        document_subject_get(user=officer_b, kind="duty_log", object_id=named.pk)


# --- iCalendar -----------------------------------------------------------------------


@time_machine.travel("2024-05-25 10:00:00+08:00", tick=False)
def test_personal_feed_parses_and_a_renewed_link_retires_the_old(client, named, officer_a):
    feed = calendar_feed_renew(person=officer_a)
    url = reverse("duty:person-feed", args=[feed.token])
    response = client.get(url)  # no login: the secret link is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2  # 1 and 3 June
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts[0] == shift_window(date(2024, 6, 1))[0]
    assert events[0].decoded("dtend") - events[0].decoded("dtstart") == timedelta(hours=24)
    assert "王立" in events[0]["description"]

    new = calendar_feed_renew(person=officer_a)
    assert client.get(url).status_code == 404
    assert client.get(reverse("duty:person-feed", args=[new.token])).status_code == 200


def test_renewing_through_the_page(client, officer_a):
    client.force_login(officer_a)
    client.post(reverse("duty:feed-renew"))
    page = client.get(reverse("duty:mine")).content.decode()
    assert officer_a.duty_feed.token in page


def test_roster_feed_parses_and_is_scoped(client, named, officer_a, officer_b):
    url = reverse("duty:roster-ical", args=[named.pk])
    client.force_login(officer_a)
    response = client.get(url)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert calendar["x-wr-calname"] == "应急局6月值班表"
    assert len(list(calendar.walk("VEVENT"))) == 3
    client.force_login(officer_b)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_roster_secret_feed_for_phone_calendars_and_its_renewal(client, staff, named):
    old = reverse("duty:roster-feed", args=[named.ical_token])
    response = client.get(old)  # no login: calendar apps cannot log in
    assert response.status_code == 200
    assert len(list(Calendar.from_ical(response.content).walk("VEVENT"))) == 3
    client.force_login(staff)
    assert old.split("/")[-1] in client.get(named.get_absolute_url()).content.decode()
    client.post(reverse("duty:roster-feed-renew", args=[named.pk]))
    client.logout()
    named.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(reverse("duty:roster-feed", args=[named.ical_token])).status_code == 200


def test_a_draft_roster_has_no_public_feed(client, roster_a):
    roster_a.status = "draft"
    roster_a.published_at = None
    roster_a.save()
    assert client.get(reverse("duty:roster-feed", args=[roster_a.ical_token])).status_code == 404
