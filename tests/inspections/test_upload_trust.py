"""Uploads of the inspections app against a hostile user (issue 12): a file is stored
under a name the server chooses, served with the type found in its bytes (never the
type its name claims), and only to roles that may read the record it belongs to."""

import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from inspections.models import HazardPhoto, InspectionAnswer, ReportEvidence
from inspections.services import hazards as hazard_services
from inspections.services import inspections as inspection_services
from inspections.services import reports as report_services
from tests.helpers import huge_png_upload, pdf_upload, png_upload

from .conftest import make_hazard

API = "/api/v1/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_served_as(response, content_type: str, filename: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    assert filename in disposition or quote(filename) in disposition


@pytest.fixture
def rectifying_a(alice, staff, enterprise_a):
    hazard = make_hazard(staff, enterprise_a)
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
    return hazard


# --- Stored names and served types --------------------------------------------------------


def test_a_png_named_html_is_stored_as_png_and_served_as_an_image(client, alice, staff, hazard_a):
    client.force_login(alice)
    response = client.post(
        reverse("inspections:hazard-photos", args=[hazard_a.pk]),
        {"stage": "found", "photos": [png_upload("report.html")]},
    )
    assert response.status_code == 302
    photo = hazard_a.photos.get()
    assert photo.image.name.startswith("hazards/")
    assert photo.image.name.endswith(".png")
    assert "report" not in photo.image.name
    assert photo.original_name == "report.html"

    client.force_login(staff)
    response = client.get(reverse("inspections:hazard-photo", args=[photo.pk]))
    assert_served_as(response, "image/png", "report.png")
    assert body(response).startswith(b"\x89PNG")


def test_a_pdf_named_html_as_evidence_is_served_as_a_pdf_to_staff(
    client, alice, staff, rectifying_a
):
    client.force_login(alice)
    response = client.post(
        reverse("inspections:hazard-report", args=[rectifying_a.pk]),
        {
            "measures_taken": "清理",
            "completed_on": "2024-06-10",
            "funds_spent": "0",
            "evidence": [pdf_upload("report.html")],
        },
    )
    assert response.status_code == 302
    evidence = ReportEvidence.objects.get()
    assert evidence.file.name.startswith("rectification/")
    assert evidence.file.name.endswith(".pdf") and "report" not in evidence.file.name
    assert evidence.original_name == "report.html"

    client.force_login(staff)
    response = client.get(reverse("inspections:evidence-file", args=[evidence.pk]))
    assert_served_as(response, "application/pdf", "report.pdf")
    assert body(response).startswith(b"%PDF-")


def test_evidence_filed_through_the_api_is_renamed_and_served_by_its_type(
    api_client, alice, staff, rectifying_a
):
    api_client.force_authenticate(alice)
    response = api_client.post(
        f"{API}rectification-reports/",
        {
            "hazard": rectifying_a.pk,
            "measures_taken": "清理",
            "completed_on": "2024-06-10",
            "evidence_files": [pdf_upload("report.html"), png_upload("photo.html")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    names = ReportEvidence.objects.values_list("file", flat=True)
    assert sorted(name.rsplit(".", 1)[-1] for name in names) == ["pdf", "png"]
    api_client.force_authenticate(staff)
    for row in response.json()["evidence"]:
        served = api_client.get(row["url"])
        expected = "application/pdf" if row["original_name"] == "report.html" else "image/png"
        assert served["Content-Type"] == expected
        assert served["X-Content-Type-Options"] == "nosniff"


def test_answer_photo_is_renamed_and_its_hazard_copy_keeps_the_label(
    client, inspector_a, enterprise_a, template
):
    items = list(template.items.order_by("order"))
    data = {
        "enterprise": enterprise_a.pk,
        "date": "2024-06-05",
        "method": "unannounced",
        "inspectors": [inspector_a.pk],
    }
    for item in items:
        data[f"result_{item.pk}"] = "fail" if item.order == 1 else "pass"
    data[f"photos_{items[0].pk}"] = png_upload("exit.html")
    client.force_login(inspector_a)
    client.post(reverse("inspections:inspection-create") + f"?template={template.pk}", data)
    answer = InspectionAnswer.objects.get(result="fail")
    stored = answer.photos.get()
    assert stored.image.name.startswith("inspections/") and stored.image.name.endswith(".png")
    assert stored.original_name == "exit.html"
    response = client.get(reverse("inspections:answer-photo-file", args=[stored.pk]))
    assert_served_as(response, "image/png", "exit.png")

    hazard = hazard_services.hazard_from_answer(actor=inspector_a, answer=answer)
    photo = hazard.photos.get()
    assert photo.image.name.startswith("hazards/") and photo.image.name.endswith(".png")
    assert photo.image.name != stored.image.name
    assert photo.original_name == "exit.html"


def test_a_file_stored_before_under_an_html_name_is_served_by_its_content(client, staff, hazard_a):
    """Records from before keep their names; serving never trusts them."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    name = default_storage.save("hazards/2024/06/report.html", ContentFile(buffer.getvalue()))
    photo = HazardPhoto.objects.create(hazard=hazard_a, image="placeholder")
    HazardPhoto.objects.filter(pk=photo.pk).update(image=name, original_name="")
    client.force_login(staff)
    response = client.get(reverse("inspections:hazard-photo", args=[photo.pk]))
    assert_served_as(response, "image/png", "report.png")


def test_an_old_file_of_no_known_type_is_served_as_a_download(client, staff, hazard_a):
    name = default_storage.save(
        "hazards/2024/06/page.html", ContentFile(b"<html><script>alert(1)</script></html>")
    )
    photo = HazardPhoto.objects.create(hazard=hazard_a, image="placeholder")
    HazardPhoto.objects.filter(pk=photo.pk).update(image=name)
    client.force_login(staff)
    response = client.get(reverse("inspections:hazard-photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert ".html" not in response["Content-Disposition"]


# --- Pixels ---------------------------------------------------------------------------------


def test_a_41_megapixel_photo_is_refused_beside_the_evidence_field(client, alice, rectifying_a):
    client.force_login(alice)
    response = client.post(
        reverse("inspections:hazard-report", args=[rectifying_a.pk]),
        {
            "measures_taken": "清理",
            "completed_on": "2024-06-10",
            "funds_spent": "0",
            "evidence": [huge_png_upload()],
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["evidence"])
    assert "41.6" in errors
    assert not ReportEvidence.objects.exists()


def test_a_41_megapixel_photo_added_to_a_hazard_is_refused_with_a_message(client, alice, hazard_a):
    client.force_login(alice)
    response = client.post(
        reverse("inspections:hazard-photos", args=[hazard_a.pk]),
        {"stage": "found", "photos": [huge_png_upload()]},
        follow=True,
    )
    assert "41.6" in response.content.decode()
    assert not hazard_a.photos.exists()


def test_a_41_megapixel_photo_is_a_400_field_error_in_the_api(
    api_client, inspector_a, enterprise_a, fire
):
    api_client.force_authenticate(inspector_a)
    response = api_client.post(
        f"{API}hazards/",
        {
            "enterprise": enterprise_a.pk,
            "key_area": fire.pk,
            "description": "配电箱门缺失",
            "found_on": "2024-06-05",
            "photo_files": [huge_png_upload()],
        },
        format="multipart",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"].startswith("photo")
    assert "41.6" in error["detail"]


# --- Roles as well as units ---------------------------------------------------------------


@pytest.fixture
def files_a(alice, inspector_a, staff, enterprise_a, template):
    """A hazard of unit A with a photo and a report with evidence, and an inspection
    answer with a photo."""
    hazard = make_hazard(staff, enterprise_a, photos=[png_upload()])
    hazard_services.hazard_start_rectification(actor=alice, hazard=hazard)
    report = report_services.report_file(
        actor=alice,
        hazard=hazard,
        measures_taken="清理",
        completed_on=dt.date(2024, 6, 9),
        evidence=[pdf_upload()],
    )
    item = template.items.order_by("order").first()
    inspection = inspection_services.inspection_record(
        actor=inspector_a,
        enterprise=enterprise_a,
        key_area=template.key_area,
        template=template,
        inspectors=[inspector_a],
        date=dt.date(2024, 6, 5),
        answers=[inspection_services.AnswerInput(item=item, result="fail", photo=png_upload())],
    )
    return {
        "hazard": hazard,
        "photo": hazard.photos.get(),
        "report": report,
        "evidence": report.evidence.get(),
        "answer": inspection.answers.get(),
    }


def _page_urls(files) -> list[str]:
    return [
        reverse("inspections:hazard-photo", args=[files["photo"].pk]),
        reverse("inspections:evidence-file", args=[files["evidence"].pk]),
        reverse("inspections:answer-photo", args=[files["answer"].pk]),
    ]


def test_a_duty_officer_of_the_same_unit_gets_404_on_hazard_files(
    client, officer_a, alice, files_a
):
    client.force_login(alice)  # the head of the same unit may: the refusal is the role's
    for url in _page_urls(files_a):
        assert client.get(url).status_code == 200, url
    client.force_login(officer_a)
    for url in _page_urls(files_a):
        assert client.get(url).status_code == 404, url


def test_a_duty_officer_cannot_fetch_hazard_files_through_the_api(
    api_client, officer_a, alice, files_a
):
    hazard, report = files_a["hazard"], files_a["report"]
    urls = [
        reverse("api:hazard-photo", args=[hazard.pk, files_a["photo"].pk]),
        reverse("api:rectification-report-evidence", args=[report.pk, files_a["evidence"].pk]),
    ]
    api_client.force_authenticate(alice)
    for url in urls:
        assert api_client.get(url).status_code == 200, url
    api_client.force_authenticate(officer_a)
    for url in urls:
        assert api_client.get(url).status_code in (403, 404), url
