"""The API of directives, meetings and document numbers: the permission matrix, nested
items and attending units, issue and sign actions, frozen notices, filters, query
counts and the schema."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from campaigns.models import Directive, DocumentNumber, Meeting, MeetingAttendance
from campaigns.services import meetings as services
from tests.factories import (
    CampaignFactory,
    DirectiveFactory,
    KeyPeriodFactory,
    UnitFactory,
    UserFactory,
    draft_meeting,
)
from tests.helpers import (
    PDF_BYTES,
    assert_field_error,
    authenticate,
    count_queries,
    listed_ids,
    pdf_upload,
)

MEETINGS = "/api/v1/meetings/"
DIRECTIVES = "/api/v1/directives/"
NUMBERS = "/api/v1/document-numbers/"


@pytest.fixture
def api_client(api_client):
    api_client.default_format = "json"
    return api_client


@pytest.fixture
def draft(office, unit_a):
    return draft_meeting(organiser=office, units=[unit_a], title="草稿部署会")


@pytest.fixture
def issued(office, unit_a, staff):
    meeting = draft_meeting(organiser=office, units=[unit_a], title="近期安全生产工作部署会")
    return services.meeting_issue(meeting=meeting, actor=staff)


def meeting_payload(office, units, **overrides) -> dict:
    payload = {
        "title": "安全生产月动员部署会",
        "kind": "mobilisation",
        "starts_at": "2024-06-04T09:00:00+08:00",
        "place": "管委会三楼会议室",
        "chair": "王立（管委会副主任）",
        "organiser": office.pk,
        "attending_units": [u.pk for u in units],
        "agenda": ["传达上级文件精神", "部署近期重点工作"],
        "requirements": ["提高政治站位", "强化隐患排查", "严格值班值守"],
    }
    payload.update(overrides)
    return payload


# --- Anonymous and roles without the permission ---------------------------------------------


@pytest.mark.parametrize("path", [MEETINGS, DIRECTIVES, NUMBERS])
def test_anonymous_gets_401(api_client, db, path):
    response = api_client.get(path)
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"


@pytest.mark.parametrize("action", ["issue", "sign", "minutes"])
def test_anonymous_cannot_act(api_client, draft, action):
    assert api_client.post(f"{MEETINGS}{draft.pk}/{action}/").status_code == 401
    draft.refresh_from_db()
    assert draft.status == Meeting.Status.DRAFT


def test_anonymous_cannot_create(api_client, office, unit_a):
    assert api_client.post(MEETINGS, meeting_payload(office, [unit_a])).status_code == 401
    assert not Meeting.objects.exists()


# --- Meetings: reading ----------------------------------------------------------------------


def test_staff_list_every_meeting_with_its_items(api_client, staff, draft, issued, issued_b):
    authenticate(api_client, staff)
    assert listed_ids(api_client.get(MEETINGS)) == {draft.pk, issued.pk, issued_b.pk}

    row = api_client.get(f"{MEETINGS}{issued.pk}/").json()
    assert row["document_number"] == str(issued.document_number)
    assert row["status"] == "issued"
    assert row["requirements"] == ["严格落实24小时值班和领导带班制度"]
    assert row["attending_units"] == [issued.attendances.get().unit_id]
    assert row["attendances"][0]["signed_at"] is None


def test_head_lists_only_issued_meetings_of_their_unit(api_client, alice, draft, issued, issued_b):
    authenticate(api_client, alice)
    assert listed_ids(api_client.get(MEETINGS)) == {issued.pk}
    assert api_client.get(f"{MEETINGS}{issued.pk}/").status_code == 200


def test_head_of_another_unit_gets_404(api_client, bob, issued, issued_b):
    authenticate(api_client, bob)
    assert api_client.get(f"{MEETINGS}{issued_b.pk}/").status_code == 200
    response = api_client.get(f"{MEETINGS}{issued.pk}/")
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_heads_get_404_on_drafts(api_client, alice, bob, draft):
    for head in (alice, bob):
        authenticate(api_client, head)
        assert api_client.get(f"{MEETINGS}{draft.pk}/").status_code == 404


# --- Meetings: writing ----------------------------------------------------------------------


def test_staff_create_a_draft_with_ordered_items(api_client, staff, office, unit_a, unit_b):
    period = KeyPeriodFactory()
    directive = DirectiveFactory()
    authenticate(api_client, staff)
    payload = meeting_payload(
        office, [unit_a, unit_b], key_periods=[period.pk], directives=[directive.pk]
    )

    response = api_client.post(MEETINGS, payload)

    assert response.status_code == 201, response.content
    body = response.json()
    meeting = Meeting.objects.get()
    assert body["id"] == meeting.pk
    assert body["status"] == "draft"
    assert body["document_number"] is None
    assert body["requirements"] == ["提高政治站位", "强化隐患排查", "严格值班值守"]
    assert body["agenda"] == ["传达上级文件精神", "部署近期重点工作"]
    assert set(body["attending_units"]) == {unit_a.pk, unit_b.pk}
    assert body["key_periods"] == [period.pk]
    assert body["directives"] == [directive.pk]
    assert meeting.created_by == staff


def test_bad_input_is_a_400_with_field_errors(api_client, staff, office):
    authenticate(api_client, staff)
    response = api_client.post(
        MEETINGS, meeting_payload(office, [], title="", starts_at="明天", chair="")
    )
    assert_field_error(response, "title")
    assert_field_error(response, "starts_at")
    assert not Meeting.objects.exists()


def test_head_cannot_create_or_change_a_meeting(api_client, alice, office, unit_a, issued):
    authenticate(api_client, alice)
    assert api_client.post(MEETINGS, meeting_payload(office, [unit_a])).status_code == 403
    response = api_client.patch(f"{MEETINGS}{issued.pk}/", {"title": "篡改"})
    assert response.status_code == 403
    issued.refresh_from_db()
    assert issued.title == "近期安全生产工作部署会"
    assert Meeting.objects.count() == 1


def test_staff_patch_a_draft(api_client, staff, draft, unit_b):
    authenticate(api_client, staff)
    response = api_client.patch(
        f"{MEETINGS}{draft.pk}/",
        {"place": "应急指挥中心", "attending_units": [unit_b.pk], "agenda": ["一", "二"]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["place"] == "应急指挥中心"
    assert response.json()["attending_units"] == [unit_b.pk]
    assert response.json()["agenda"] == ["一", "二"]
    assert response.json()["requirements"] == ["严格落实24小时值班和领导带班制度"]


def test_staff_set_a_drafts_copy_line_and_the_history_keeps_the_change(api_client, staff, draft):
    authenticate(api_client, staff)
    assert api_client.get(f"{MEETINGS}{draft.pk}/").json()["copy_to"] == ""

    response = api_client.patch(f"{MEETINGS}{draft.pk}/", {"copy_to": " 市安委办，区委办 "})

    assert response.status_code == 200, response.content
    assert response.json()["copy_to"] == "市安委办，区委办"
    latest, before = draft.history.all()[:2]
    assert (before.copy_to, latest.copy_to) == ("", "市安委办，区委办")
    assert latest.history_user == staff


def test_an_issued_notice_cannot_be_changed(api_client, staff, issued, unit_b):
    authenticate(api_client, staff)
    response = api_client.patch(
        f"{MEETINGS}{issued.pk}/", {"title": "篡改", "attending_units": [unit_b.pk]}
    )
    assert response.status_code == 409, response.content
    assert response.json()["errors"][0]["code"] == "issued"
    issued.refresh_from_db()
    assert issued.title == "近期安全生产工作部署会"
    assert not issued.attendances.filter(unit=unit_b).exists()


def test_delete_is_not_offered(api_client, staff, admin_user, draft):
    # Staff lack the delete permission, so it is refused first; admins reach the method.
    authenticate(api_client, staff)
    assert api_client.delete(f"{MEETINGS}{draft.pk}/").status_code == 403
    authenticate(api_client, admin_user)
    assert api_client.delete(f"{MEETINGS}{draft.pk}/").status_code == 405
    assert Meeting.objects.filter(pk=draft.pk).exists()


# --- Issue ----------------------------------------------------------------------------------


def test_staff_issue_a_draft_and_get_its_number(api_client, staff, draft):
    authenticate(api_client, staff)
    response = api_client.post(f"{MEETINGS}{draft.pk}/issue/")

    assert response.status_code == 200, response.content
    body = response.json()
    draft.refresh_from_db()
    assert body["status"] == "issued"
    assert body["document_number"] == draft.document_number.text
    assert body["document_number"].startswith("高新安委办〔")
    assert body["document_number"].endswith("〕1号")

    again = api_client.post(f"{MEETINGS}{draft.pk}/issue/")
    assert again.status_code == 409, again.content
    assert again.json()["errors"][0]["code"] == "issued"
    assert DocumentNumber.objects.count() == 1


def test_issue_without_attending_units_is_a_field_error(api_client, staff, office):
    meeting = draft_meeting(organiser=office, units=[])
    authenticate(api_client, staff)
    response = api_client.post(f"{MEETINGS}{meeting.pk}/issue/")
    assert_field_error(response, "attending_units", "required")
    assert not DocumentNumber.objects.exists()


def test_issue_by_a_unit_without_prefix_is_a_clear_error(api_client, staff, unit_a):
    no_prefix = UnitFactory(name="高新区消防救援大队", doc_number_prefix="")
    meeting = draft_meeting(organiser=no_prefix, units=[unit_a])
    authenticate(api_client, staff)
    error = assert_field_error(
        api_client.post(f"{MEETINGS}{meeting.pk}/issue/"), "organiser", "no_prefix"
    )
    assert "高新区消防救援大队" in error["detail"]


def test_heads_cannot_issue(api_client, alice, unit_a, staff):
    mine = draft_meeting(organiser=unit_a, units=[unit_a])
    authenticate(api_client, alice)
    assert api_client.post(f"{MEETINGS}{mine.pk}/issue/").status_code == 403
    mine.refresh_from_db()
    assert mine.status == Meeting.Status.DRAFT


# --- Sign -----------------------------------------------------------------------------------


def test_alice_signs_for_her_units_notice(api_client, alice, staff, issued, unit_a):
    authenticate(api_client, alice)
    response = api_client.post(f"{MEETINGS}{issued.pk}/sign/")

    assert response.status_code == 200, response.content
    assert response.json()["unit"] == unit_a.pk
    assert response.json()["signed_by"] == alice.pk
    assert response.json()["signed_at"]

    authenticate(api_client, staff)
    [attendance] = api_client.get(f"{MEETINGS}{issued.pk}/").json()["attendances"]
    assert attendance["signed_by_name"] == str(alice)


def test_bob_cannot_sign_for_alices_notice(api_client, bob, issued, issued_b):
    authenticate(api_client, bob)
    assert api_client.post(f"{MEETINGS}{issued_b.pk}/sign/").status_code == 200
    assert api_client.post(f"{MEETINGS}{issued.pk}/sign/").status_code == 404
    assert not MeetingAttendance.objects.filter(meeting=issued, signed_at__isnull=False).exists()


def test_heads_cannot_sign_for_a_draft(api_client, alice, draft):
    authenticate(api_client, alice)
    assert api_client.post(f"{MEETINGS}{draft.pk}/sign/").status_code == 404


def test_an_inspector_cannot_sign(api_client, unit_a, issued):
    inspector = UserFactory(unit=unit_a, roles=["inspector"])
    authenticate(api_client, inspector)
    assert api_client.get(f"{MEETINGS}{issued.pk}/").status_code == 200
    assert api_client.post(f"{MEETINGS}{issued.pk}/sign/").status_code == 403


# --- Minutes --------------------------------------------------------------------------------


def test_staff_record_minutes_heads_cannot(api_client, staff, alice, issued):
    authenticate(api_client, alice)
    assert api_client.post(f"{MEETINGS}{issued.pk}/minutes/", {"minutes": "x"}).status_code == 403

    authenticate(api_client, staff)
    response = api_client.post(f"{MEETINGS}{issued.pk}/minutes/", {"minutes": "议定三项工作。"})
    assert response.status_code == 200, response.content
    assert response.json()["minutes"] == "议定三项工作。"
    assert response.json()["minutes_recorded_at"]


# --- Filters and search --------------------------------------------------------------------


def test_meeting_filters_and_search(api_client, staff, unit_a, meetings_to_filter):
    campaign, in_campaign, plenary, later = meetings_to_filter
    authenticate(api_client, staff)

    def found(**params) -> set[int]:
        return listed_ids(api_client.get(MEETINGS, params))

    assert found(campaign=campaign.pk) == {in_campaign.pk}
    assert found(kind="plenary") == {plenary.pk}
    assert found(status="issued") == {plenary.pk}
    assert found(status="draft") == {in_campaign.pk, later.pk}
    assert found(organiser=unit_a.pk) == {plenary.pk}
    assert found(starts_at_after="2024-06-15T00:00:00+08:00") == {later.pk}
    assert found(starts_at_before="2024-06-15T00:00:00+08:00") == {in_campaign.pk, plenary.pk}
    assert found(search="丙") == {later.pk}
    assert_field_error(api_client.get(MEETINGS, {"status": "purple"}), "status")


# --- Directives -----------------------------------------------------------------------------


def test_everyone_reads_directives(api_client, alice, bob):
    directive = DirectiveFactory()
    for head in (alice, bob):
        authenticate(api_client, head)
        assert listed_ids(api_client.get(DIRECTIVES)) == {directive.pk}
        assert api_client.get(f"{DIRECTIVES}{directive.pk}/").status_code == 200


def test_staff_record_a_directive_with_a_pdf(api_client, client, staff, alice):
    authenticate(api_client, staff)
    payload = {
        "issuer": "吉林市安全生产委员会办公室",
        "number": "吉市安委办〔2024〕15号",
        "issued_on": "2024-05-28",
        "title": "关于做好近期安全防范工作的通知",
        "attachment": pdf_upload(),
    }
    response = api_client.post(DIRECTIVES, payload, format="multipart")

    assert response.status_code == 201, response.content
    body = response.json()
    assert "attachment" not in body
    assert body["attachment_url"].endswith(f"/campaigns/directives/{body['id']}/attachment/")

    # The attachment is a page behind the login, for every signed-in user.
    assert client.get(body["attachment_url"]).status_code == 302
    client.force_login(alice)
    download = client.get(body["attachment_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_directive_upload_that_is_not_an_image_or_pdf_is_a_field_error(api_client, staff):
    authenticate(api_client, staff)
    payload = {
        "issuer": "吉林市安委办",
        "issued_on": "2024-05-28",
        "title": "通知",
        "attachment": SimpleUploadedFile(
            "通知.pdf", b"MZ not a pdf", content_type="application/pdf"
        ),
    }
    response = api_client.post(DIRECTIVES, payload, format="multipart")
    assert_field_error(response, "attachment", "file_type")
    assert not Directive.objects.exists()


def test_a_duplicate_directive_number_is_a_field_error(api_client, staff):
    directive = DirectiveFactory()
    authenticate(api_client, staff)
    payload = {
        "issuer": directive.issuer,
        "number": directive.number,
        "issued_on": "2024-05-28",
        "title": "另一份",
    }
    assert_field_error(api_client.post(DIRECTIVES, payload), "number")
    assert Directive.objects.count() == 1


def test_heads_cannot_write_directives(api_client, alice):
    directive = DirectiveFactory()
    authenticate(api_client, alice)
    payload = {"issuer": "某单位", "issued_on": "2024-05-28", "title": "通知"}
    assert api_client.post(DIRECTIVES, payload).status_code == 403
    assert api_client.patch(f"{DIRECTIVES}{directive.pk}/", {"title": "篡改"}).status_code == 403
    directive.refresh_from_db()
    assert directive.title != "篡改"


def test_staff_patch_a_directive(api_client, staff):
    directive = DirectiveFactory()
    authenticate(api_client, staff)
    response = api_client.patch(f"{DIRECTIVES}{directive.pk}/", {"requirements": "新的要求"})
    assert response.status_code == 200, response.content
    directive.refresh_from_db()
    assert directive.requirements == "新的要求"


def test_directive_filters_and_search(api_client, alice):
    campaign = CampaignFactory()
    first = DirectiveFactory(issuer="吉林市安委办", title="甲通知", campaign=campaign)
    second = DirectiveFactory(issuer="吉林省应急管理厅", issued_on=dt.date(2024, 4, 1))
    authenticate(api_client, alice)

    def found(**params) -> set[int]:
        return listed_ids(api_client.get(DIRECTIVES, params))

    assert found(issuer="应急管理厅") == {second.pk}
    assert found(campaign=campaign.pk) == {first.pk}
    assert found(issued_on_before="2024-05-01") == {second.pk}
    assert found(issued_on_after="2024-05-01") == {first.pk}
    assert found(search="甲通知") == {first.pk}


# --- Document numbers -----------------------------------------------------------------------


def test_staff_and_admins_read_the_number_register(api_client, staff, admin_user, issued):
    for user in (staff, admin_user):
        authenticate(api_client, user)
        response = api_client.get(NUMBERS)
        assert response.status_code == 200
        [row] = response.json()["results"]
        assert row["text"] == issued.document_number.text
        assert row["meeting"] == issued.pk
        assert row["issued_by"] == staff.pk


def test_heads_cannot_read_the_number_register(api_client, alice, issued):
    authenticate(api_client, alice)
    assert api_client.get(NUMBERS).status_code == 403
    assert api_client.get(f"{NUMBERS}{issued.document_number_id}/").status_code == 403


def test_the_number_register_is_read_only(api_client, admin_user, issued):
    authenticate(api_client, admin_user)
    assert api_client.post(NUMBERS, {"prefix": "x", "year": 2024, "sequence": 9}).status_code == 405
    url = f"{NUMBERS}{issued.document_number_id}/"
    assert api_client.delete(url).status_code == 405
    assert DocumentNumber.objects.count() == 1


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "alice"])
def test_meeting_list_queries_do_not_grow_with_rows(api_client, request, who, office, unit_a):
    staff = request.getfixturevalue("staff")
    user = request.getfixturevalue(who)
    authenticate(api_client, user)
    period = KeyPeriodFactory()
    directive = DirectiveFactory()
    other = UnitFactory()
    url = f"{MEETINGS}?page_size=100"

    def add(n: int) -> None:
        for _ in range(n):
            meeting = draft_meeting(organiser=office, units=[unit_a, other])
            meeting.key_periods.set([period])
            meeting.directives.set([directive])
            services.meeting_issue(meeting=meeting, actor=staff)

    add(5)
    with_5 = count_queries(api_client, url)
    add(45)
    with_50 = count_queries(api_client, url)
    assert api_client.get(url).json()["count"] == 50
    assert with_5 == with_50


def test_directive_list_queries_do_not_grow_with_rows(api_client, alice):
    authenticate(api_client, alice)
    campaign = CampaignFactory()
    DirectiveFactory.create_batch(5, campaign=campaign)
    with_5 = count_queries(api_client, f"{DIRECTIVES}?page_size=100")
    DirectiveFactory.create_batch(45, campaign=campaign)
    assert count_queries(api_client, f"{DIRECTIVES}?page_size=100") == with_5


def test_document_number_list_queries_do_not_grow_with_rows(api_client, staff, office, unit_a):
    authenticate(api_client, staff)

    def add(n: int) -> None:
        for _ in range(n):
            services.meeting_issue(
                meeting=draft_meeting(organiser=office, units=[unit_a]), actor=staff
            )

    add(5)
    with_5 = count_queries(api_client, f"{NUMBERS}?page_size=100")
    add(45)
    assert count_queries(api_client, f"{NUMBERS}?page_size=100") == with_5


# --- Schema -----------------------------------------------------------------------------------


def test_schema_documents_the_meeting_endpoints(tmp_path):
    # The whole schema's freedom from warnings is tests/org/test_api.py's to check.
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(out))
    schema = out.read_text()
    for path in (
        "/api/v1/meetings/{id}/issue/",
        "/api/v1/meetings/{id}/sign/",
        "/api/v1/meetings/{id}/minutes/",
        "/api/v1/directives/",
        "/api/v1/document-numbers/",
    ):
        assert f"{path}:" in schema, path
