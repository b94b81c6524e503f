"""The API's contract with a hostile client: any input is answered with a status and a
JSON error of the one format, never a server error or an HTML page; filters tell nothing
of another unit's records; dates keep to the API's range."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import path
from rest_framework.test import APIClient

from inspections.services import hazards as hazard_services
from safetyzone import urls as project_urls
from safetyzone.core.api import DateTimeField, ModelSerializer
from tests.factories import EnterpriseFactory, KeyAreaFactory
from tests.inspections.factories import InspectionFactory

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [*project_urls.urlpatterns, path("api/v1/test-boom/", boom)]
handler400 = project_urls.handler400
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def error_attrs(response) -> set:
    assert response["Content-Type"] == "application/json", response.content[:200]
    body = response.json()
    assert body["type"] == "validation_error", body
    return {error["attr"] for error in body["errors"]}


@pytest.fixture
def fire(db):
    return KeyAreaFactory(code="fire", name="消防")


@pytest.fixture
def enterprise_a(unit_a, fire):
    enterprise = EnterpriseFactory(supervising_unit=unit_a)
    enterprise.key_areas.set([fire])
    return enterprise


@pytest.fixture
def hazard_a(staff, enterprise_a, fire):
    return hazard_services.hazard_create(
        actor=staff,
        enterprise=enterprise_a,
        key_area=fire,
        description="疏散通道堆放杂物",
        found_on=dt.date(2024, 6, 5),
        deadline=dt.date(2024, 6, 20),
        inspection=InspectionFactory(enterprise=enterprise_a, key_area=fire),
    )


# --- No server error for any input -------------------------------------------------------


def test_a_year_too_large_to_be_a_date_is_a_field_error(staff):
    response = as_user(staff).get("/api/v1/campaigns/", {"year": "1e20"})
    assert response.status_code == 400
    assert error_attrs(response) == {"year"}


def test_a_time_offset_out_of_range_is_a_field_error(staff):
    response = as_user(staff).get(
        "/api/v1/meetings/", {"starts_at_before": "2026-04-12T04:31:10+20:37"}
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"starts_at"}


@pytest.mark.parametrize("field", ["enterprise", "key_area", "responsible_unit"])
def test_changing_where_a_hazard_was_found_is_a_field_error(staff, hazard_a, unit_b, field):
    other = {
        "enterprise": EnterpriseFactory(supervising_unit=unit_b).pk,
        "key_area": KeyAreaFactory(code="gas").pk,
        "responsible_unit": unit_b.pk,
    }[field]
    response = as_user(staff).patch(
        f"/api/v1/hazards/{hazard_a.pk}/", {field: other}, format="json"
    )
    assert response.status_code == 400
    assert error_attrs(response) == {field}
    hazard_a.refresh_from_db()
    assert getattr(hazard_a, f"{field}_id") != other


def test_a_hazard_sent_back_as_read_is_accepted(staff, hazard_a):
    client = as_user(staff)
    read = client.get(f"/api/v1/hazards/{hazard_a.pk}/").json()
    changes = {name: read[name] for name in ("enterprise", "key_area", "responsible_unit")}
    response = client.patch(
        f"/api/v1/hazards/{hazard_a.pk}/", {**changes, "place": "二层"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["place"] == "二层"


# --- Dates within range ------------------------------------------------------------------


def test_a_date_time_of_another_century_is_refused(staff):
    response = as_user(staff).post(
        "/api/v1/weather-warnings/",
        {
            "kind": "rainstorm",
            "level": "orange",
            "area": "高新区全域",
            "issued_by": "吉林市气象台",
            "issued_at": "0251-02-27T12:31:46+08:00",
            "valid_until": "2024-06-20T20:00:00+08:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"issued_at"}


def test_a_date_filter_of_another_century_is_refused(staff):
    response = as_user(staff).get("/api/v1/hazards/", {"found_from": "0001-01-01"})
    assert response.status_code == 400
    assert error_attrs(response) == {"found_from"}


def test_every_date_time_of_the_api_keeps_to_the_range():
    """Model serializers map date-times to the API's field; explicit fields use it too."""
    from django.apps import apps
    from rest_framework import serializers

    def every_subclass(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every_subclass(sub)

    apps.get_app_configs()  # every serializer module is imported by the URLconf
    import safetyzone.urls  # noqa: F401

    plain = []
    for serializer_class in every_subclass(serializers.Serializer):
        module = serializer_class.__module__
        if not module.startswith(("campaigns", "duty", "inspections", "safetyzone")):
            continue
        if issubclass(serializer_class, serializers.ModelSerializer):
            assert issubclass(serializer_class, ModelSerializer), serializer_class
        for name, field in serializer_class._declared_fields.items():
            if type(field) in (serializers.DateTimeField, serializers.DateField):
                if not field.read_only:
                    plain.append(f"{serializer_class.__qualname__}.{name}")
    assert plain == []
    assert DateTimeField in ModelSerializer.serializer_field_mapping.values()


# --- JSON errors everywhere under /api/ -------------------------------------------------


def test_a_body_over_the_size_limit_is_a_json_413(staff, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client()
    client.force_login(staff)
    response = client.post(
        "/api/v1/directives/",
        {"title": "x" * 2000},
        HTTP_X_CSRFTOKEN="ignored",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "payload_too_large"


def test_an_unknown_api_path_is_a_json_404(production_like, staff):
    client = Client()
    client.force_login(staff)
    response = client.get("/api/v1/hazards/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {"code": "not_found", "detail": response.json()["errors"][0]["detail"], "attr": None}
        ],
    }


def test_a_crash_under_api_is_a_json_500(production_like, db):
    response = Client(raise_request_exception=False).get("/api/v1/test-boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["type"] == "server_error"


def test_pages_keep_their_html_error_pages(production_like, staff):
    client = Client()
    client.force_login(staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- Filters tell nothing of another unit's records ---------------------------------------


@pytest.mark.parametrize(
    ("url", "parameter", "record"),
    [
        ("/api/v1/hazards/", "enterprise", "enterprise"),
        ("/api/v1/hazards/", "inspection", "inspection"),
        ("/api/v1/rectification-reports/", "hazard", "hazard"),
        ("/api/v1/violations/", "enterprise", "enterprise"),
        ("/api/v1/inspections/", "enterprise", "enterprise"),
    ],
)
def test_filtering_by_another_units_record_answers_as_a_missing_one(
    bob, hazard_a, url, parameter, record
):
    own = {
        "enterprise": hazard_a.enterprise_id,
        "inspection": hazard_a.inspection_id,
        "hazard": hazard_a.pk,
    }[record]
    client = as_user(bob)
    theirs = client.get(url, {parameter: own})
    missing = client.get(url, {parameter: 999999})
    assert theirs.status_code == missing.status_code == 400
    assert theirs.json() == {
        **missing.json(),
        "errors": [
            {**error, "detail": error["detail"].replace("999999", str(own))}
            for error in missing.json()["errors"]
        ],
    }


def test_head_bob_filtering_by_alices_enterprise_gets_the_answer_of_a_missing_one(
    alice, bob, enterprise_a
):
    client = as_user(bob)
    theirs = client.get("/api/v1/hazards/", {"enterprise": enterprise_a.pk})
    missing = client.get("/api/v1/hazards/", {"enterprise": 999999})
    assert theirs.status_code == missing.status_code
    assert theirs.content.replace(str(enterprise_a.pk).encode(), b"N") == missing.content.replace(
        b"999999", b"N"
    )


def test_alice_filters_by_her_own_enterprise(alice, hazard_a):
    response = as_user(alice).get("/api/v1/hazards/", {"enterprise": hazard_a.enterprise_id})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [hazard_a.pk]


def test_campaigns_stay_open_to_every_filter(bob, unit_a):
    from tests.factories import CampaignFactory

    campaign = CampaignFactory(lead_unit=unit_a)
    response = as_user(bob).get("/api/v1/activities/", {"campaign": campaign.pk})
    assert response.status_code == 200
