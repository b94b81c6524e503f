"""Uploads of the campaigns app against a hostile user (issue 12): directive attachments,
activity photos and assignment attachments are stored under names the server chooses,
served with the type found in their bytes, and only to roles that may read them."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from campaigns.models import ActivityPhoto, Directive, TaskAssignment
from campaigns.services.assignments import assignment_complete
from tests.factories import task_for_units
from tests.helpers import huge_png_upload, pdf_upload, png_upload

API = "/api/v1/"


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def assert_served_as(response, content_type: str, filename: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    assert filename in disposition or quote(filename) in disposition


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


# --- Directive attachments ----------------------------------------------------------------


def test_a_directive_pdf_named_html_is_stored_as_pdf_and_served_as_one(client, staff, alice):
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:directive-create"),
        directive_form(attachment=pdf_upload("report.html", content_type="text/html")),
    )
    assert response.status_code == 302
    directive = Directive.objects.get()
    assert directive.attachment.name.startswith("directives/")
    assert directive.attachment.name.endswith(".pdf")
    assert "report" not in directive.attachment.name
    assert directive.attachment_name == "report.html"

    client.force_login(alice)
    response = client.get(reverse("campaigns:directive-attachment", args=[directive.pk]))
    assert_served_as(response, "application/pdf", "report.pdf")


def test_a_directive_image_sent_through_the_api_is_renamed(api_client, staff):
    api_client.force_authenticate(staff)
    response = api_client.post(
        f"{API}directives/",
        {**directive_form(), "attachment": png_upload("notice.svg")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    directive = Directive.objects.get()
    assert directive.attachment.name.endswith(".png")
    assert directive.attachment_name == "notice.svg"


def test_a_41_megapixel_directive_image_is_refused_beside_the_field(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("campaigns:directive-create"), directive_form(attachment=huge_png_upload())
    )
    assert response.status_code == 200
    assert "41.6" in " ".join(response.context["form"].errors["attachment"])
    assert not Directive.objects.exists()


# --- Activity photos ----------------------------------------------------------------------


def test_an_activity_photo_named_html_is_served_as_an_image(client, alice, staff, activity_a):
    client.force_login(alice)
    response = client.post(
        reverse("campaigns:activity-photos-add", args=[activity_a.pk]),
        {"photos": [png_upload("report.html")]},
    )
    assert response.status_code == 302
    photo = activity_a.photos.get()
    assert photo.image.name.startswith("activities/") and photo.image.name.endswith(".png")
    assert photo.original_name == "report.html"

    client.force_login(staff)
    response = client.get(reverse("campaigns:activity-photo", args=[photo.pk]))
    assert_served_as(response, "image/png", "report.png")


def test_a_41_megapixel_activity_photo_is_refused_beside_the_field(client, alice, activity_a):
    client.force_login(alice)
    response = client.post(
        reverse("campaigns:activity-photos-add", args=[activity_a.pk]),
        {"photos": [huge_png_upload()]},
    )
    assert response.status_code == 200
    assert "41.6" in response.content.decode()
    assert not ActivityPhoto.objects.exists()


def test_a_41_megapixel_activity_photo_is_a_400_in_the_api(api_client, alice, activity_a):
    api_client.force_authenticate(alice)
    response = api_client.post(
        f"{API}activities/{activity_a.pk}/photos/",
        {"photos": [huge_png_upload()]},
        format="multipart",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"].startswith("photos")
    assert "41.6" in error["detail"]


# --- Assignment attachments ---------------------------------------------------------------


@pytest.fixture
def a_assignment(unit_a, unit_b):
    task = task_for_units(lead=unit_a, assisting=[unit_b], title="危化品企业隐患排查")
    assignment = task.assignments.get(unit=unit_a)
    assignment.status = TaskAssignment.Status.IN_PROGRESS
    assignment.save()
    return assignment


def test_an_assignment_attachment_named_html_is_served_as_a_pdf(client, alice, staff, a_assignment):
    client.force_login(alice)
    response = client.post(
        reverse("campaigns:assignment-complete", args=[a_assignment.pk]),
        {
            "feedback": "已排查企业12家",
            "attachments": [pdf_upload("report.html", content_type="text/html")],
        },
    )
    assert response.status_code == 302
    attachment = a_assignment.attachments.get()
    assert attachment.file.name.startswith("tasks/") and attachment.file.name.endswith(".pdf")
    assert attachment.original_name == "report.html"
    assert str(attachment) == "report.html"

    client.force_login(staff)
    response = client.get(reverse("campaigns:assignment-attachment", args=[attachment.pk]))
    assert_served_as(response, "application/pdf", "report.pdf")


def test_a_41_megapixel_attachment_is_a_400_field_error_in_the_api(api_client, alice, a_assignment):
    api_client.force_authenticate(alice)
    response = api_client.post(
        f"{API}task-assignments/{a_assignment.pk}/complete/",
        {"feedback": "完成", "attachments": [huge_png_upload()]},
        format="multipart",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"].startswith("attachments")
    assert "41.6" in error["detail"]


def test_a_duty_officer_of_the_unit_cannot_download_its_assignment_attachments(
    client, alice, officer_a, a_assignment
):
    assignment_complete(
        assignment=a_assignment, actor=alice, feedback="完成", attachments=[png_upload("a.png")]
    )
    link = reverse("campaigns:assignment-attachment", args=[a_assignment.attachments.get().pk])
    client.force_login(alice)
    assert client.get(link).status_code == 200
    client.force_login(officer_a)
    assert client.get(link).status_code == 404
