"""Pages of directives and meetings: the permission matrix (staff sees all; alice heads
an attending unit; bob heads a unit that is not called; both see no drafts), forms that
keep input and show errors beside fields, issuing, signing, minutes, query counts."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaigns.models import Directive, DocumentNumber, Meeting, MeetingAttendance
from campaigns.services import meetings as services
from tests.factories import (
    CampaignFactory,
    DirectiveFactory,
    MeetingAttendanceFactory,
    UnitFactory,
    draft_meeting,
)
from tests.helpers import PDF_BYTES, count_queries, pdf_upload


@pytest.fixture
def draft(office, unit_a):
    return draft_meeting(organiser=office, units=[unit_a], title="草稿部署会")


@pytest.fixture
def issued(office, unit_a, staff):
    meeting = draft_meeting(organiser=office, units=[unit_a], title="近期安全生产工作部署会")
    return services.meeting_issue(meeting=meeting, actor=staff)


@pytest.fixture
def directive():
    return DirectiveFactory(title="关于做好近期安全防范工作的通知")


def url(name: str, *args) -> str:
    return reverse(f"campaigns:{name}", args=args)


def meeting_form(office, units, **overrides) -> dict:
    data = {
        "title": "安全生产月动员部署会",
        "kind": "mobilisation",
        "starts_at": "2024-06-04T09:00",
        "place": "管委会三楼会议室",
        "chair": "王立（管委会副主任）",
        "organiser": office.pk,
        "attending_units": [u.pk for u in units],
        "notice_body": "为深入贯彻落实上级要求，经研究，决定召开本次会议。",
        "agenda": "传达上级文件精神\n部署近期重点工作",
        "requirements": "提高政治站位\n\n强化隐患排查\n严格值班值守",
    }
    data.update(overrides)
    return data


# --- Anonymous -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "needs_pk"),
    [
        ("directive-list", False),
        ("directive-create", False),
        ("directive-detail", True),
        ("directive-update", True),
        ("directive-attachment", True),
        ("meeting-list", False),
        ("meeting-create", False),
        ("meeting-detail", True),
        ("meeting-update", True),
        ("meeting-minutes", True),
    ],
)
def test_anonymous_is_sent_to_login(client, issued, directive, name, needs_pk):
    pk = (directive.pk if name.startswith("directive") else issued.pk) if needs_pk else None
    response = client.get(url(name, *([pk] if pk else [])))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["meeting-issue", "meeting-sign"])
def test_anonymous_cannot_post_actions(client, draft, name):
    response = client.post(url(name, draft.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT


# --- Meetings: who sees what ----------------------------------------------------------------


def test_staff_see_drafts_and_issued_meetings(client, staff, draft, issued, issued_b):
    client.force_login(staff)
    body = client.get(url("meeting-list")).content.decode()
    for meeting in (draft, issued, issued_b):
        assert meeting.title in body
    assert client.get(url("meeting-detail", draft.pk)).status_code == 200


def test_head_lists_only_issued_meetings_of_their_unit(client, alice, draft, issued, issued_b):
    client.force_login(alice)
    body = client.get(url("meeting-list")).content.decode()
    assert issued.title in body
    assert draft.title not in body
    assert issued_b.title not in body


def test_head_of_an_attending_unit_reads_the_issued_meeting(client, alice, issued):
    client.force_login(alice)
    response = client.get(url("meeting-detail", issued.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert str(issued.document_number) in body
    assert 'data-testid="meeting-sign"' in body
    # Heads neither edit, issue nor export notices.
    assert url("meeting-update", issued.pk) not in body
    assert 'data-testid="generate-meeting_notice"' not in body


def test_organising_units_head_reads_the_issued_meeting(client, roles, unit_a, unit_b, staff):
    from tests.factories import head_of

    meeting = draft_meeting(organiser=unit_a, units=[unit_b])
    services.meeting_issue(meeting=meeting, actor=staff)
    client.force_login(head_of(unit_a))
    assert client.get(url("meeting-detail", meeting.pk)).status_code == 200


def test_head_of_another_unit_gets_404(client, bob, issued, issued_b):
    client.force_login(bob)
    assert client.get(url("meeting-detail", issued_b.pk)).status_code == 200
    assert client.get(url("meeting-detail", issued.pk)).status_code == 404


def test_heads_get_404_on_drafts(client, alice, bob, draft):
    for head in (alice, bob):
        client.force_login(head)
        assert client.get(url("meeting-detail", draft.pk)).status_code == 404


@pytest.mark.parametrize("name", ["meeting-create"])
def test_head_cannot_open_the_create_page(client, alice, name):
    client.force_login(alice)
    assert client.get(url(name)).status_code == 403


def test_head_cannot_create_edit_issue_or_record_minutes(client, alice, office, unit_a, draft):
    client.force_login(alice)
    assert client.post(url("meeting-create"), meeting_form(office, [unit_a])).status_code == 403
    assert client.get(url("meeting-update", draft.pk)).status_code == 403
    response = client.post(url("meeting-update", draft.pk), meeting_form(office, [unit_a]))
    assert response.status_code == 403
    assert client.post(url("meeting-issue", draft.pk)).status_code == 403
    assert client.post(url("meeting-minutes", draft.pk), {"minutes": "x"}).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "草稿部署会"
    assert draft.status == Meeting.Status.DRAFT
    assert draft.minutes == ""
    assert Meeting.objects.count() == 1


# --- Meetings: create and edit --------------------------------------------------------------


def test_staff_create_a_meeting_through_the_form(client, staff, office, unit_a, unit_b):
    client.force_login(staff)
    assert client.get(url("meeting-create")).status_code == 200

    response = client.post(url("meeting-create"), meeting_form(office, [unit_a, unit_b]))

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.starts_at == dt.datetime(
        2024, 6, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    assert set(meeting.attending_units.all()) == {unit_a, unit_b}
    requirements = meeting.items.filter(kind="requirement").order_by("order")
    assert [i.text for i in requirements] == ["提高政治站位", "强化隐患排查", "严格值班值守"]
    agenda = meeting.items.filter(kind="agenda").order_by("order")
    assert [i.text for i in agenda] == ["传达上级文件精神", "部署近期重点工作"]


def test_staff_give_a_meeting_its_own_copy_line(client, staff, office, unit_a):
    client.force_login(staff)
    data = meeting_form(office, [unit_a], copy_to="市安委办，区委办")

    client.post(url("meeting-create"), data)

    meeting = Meeting.objects.get()
    assert meeting.copy_to == "市安委办，区委办"
    response = client.get(meeting.get_absolute_url())
    assert 'data-testid="copy-to"' in response.content.decode()
    assert "市安委办，区委办" in response.content.decode()


def test_bad_input_shows_errors_beside_fields_and_saves_nothing(client, staff, office, unit_a):
    client.force_login(staff)
    data = meeting_form(office, [unit_a], title="", starts_at="明天上午", chair="")

    response = client.post(url("meeting-create"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert {"title", "starts_at", "chair"} <= set(form.errors)
    assert form["place"].value() == "管委会三楼会议室"  # the input stays
    assert not Meeting.objects.exists()


def test_service_errors_come_back_beside_the_fields(client, staff, office, unit_a):
    client.force_login(staff)
    data = meeting_form(office, [unit_a], title="会" * 201)

    response = client.post(url("meeting-create"), data)

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_the_edit_form_shows_the_draft_and_saves_it(client, staff, office, unit_b, draft):
    client.force_login(staff)
    response = client.get(url("meeting-update", draft.pk))
    assert response.status_code == 200
    assert "严格落实24小时值班和领导带班制度" in response.content.decode()

    response = client.post(
        url("meeting-update", draft.pk),
        meeting_form(office, [unit_b], title="改期后的部署会", requirements="新要求一\n新要求二"),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "改期后的部署会"
    assert list(draft.attending_units.all()) == [unit_b]
    assert [i.text for i in draft.items.filter(kind="requirement").order_by("order")] == [
        "新要求一",
        "新要求二",
    ]


def test_an_issued_notice_cannot_be_edited(client, staff, office, unit_b, issued):
    client.force_login(staff)
    response = client.get(url("meeting-update", issued.pk))
    assert response.status_code == 302
    assert response["Location"] == issued.get_absolute_url()

    response = client.post(url("meeting-update", issued.pk), meeting_form(office, [unit_b]))

    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.title == "近期安全生产工作部署会"
    assert [a.unit_id for a in issued.attendances.all()] != [unit_b.pk]
    body = client.get(issued.get_absolute_url()).content.decode()
    assert url("meeting-update", issued.pk) not in body  # no Edit button any more


# --- Meetings: issue, sign, minutes ---------------------------------------------------------


def test_staff_issue_a_notice_from_its_page(client, staff, draft):
    client.force_login(staff)
    assert 'data-testid="meeting-issue"' in client.get(draft.get_absolute_url()).content.decode()

    response = client.post(url("meeting-issue", draft.pk), follow=True)

    draft.refresh_from_db()
    assert draft.status == Meeting.Status.ISSUED
    assert draft.document_number.sequence == 1
    body = response.content.decode()
    assert str(draft.document_number) in body
    assert 'data-testid="generate-meeting_notice"' in body


def test_issue_without_attending_units_says_why(client, staff, office):
    meeting = draft_meeting(organiser=office, units=[])
    client.force_login(staff)

    response = client.post(url("meeting-issue", meeting.pk), follow=True)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT
    messages = [str(m) for m in response.context["messages"]]
    with translation.override(settings.LANGUAGE_CODE):
        expected = translation.gettext(
            "Choose at least one attending unit before issuing the notice."
        )
    assert expected in messages
    assert not DocumentNumber.objects.exists()


def test_issue_by_a_unit_without_prefix_says_so(client, staff, unit_a):
    no_prefix = UnitFactory(name="高新区消防救援大队", doc_number_prefix="")
    meeting = draft_meeting(organiser=no_prefix, units=[unit_a])
    client.force_login(staff)

    response = client.post(url("meeting-issue", meeting.pk), follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert any("高新区消防救援大队" in m for m in messages), messages
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_only_a_post_issues(client, staff, draft):
    # A GET is the confirmation page (test_meetings_issue_confirm): it takes no number.
    client.force_login(staff)
    assert client.get(url("meeting-issue", draft.pk)).status_code == 200
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT
    assert client.put(url("meeting-issue", draft.pk)).status_code == 405


def test_alice_signs_and_staff_see_who_signed(client, alice, staff, issued, unit_a):
    client.force_login(alice)
    response = client.post(url("meeting-sign", issued.pk))
    assert response.status_code == 302
    attendance = MeetingAttendance.objects.get(meeting=issued, unit=unit_a)
    assert attendance.signed_by == alice
    body = client.get(issued.get_absolute_url()).content.decode()
    assert 'data-testid="signed"' in body

    client.force_login(staff)
    body = client.get(issued.get_absolute_url()).content.decode()
    assert 'data-testid="attendances"' in body
    assert str(alice) in body
    assert attendance.signed_at.astimezone().strftime("%Y-%m-%d") in body


def test_bob_cannot_sign_for_alices_notice(client, bob, issued, issued_b):
    client.force_login(bob)
    assert client.post(url("meeting-sign", issued_b.pk)).status_code == 302  # his own: fine
    assert client.post(url("meeting-sign", issued.pk)).status_code == 404
    assert not MeetingAttendance.objects.filter(meeting=issued, signed_at__isnull=False).exists()


def test_a_head_of_the_organiser_not_called_has_nothing_to_sign(client, roles, unit_a, staff):
    from tests.factories import head_of

    other = UnitFactory(name="高新区住建局")
    meeting = draft_meeting(organiser=unit_a, units=[other])
    services.meeting_issue(meeting=meeting, actor=staff)
    client.force_login(head_of(unit_a))
    assert client.post(url("meeting-sign", meeting.pk)).status_code == 404


def test_heads_cannot_sign_for_a_draft(client, alice, draft):
    client.force_login(alice)
    assert client.post(url("meeting-sign", draft.pk)).status_code == 404
    assert not MeetingAttendance.objects.filter(signed_at__isnull=False).exists()


def test_staff_record_minutes_of_an_issued_meeting(client, staff, issued):
    client.force_login(staff)
    assert client.get(url("meeting-minutes", issued.pk)).status_code == 200

    response = client.post(url("meeting-minutes", issued.pk), {"minutes": "会议议定三项工作。"})

    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.minutes == "会议议定三项工作。"
    assert "会议议定三项工作。" in client.get(issued.get_absolute_url()).content.decode()


# --- Meeting filters ------------------------------------------------------------------------


def test_meeting_list_filters(client, staff, unit_a, meetings_to_filter):
    campaign, in_campaign, plenary, later = meetings_to_filter
    client.force_login(staff)

    def titles(**params) -> set[str]:
        page = client.get(url("meeting-list"), params).context["page"]
        return {m.title for m in page}

    assert titles(campaign=campaign.pk) == {in_campaign.title}
    assert titles(kind="plenary") == {plenary.title}
    assert titles(status="issued") == {plenary.title}
    assert titles(organiser=unit_a.pk) == {plenary.title}
    assert titles(date_from="2024-06-15") == {later.title}
    assert titles(date_to="2024-06-15") == {in_campaign.title, plenary.title}
    assert titles(search="丙") == {later.title}


# --- Directives ------------------------------------------------------------------------------


def test_every_signed_in_user_reads_directives(client, alice, bob, directive):
    for user in (alice, bob):
        client.force_login(user)
        assert directive.title in client.get(url("directive-list")).content.decode()
        assert client.get(url("directive-detail", directive.pk)).status_code == 200


def test_heads_cannot_record_or_edit_directives(client, alice, directive):
    client.force_login(alice)
    assert client.get(url("directive-create")).status_code == 403
    assert client.get(url("directive-update", directive.pk)).status_code == 403
    response = client.post(url("directive-update", directive.pk), {"title": "篡改"})
    assert response.status_code == 403
    directive.refresh_from_db()
    assert directive.title == "关于做好近期安全防范工作的通知"


def directive_form(**overrides) -> dict:
    data = {
        "issuer": "吉林市安全生产委员会办公室",
        "number": "吉市安委办〔2024〕15号",
        "issued_on": "2024-05-28",
        "title": "关于做好近期安全防范工作的通知",
        "requirements": "全覆盖、零容忍、严执法、重实效",
    }
    data.update(overrides)
    return data


def test_staff_record_a_directive_with_its_pdf_and_users_open_it(client, staff, alice):
    client.force_login(staff)
    upload = pdf_upload()

    response = client.post(url("directive-create"), directive_form(attachment=upload))

    directive = Directive.objects.get()
    assert response.status_code == 302
    assert directive.attachment
    client.force_login(alice)
    response = client.get(url("directive-attachment", directive.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_directive_upload_that_is_not_an_image_is_refused(client, staff):
    client.force_login(staff)
    fake = SimpleUploadedFile("照片.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")

    response = client.post(url("directive-create"), directive_form(attachment=fake))

    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert not Directive.objects.exists()


def test_a_duplicate_directive_number_is_a_field_error(client, staff, directive):
    client.force_login(staff)
    response = client.post(
        url("directive-create"), directive_form(issuer=directive.issuer, number=directive.number)
    )
    assert response.status_code == 200
    assert "number" in response.context["form"].errors
    assert Directive.objects.count() == 1


def test_staff_edit_a_directive_and_keep_its_attachment(client, staff):
    upload = pdf_upload()
    directive = services.directive_create(
        actor=staff,
        attachment=upload,
        issuer="吉林市安委办",
        issued_on=dt.date(2024, 5, 28),
        title="旧标题",
    )
    client.force_login(staff)

    response = client.post(
        url("directive-update", directive.pk), directive_form(issuer="吉林市安委办")
    )

    assert response.status_code == 302
    directive.refresh_from_db()
    assert directive.title == "关于做好近期安全防范工作的通知"
    assert directive.attachment


def test_a_directive_without_attachment_has_none_to_serve(client, alice, directive):
    client.force_login(alice)
    assert client.get(url("directive-attachment", directive.pk)).status_code == 404


def test_directive_list_filters(client, alice):
    campaign = CampaignFactory()
    first = DirectiveFactory(issuer="吉林市安委办", title="甲通知", campaign=campaign)
    second = DirectiveFactory(
        issuer="吉林省应急管理厅", title="乙通知", issued_on=dt.date(2024, 4, 1)
    )
    client.force_login(alice)

    def titles(**params) -> set[str]:
        return {d.title for d in client.get(url("directive-list"), params).context["page"]}

    assert titles(issuer="应急管理厅") == {second.title}
    assert titles(campaign=campaign.pk) == {first.title}
    assert titles(date_to="2024-05-01") == {second.title}
    assert titles(date_from="2024-05-01") == {first.title}
    assert titles(search=first.number) == {first.title}


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "alice"])
def test_meeting_list_queries_do_not_grow_with_rows(client, request, who, office, unit_a, unit_b):
    user = request.getfixturevalue(who)
    client.force_login(user)
    campaign = CampaignFactory()

    def add(n: int) -> None:
        for _ in range(n):
            meeting = draft_meeting(organiser=office, units=[unit_a, unit_b], campaign=campaign)
            services.meeting_issue(meeting=meeting, actor=request.getfixturevalue("staff"))

    add(5)
    with_5 = count_queries(client, url("meeting-list"))
    add(45)
    with_50 = count_queries(client, url("meeting-list"))
    assert with_5 == with_50


def test_directive_list_queries_do_not_grow_with_rows(client, alice):
    client.force_login(alice)
    campaign = CampaignFactory()
    DirectiveFactory.create_batch(5, campaign=campaign)
    with_5 = count_queries(client, url("directive-list"))
    DirectiveFactory.create_batch(45, campaign=campaign)
    assert count_queries(client, url("directive-list")) == with_5


def test_meeting_page_queries_do_not_grow_with_attending_units(client, staff, office, unit_a):
    meeting = draft_meeting(organiser=office, units=[unit_a])
    client.force_login(staff)
    few = count_queries(client, meeting.get_absolute_url())
    for unit in UnitFactory.create_batch(20):
        MeetingAttendanceFactory(meeting=meeting, unit=unit)
    assert count_queries(client, meeting.get_absolute_url()) == few
