"""The meeting notice PDF (会议通知): an official document with the number, title,
recipients and sections in Chinese; exported only by staff and admins, only once issued."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.documents import chinese_numeral, meeting_notice_context, meeting_notice_filename
from campaigns.services import meetings as services
from safetyzone.documents import services as documents
from safetyzone.documents.models import GeneratedDocument
from safetyzone.documents.registry import get_document_kind
from safetyzone.documents.rendering import render_pdf
from tests.factories import DirectiveFactory, UnitFactory, draft_meeting, head_of
from tests.helpers import embedded_fonts, flat, pdf_text

MAX_PDF_BYTES = 1024 * 1024
REQUIREMENTS = [
    "各单位要提高政治站位，充分认识当前安全生产形势的严峻性和复杂性。",
    "聚焦危化品、建筑施工、燃气等重点领域，深入开展隐患排查整治。",
    "严格落实24小时值班和领导带班制度，确保信息畅通。",
]


@pytest.fixture
def units(unit_a, unit_b):
    fire = UnitFactory(name="高新区消防救援大队", short_name="消防大队", kind="fire_brigade")
    return [unit_a, unit_b, fire]


@pytest.fixture
def issued(staff, units):
    meeting = draft_meeting(
        organiser=staff.unit,
        units=units,
        title="近期安全生产工作部署会暨安全生产月启动会",
        chair="王立（管委会副主任）",
        place="管委会三楼会议室",
        notice_body="为深入贯彻落实上级关于安全生产工作的决策部署，经研究，决定召开本次会议。",
    )
    meeting.items.all().delete()
    for order, text in enumerate(REQUIREMENTS, start=1):
        meeting.items.create(kind="requirement", order=order, text=text)
    meeting.items.create(kind="agenda", order=1, text="传达吉林市安委办通知精神")
    meeting.directives.add(DirectiveFactory(title="关于做好近期安全防范工作的通知"))
    return services.meeting_issue(meeting=meeting, actor=staff)


@pytest.fixture
def notice_pdf(issued) -> bytes:
    return render_pdf("campaigns/pdf/meeting_notice.html", meeting_notice_context(issued))


def test_the_notice_carries_number_title_chair_place_units_and_requirements(
    notice_pdf, issued, units
):
    text = flat(pdf_text(notice_pdf))

    assert flat(issued.document_number.text) in text
    assert "关于召开" in text or issued.title in text
    assert issued.title in text
    assert "王立（管委会副主任）" in text
    assert "管委会三楼会议室" in text
    for unit in units:
        assert unit.name in text
    for requirement in REQUIREMENTS:
        assert flat(requirement) in text
    assert "传达吉林市安委办通知精神" in text
    assert "关于做好近期安全防范工作的通知" in text
    assert "高新区安委办" in text  # the issuer
    assert "numeral" not in text and "heading" not in text  # no template internals


def test_the_main_recipients_are_the_attending_units_in_one_line(issued, units):
    context = meeting_notice_context(issued)
    in_order = sorted(units, key=lambda unit: (unit.order, unit.name, unit.pk))
    assert context["recipients"] == "、".join(unit.name for unit in in_order)


def test_the_notice_is_dated_in_chinese_and_stays_small(notice_pdf, issued):
    text = flat(pdf_text(notice_pdf))
    issued_on = timezone.localtime(issued.issued_at)  # the zone's time (Asia/Shanghai)
    assert f"{issued_on.year}年{issued_on.month}月{issued_on.day}日" in text
    starts = timezone.localtime(issued.starts_at)
    assert f"{starts.year}年{starts.month}月{starts.day}日" in text  # the meeting's day, same style
    assert len(notice_pdf) < MAX_PDF_BYTES


def test_the_body_is_set_in_fangsong_or_else_a_song_face(notice_pdf):
    """FangSong from the configured font file (test_notice_layout.py requires it);
    Noto Serif CJK where the file is missing."""
    fonts = embedded_fonts(notice_pdf)
    assert any("FangSong" in name or "Serif" in name for name in fonts), fonts


def test_the_file_is_named_after_number_and_title(issued):
    name = meeting_notice_filename(issued)
    assert name.startswith(issued.document_number.text)
    assert issued.title in name
    assert name.endswith(".pdf")


def test_a_title_already_worded_as_a_notice_is_kept(staff, unit_a):
    meeting = draft_meeting(
        organiser=staff.unit, units=[unit_a], title="关于召开全区安全生产工作会议的通知"
    )
    meeting = services.meeting_issue(meeting=meeting, actor=staff)
    assert meeting_notice_context(meeting)["title"] == "关于召开全区安全生产工作会议的通知"


@pytest.mark.parametrize(
    ("n", "numeral"), [(1, "一"), (6, "六"), (10, "十"), (12, "十二"), (20, "二十"), (23, "二十三")]
)
def test_chinese_numerals(n, numeral):
    assert chinese_numeral(n) == numeral


# --- Exporting through the generated documents -------------------------------------------------


def test_the_kind_is_registered_for_meetings_with_the_issue_permission():
    kind = get_document_kind("meeting_notice")
    assert kind.model == "campaigns.Meeting"
    assert kind.permission == "campaigns.issue_meeting"


def test_staff_export_the_notice(issued, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = documents.document_request(user=staff, kind="meeting_notice", subject=issued)

    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE, document.error
    assert document.unit == issued.organiser
    assert flat(issued.document_number.text) in flat(pdf_text(document.file.read()))


def test_admins_export_the_notice(issued, admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = documents.document_request(
            user=admin_user, kind="meeting_notice", subject=issued
        )
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.DONE, document.error


def test_a_head_of_an_attending_unit_cannot_export(issued, alice):
    with pytest.raises(PermissionDenied):
        documents.document_request(user=alice, kind="meeting_notice", subject=issued)
    assert not GeneratedDocument.objects.exists()


def test_a_head_gets_403_from_the_generate_button_url(client, issued, alice):
    url = reverse("documents:request", args=["meeting_notice", issued.pk])
    client.force_login(alice)
    assert client.post(url).status_code == 403
    client.force_login(head_of(UnitFactory(name="高新区住建局")))
    assert client.post(url).status_code == 404  # not his unit's meeting at all
    assert not GeneratedDocument.objects.exists()


def test_a_draft_has_no_notice_and_queues_nothing(staff, unit_a):
    from django.core.exceptions import ValidationError

    draft = draft_meeting(organiser=staff.unit, units=[unit_a])
    with pytest.raises(ValidationError) as info:
        documents.document_request(user=staff, kind="meeting_notice", subject=draft)
    assert gettext("Only an issued meeting has a notice to export.") in info.value.messages
    assert not GeneratedDocument.objects.exists()


def test_a_draft_notice_requested_from_the_page_says_why(client, staff, unit_a):
    draft = draft_meeting(organiser=staff.unit, units=[unit_a])
    client.force_login(staff)
    url = reverse("documents:request", args=["meeting_notice", draft.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="document-refused"' in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_the_meeting_page_offers_the_pdf_to_staff_only_once_issued(client, staff, issued, unit_a):
    draft = draft_meeting(organiser=staff.unit, units=[unit_a])
    client.force_login(staff)
    marker = 'data-testid="generate-meeting_notice"'
    assert marker in client.get(issued.get_absolute_url()).content.decode()
    assert marker not in client.get(draft.get_absolute_url()).content.decode()


def test_a_notice_request_reads_organiser_and_number_with_the_meeting(issued, staff):
    """The owning unit and the file name come from the meeting's organiser and number:
    the request fetches them with the meeting (the kind's subject_related)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safetyzone.documents import selectors

    with CaptureQueriesContext(connection) as queries:
        meeting = selectors.document_subject_get(
            user=staff, kind="meeting_notice", object_id=issued.pk
        )
        document = documents.document_request(user=staff, kind="meeting_notice", subject=meeting)
    assert document.unit == issued.organiser
    assert document.filename.startswith(issued.document_number.text)
    statements = [q["sql"] for q in queries.captured_queries]
    alone = [
        sql
        for sql in statements
        if sql.startswith("SELECT")
        and sql.split(" FROM ")[1].split()[0] in ('"org_unit"', '"campaigns_documentnumber"')
    ]
    assert alone == [], statements
