"""Services of directives, meetings and document numbers: numbering, issuing, signing
for a notice, drafts frozen once issued, minutes, and the bad inputs that save nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import (
    Directive,
    DocumentNumber,
    DocumentNumberSequence,
    Meeting,
    MeetingAttendance,
    MeetingItem,
)
from campaigns.services import meetings as services
from safetyzone.core.states import TransitionNotAllowed
from tests.factories import (
    DirectiveFactory,
    KeyPeriodFactory,
    MeetingAttendanceFactory,
    MeetingFactory,
    UnitFactory,
    draft_meeting,
)
from tests.helpers import pdf_upload


@pytest.fixture
def draft(office, unit_a):
    return draft_meeting(organiser=office, units=[unit_a], title="近期安全生产工作部署会")


@pytest.fixture
def issued(draft, staff):
    return services.meeting_issue(meeting=draft, actor=staff)


def items_of(meeting: Meeting, kind: str) -> list[str]:
    return list(meeting.items.filter(kind=kind).order_by("order").values_list("text", flat=True))


# --- Document numbers ---------------------------------------------------------------------


def test_numbers_count_up_per_prefix_and_year(staff):
    first = services.document_number_take(prefix="高新安委办", year=2024, issued_by=staff)
    second = services.document_number_take(prefix="高新安委办", year=2024, issued_by=staff)
    other_year = services.document_number_take(prefix="高新安委办", year=2025, issued_by=staff)
    other_prefix = services.document_number_take(prefix="高新应急", year=2024, issued_by=staff)

    assert (first.sequence, second.sequence) == (1, 2)
    assert other_year.sequence == 1
    assert other_prefix.sequence == 1
    assert second.text == "高新安委办〔2024〕2号"
    assert second.issued_by == staff
    assert DocumentNumberSequence.objects.get(prefix="高新安委办", year=2024).last_value == 2


def test_a_number_taken_in_a_rolled_back_transaction_is_given_again(staff):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.document_number_take(prefix="高新安委办", year=2024, issued_by=staff)
        raise RuntimeError("the issue failed")

    again = services.document_number_take(prefix="高新安委办", year=2024, issued_by=staff)
    assert again.sequence == 1
    assert DocumentNumber.objects.count() == 1


def test_the_database_refuses_a_number_twice(staff):
    services.document_number_take(prefix="高新安委办", year=2024, issued_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNumber.objects.create(prefix="高新安委办", year=2024, sequence=1)


def test_a_number_needs_a_prefix(staff):
    with pytest.raises(ValidationError) as exc:
        services.document_number_take(prefix="  ", year=2024, issued_by=staff)
    assert "prefix" in exc.value.message_dict
    assert not DocumentNumberSequence.objects.exists()


# --- Issuing ------------------------------------------------------------------------------


def test_issue_gives_the_organisers_next_number_in_the_year_of_issue(draft, staff):
    before = timezone.now()
    meeting = services.meeting_issue(meeting=draft, actor=staff)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ISSUED
    year = timezone.localdate().year
    assert meeting.document_number.text == f"高新安委办〔{year}〕1号"
    assert meeting.issued_by == staff
    assert meeting.issued_at >= before
    assert meeting.document_number.issued_by == staff


def test_a_notice_issued_earlier_takes_a_number_of_its_year(draft, staff):
    on = dt.datetime(2024, 6, 3, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    meeting = services.meeting_issue(meeting=draft, actor=staff, issued_at=on)

    meeting.refresh_from_db()
    assert meeting.document_number.text == "高新安委办〔2024〕1号"
    assert meeting.issued_at == on
    assert meeting.document_number.issued_at == on


def test_issued_notices_take_consecutive_numbers(office, unit_a, staff):
    numbers = [
        services.meeting_issue(
            meeting=draft_meeting(organiser=office, units=[unit_a]), actor=staff
        ).document_number.sequence
        for _ in range(3)
    ]
    assert numbers == [1, 2, 3]


def test_issue_without_attending_units_is_a_field_error(office, staff):
    meeting = draft_meeting(organiser=office, units=[])

    with pytest.raises(ValidationError) as exc:
        services.meeting_issue(meeting=meeting, actor=staff)

    assert "attending_units" in exc.value.message_dict
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    assert not DocumentNumber.objects.exists()


def test_issue_without_agenda_or_requirements_is_refused(office, unit_a, staff):
    meeting = MeetingFactory(organiser=office)
    MeetingAttendanceFactory(meeting=meeting, unit=unit_a)

    with pytest.raises(ValidationError) as exc:
        services.meeting_issue(meeting=meeting, actor=staff)

    assert "requirements" in exc.value.message_dict
    assert not DocumentNumber.objects.exists()


def test_an_agenda_item_alone_is_enough_to_issue(office, unit_a, staff):
    meeting = MeetingFactory(organiser=office)
    MeetingAttendanceFactory(meeting=meeting, unit=unit_a)
    MeetingItem.objects.create(meeting=meeting, kind="agenda", order=1, text="传达上级文件精神")

    assert services.meeting_issue(meeting=meeting, actor=staff).is_issued


def test_issue_by_a_unit_without_prefix_names_the_unit(unit_a, staff):
    no_prefix = UnitFactory(name="高新区消防救援大队", doc_number_prefix="")
    meeting = draft_meeting(organiser=no_prefix, units=[unit_a])

    with pytest.raises(ValidationError) as exc:
        services.meeting_issue(meeting=meeting, actor=staff)

    [message] = exc.value.message_dict["organiser"]
    assert "高新区消防救援大队" in message
    assert not DocumentNumberSequence.objects.exists()


def test_a_notice_is_issued_once(issued, staff):
    with pytest.raises(TransitionNotAllowed) as exc:
        services.meeting_issue(meeting=issued, actor=staff)

    assert exc.value.code == "issued"
    assert DocumentNumber.objects.count() == 1
    issued.refresh_from_db()
    assert issued.document_number.sequence == 1


def test_a_head_cannot_issue(draft, alice):
    with pytest.raises(PermissionDenied):
        services.meeting_issue(meeting=draft, actor=alice)
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT


def test_a_failed_issue_leaves_no_gap(office, unit_a, staff):
    # The checks before the number pass; the meeting's own validation, after the number
    # was taken inside the transaction, fails: the number goes back with the rest.
    broken = draft_meeting(organiser=office, units=[unit_a], place="")

    with pytest.raises(ValidationError) as exc:
        services.meeting_issue(meeting=broken, actor=staff)

    assert "place" in exc.value.message_dict
    assert not DocumentNumber.objects.exists()
    assert DocumentNumberSequence.objects.filter(last_value__gt=0).count() == 0
    broken.refresh_from_db()
    assert broken.status == Meeting.Status.DRAFT and broken.document_number is None

    broken.place = "管委会三楼会议室"
    broken.save()
    assert services.meeting_issue(meeting=broken, actor=staff).document_number.sequence == 1


# --- Drafts: create, update; issued notices frozen ------------------------------------------


def test_create_keeps_the_order_of_agenda_and_requirements(staff, office, unit_a, unit_b):
    period = KeyPeriodFactory(name="端午节")
    directive = DirectiveFactory()
    meeting = services.meeting_create(
        actor=staff,
        title="安全生产月动员部署会",
        starts_at=timezone.now() - dt.timedelta(days=3),  # recorded afterwards: allowed
        place="管委会三楼会议室",
        chair="王立（管委会副主任）",
        organiser=office,
        attending_units=[unit_b, unit_a],
        agenda=["传达上级文件精神", "  ", "部署近期重点工作"],
        requirements=["提高政治站位", "强化隐患排查", "严格值班值守"],
        key_periods=[period],
        directives=[directive],
    )

    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.created_by == staff
    assert items_of(meeting, "agenda") == ["传达上级文件精神", "部署近期重点工作"]
    assert items_of(meeting, "requirement") == ["提高政治站位", "强化隐患排查", "严格值班值守"]
    assert set(meeting.attending_units.all()) == {unit_a, unit_b}
    assert list(meeting.key_periods.all()) == [period]
    assert list(meeting.directives.all()) == [directive]


def test_create_checks_the_fields_and_saves_nothing(staff, office):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            actor=staff,
            title="",
            starts_at=timezone.now(),
            place="会议室",
            chair="",
            organiser=office,
            requirements=["一项要求"],
        )
    assert {"title", "chair"} <= set(exc.value.message_dict)
    assert not Meeting.objects.exists()
    assert not MeetingItem.objects.exists()


def test_a_head_cannot_create_a_meeting(alice, unit_a):
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=alice,
            title="会",
            starts_at=timezone.now(),
            place="会议室",
            chair="王立",
            organiser=unit_a,
        )
    assert not Meeting.objects.exists()


def test_update_changes_a_draft(draft, staff, unit_a, unit_b):
    meeting = services.meeting_update(
        actor=staff,
        meeting=draft,
        title="调整后的部署会",
        attending_units=[unit_b],
        requirements=["第二条", "第一条"],
    )

    meeting.refresh_from_db()
    assert meeting.title == "调整后的部署会"
    assert list(meeting.attending_units.all()) == [unit_b]
    assert items_of(meeting, "requirement") == ["第二条", "第一条"]


def test_update_leaves_out_what_it_is_not_given(draft, staff, unit_a):
    services.meeting_update(actor=staff, meeting=draft, place="应急指挥中心")

    draft.refresh_from_db()
    assert draft.place == "应急指挥中心"
    assert list(draft.attending_units.all()) == [unit_a]
    assert items_of(draft, "requirement") == ["严格落实24小时值班和领导带班制度"]


def test_an_issued_notice_is_frozen(issued, staff, unit_b):
    with pytest.raises(ValidationError) as exc:
        services.meeting_update(
            actor=staff,
            meeting=issued,
            title="改过的标题",
            attending_units=[unit_b],
            requirements=["新要求"],
        )

    assert isinstance(exc.value, TransitionNotAllowed)
    assert exc.value.code == "issued"
    issued.refresh_from_db()
    assert issued.title == "近期安全生产工作部署会"
    assert [a.unit for a in issued.attendances.all()] != [unit_b]
    assert items_of(issued, "requirement") == ["严格落实24小时值班和领导带班制度"]


def test_minutes_are_recorded_after_issue(issued, staff):
    meeting = services.meeting_record_minutes(
        meeting=issued, actor=staff, minutes="会议要求各单位立即开展隐患排查。"
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "会议要求各单位立即开展隐患排查。"
    assert meeting.minutes_recorded_at is not None
    assert meeting.status == Meeting.Status.ISSUED


def test_a_head_cannot_record_minutes(issued, alice):
    with pytest.raises(PermissionDenied):
        services.meeting_record_minutes(meeting=issued, actor=alice, minutes="篡改")
    issued.refresh_from_db()
    assert issued.minutes == ""


# --- Signing for a notice ------------------------------------------------------------------


def test_a_head_of_an_attending_unit_signs_for_the_notice(issued, alice, unit_a):
    attendance = services.meeting_sign(meeting=issued, actor=alice)

    attendance.refresh_from_db()
    assert attendance.unit == unit_a
    assert attendance.signed_by == alice
    assert attendance.signed_at is not None


def test_signing_again_keeps_the_first_signature(issued, alice, unit_a):
    first = services.meeting_sign(meeting=issued, actor=alice)
    colleague = type(alice).objects.create(username="alice2", unit=unit_a)
    colleague.groups.set(alice.groups.all())

    again = services.meeting_sign(meeting=issued, actor=colleague)

    assert again.pk == first.pk
    assert again.signed_by == alice
    assert again.signed_at == first.signed_at


def test_a_head_cannot_sign_for_another_unit(issued, bob):
    with pytest.raises(MeetingAttendance.DoesNotExist):
        services.meeting_sign(meeting=issued, actor=bob)
    assert not MeetingAttendance.objects.filter(signed_at__isnull=False).exists()


def test_a_draft_cannot_be_signed_for(draft, alice):
    with pytest.raises(ValidationError):
        services.meeting_sign(meeting=draft, actor=alice)
    assert not MeetingAttendance.objects.filter(signed_at__isnull=False).exists()


def test_an_inspector_cannot_sign(issued, unit_a):
    from tests.factories import UserFactory

    inspector = UserFactory(unit=unit_a, roles=["inspector"])
    with pytest.raises(PermissionDenied):
        services.meeting_sign(meeting=issued, actor=inspector)


# --- Directives ---------------------------------------------------------------------------


def directive_data(**overrides):
    data = {
        "issuer": "吉林市安全生产委员会办公室",
        "number": "吉市安委办〔2024〕15号",
        "issued_on": dt.date(2024, 5, 28),
        "title": "关于做好近期安全防范工作的通知",
        "requirements": "全覆盖、零容忍、严执法、重实效",
    }
    data.update(overrides)
    return data


def test_staff_record_a_directive_with_a_pdf(staff):
    upload = pdf_upload()
    directive = services.directive_create(actor=staff, attachment=upload, **directive_data())

    directive.refresh_from_db()
    assert directive.attachment.name.startswith("directives/")
    assert directive.created_by == staff


def test_a_directive_attachment_must_be_an_image_or_pdf(staff):
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    with pytest.raises(ValidationError) as exc:
        services.directive_create(actor=staff, attachment=fake, **directive_data())

    assert "attachment" in exc.value.message_dict
    assert not Directive.objects.exists()


def test_an_issuers_number_is_recorded_once(staff):
    services.directive_create(actor=staff, **directive_data())

    with pytest.raises(ValidationError) as exc:
        services.directive_create(actor=staff, **directive_data(title="另一份"))

    assert "number" in exc.value.message_dict
    assert Directive.objects.count() == 1


def test_the_attachment_can_be_removed(staff):
    upload = pdf_upload()
    directive = services.directive_create(actor=staff, attachment=upload, **directive_data())

    services.directive_update(actor=staff, directive=directive, attachment=False)

    directive.refresh_from_db()
    assert not directive.attachment


def test_a_head_cannot_record_a_directive(alice):
    with pytest.raises(PermissionDenied):
        services.directive_create(actor=alice, **directive_data())
