"""The REST API shell: tokens, the standard error shape, pagination, filters, the
permission matrix for units and enterprises, query counts and the schema."""

import re

import pytest
from django.core.management import call_command
from knox.models import AuthToken

from safetyzone.org.models import Enterprise
from tests.factories import (
    TEST_PASSWORD,
    EnterpriseFactory,
    KeyAreaFactory,
    UnitFactory,
    UserFactory,
    valid_credit_code,
)
from tests.helpers import assert_field_error, authenticate, count_queries, listed_ids

ENTERPRISES = "/api/v1/enterprises/"
UNITS = "/api/v1/units/"
TOKEN = "/api/v1/auth/token/"


def enterprise_payload(unit, **overrides) -> dict:
    payload = {
        "name": "长春高新精细化工有限公司",
        "credit_code": valid_credit_code(987654),
        "supervising_unit": unit.pk,
        "address": "长春市高新区超达大路100号",
        "industry": "化工",
        "contact_person": "李四",
        "contact_phone": "0431-85551234",
        "risk_grade": "high",
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def api_client(api_client):
    """Clients of this API send JSON (a form-encoded body would read a missing boolean
    as false, as HTML checkboxes do)."""
    api_client.default_format = "json"
    return api_client


@pytest.fixture
def enterprise_a(unit_a):
    return EnterpriseFactory(name="硅谷燃气站", supervising_unit=unit_a)


@pytest.fixture
def enterprise_b(unit_b):
    return EnterpriseFactory(name="北湖危化品仓库", supervising_unit=unit_b)


# --- Tokens and the error shape -------------------------------------------------------


def test_token_from_username_and_password_authenticates_the_api(api_client, alice, unit_a):
    response = api_client.post(TOKEN, {"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert AuthToken.objects.filter(user=alice).count() == 1

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get(UNITS)
    assert response.status_code == 200
    assert [u["name"] for u in response.json()["results"]] == [unit_a.name]


def test_wrong_password_is_a_standard_validation_error(api_client, alice):
    response = api_client.post(TOKEN, {"username": "alice", "password": "wrong"})
    error = assert_field_error(response, "non_field_errors", "authorization")
    assert error["detail"]
    assert not AuthToken.objects.exists()


def test_missing_password_names_the_field(api_client, alice):
    response = api_client.post(TOKEN, {"username": "alice"})
    assert_field_error(response, "password", "required")


def test_an_unknown_token_is_refused(api_client, alice):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    response = api_client.get(UNITS)
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"


def test_repeated_wrong_passwords_lock_the_token_endpoint(api_client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(TOKEN, {"username": "alice", "password": "wrong"})
    response = api_client.post(TOKEN, {"username": "alice", "password": TEST_PASSWORD})
    # Even the right password is refused now, in the usual shape.
    assert_field_error(response, "non_field_errors", "authorization")
    assert not AuthToken.objects.exists()


# --- Field errors on create: shape only in the serializer, rules in the service --------


def test_bad_credit_code_check_character_is_a_field_error(api_client, alice, unit_a):
    good = valid_credit_code(987654)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    authenticate(api_client, alice)
    response = api_client.post(ENTERPRISES, enterprise_payload(unit_a, credit_code=bad))
    assert_field_error(response, "credit_code", "uscc_check")
    assert not Enterprise.objects.exists()


def test_bad_phone_is_a_field_error(api_client, alice, unit_a):
    authenticate(api_client, alice)
    response = api_client.post(ENTERPRISES, enterprise_payload(unit_a, contact_phone="13800"))
    assert_field_error(response, "contact_phone", "phone")
    assert not Enterprise.objects.exists()


def test_duplicate_credit_code_is_a_field_error(api_client, alice, unit_a, enterprise_a):
    authenticate(api_client, alice)
    response = api_client.post(
        ENTERPRISES, enterprise_payload(unit_a, credit_code=enterprise_a.credit_code)
    )
    assert_field_error(response, "credit_code", "unique")
    assert Enterprise.objects.count() == 1


def test_head_creates_an_enterprise_of_their_unit(api_client, alice, unit_a):
    area = KeyAreaFactory(code="gas-test", name="燃气测试")
    authenticate(api_client, alice)
    payload = enterprise_payload(
        unit_a, key_areas=[area.pk], credit_code=valid_credit_code(987654).lower()
    )
    response = api_client.post(ENTERPRISES, payload)
    assert response.status_code == 201, response.content
    enterprise = Enterprise.objects.get()
    assert enterprise.supervising_unit == unit_a
    assert enterprise.is_active
    assert enterprise.credit_code == valid_credit_code(987654)  # normalised by the service
    assert list(enterprise.key_areas.all()) == [area]
    assert response.json()["id"] == enterprise.pk
    assert response.json()["supervising_unit_name"] == unit_a.name


# --- Pagination, filters, search, ordering ---------------------------------------------


def test_enterprise_list_is_paginated(api_client, staff, unit_a):
    EnterpriseFactory.create_batch(25, supervising_unit=unit_a)
    authenticate(api_client, staff)

    first = api_client.get(ENTERPRISES).json()
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["next"].endswith("?page=2")
    assert first["previous"] is None

    second = api_client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None

    small = api_client.get(ENTERPRISES, {"page_size": 10}).json()
    assert len(small["results"]) == 10
    assert "page_size=10" in small["next"]

    capped = api_client.get(ENTERPRISES, {"page_size": 1000}).json()
    assert len(capped["results"]) == 25


def test_a_page_past_the_end_is_404(api_client, staff, unit_a):
    EnterpriseFactory.create_batch(3, supervising_unit=unit_a)
    authenticate(api_client, staff)
    response = api_client.get(ENTERPRISES, {"page": 9})
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_enterprises_filter_by_risk_grade(api_client, staff, unit_a):
    major = EnterpriseFactory(supervising_unit=unit_a, risk_grade=Enterprise.RiskGrade.MAJOR)
    EnterpriseFactory(supervising_unit=unit_a, risk_grade=Enterprise.RiskGrade.LOW)
    authenticate(api_client, staff)
    assert listed_ids(api_client.get(ENTERPRISES, {"risk_grade": "major"})) == {major.pk}


def test_an_unknown_risk_grade_is_a_field_error(api_client, staff):
    authenticate(api_client, staff)
    response = api_client.get(ENTERPRISES, {"risk_grade": "purple"})
    assert_field_error(response, "risk_grade", "invalid_choice")


def test_enterprises_filter_by_supervising_unit(api_client, staff, enterprise_a, enterprise_b):
    authenticate(api_client, staff)
    response = api_client.get(ENTERPRISES, {"supervising_unit": enterprise_b.supervising_unit_id})
    assert listed_ids(response) == {enterprise_b.pk}


def test_enterprises_filter_by_key_area(api_client, staff, unit_a):
    chemicals = KeyAreaFactory(code="chem-test", name="危化品测试")
    gas = KeyAreaFactory(code="gas-test", name="燃气测试")
    both = EnterpriseFactory(supervising_unit=unit_a)
    both.key_areas.set([chemicals, gas])
    only_gas = EnterpriseFactory(supervising_unit=unit_a)
    only_gas.key_areas.set([gas])
    EnterpriseFactory(supervising_unit=unit_a)
    authenticate(api_client, staff)

    assert listed_ids(api_client.get(ENTERPRISES, {"key_area": chemicals.pk})) == {both.pk}
    response = api_client.get(ENTERPRISES, {"key_area": gas.pk})
    assert response.json()["count"] == 2  # each enterprise once
    assert listed_ids(response) == {both.pk, only_gas.pk}


def test_enterprises_search_by_name_and_credit_code(api_client, staff, enterprise_a, enterprise_b):
    authenticate(api_client, staff)
    assert listed_ids(api_client.get(ENTERPRISES, {"search": "燃气"})) == {enterprise_a.pk}
    response = api_client.get(ENTERPRISES, {"search": enterprise_b.credit_code[-6:]})
    assert listed_ids(response) == {enterprise_b.pk}


def test_enterprises_ordering(api_client, staff, unit_a):
    for name in ["乙公司", "甲公司", "丙公司"]:
        EnterpriseFactory(name=name, supervising_unit=unit_a)
    authenticate(api_client, staff)
    names = [r["name"] for r in api_client.get(ENTERPRISES, {"ordering": "name"}).json()["results"]]
    assert names == sorted(names)
    reverse = api_client.get(ENTERPRISES, {"ordering": "-name"}).json()["results"]
    assert [r["name"] for r in reverse] == sorted(names, reverse=True)


# --- The permission matrix --------------------------------------------------------------


def test_head_lists_only_their_units_enterprises(api_client, alice, enterprise_a, enterprise_b):
    authenticate(api_client, alice)
    response = api_client.get(ENTERPRISES)
    assert response.status_code == 200
    assert listed_ids(response) == {enterprise_a.pk}
    # Filtering by the other unit does not reveal its enterprises either.
    response = api_client.get(ENTERPRISES, {"supervising_unit": enterprise_b.supervising_unit_id})
    assert listed_ids(response) == set()


def test_head_can_read_and_patch_own_units_enterprise(api_client, alice, enterprise_a):
    authenticate(api_client, alice)
    url = f"{ENTERPRISES}{enterprise_a.pk}/"
    assert api_client.get(url).status_code == 200
    response = api_client.patch(url, {"risk_grade": "major"})
    assert response.status_code == 200, response.content
    enterprise_a.refresh_from_db()
    assert enterprise_a.risk_grade == "major"


def test_head_gets_404_on_other_units_enterprise(api_client, alice, bob, enterprise_b):
    # Same role in the other unit can read it: the refusal is about scope, nothing else.
    url = f"{ENTERPRISES}{enterprise_b.pk}/"
    assert authenticate(api_client, bob).get(url).status_code == 200

    authenticate(api_client, alice)
    response = api_client.get(url)
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"

    response = api_client.patch(url, {"risk_grade": "low"})
    assert response.status_code == 404
    enterprise_b.refresh_from_db()
    assert enterprise_b.risk_grade == Enterprise.RiskGrade.GENERAL


def test_head_cannot_move_own_enterprise_to_another_unit(api_client, alice, unit_b, enterprise_a):
    authenticate(api_client, alice)
    response = api_client.patch(f"{ENTERPRISES}{enterprise_a.pk}/", {"supervising_unit": unit_b.pk})
    assert_field_error(response, "supervising_unit")
    enterprise_a.refresh_from_db()
    assert enterprise_a.supervising_unit_id != unit_b.pk


def test_head_cannot_create_an_enterprise_for_another_unit(api_client, alice, bob, unit_b):
    # Bob, head of unit B, can: the payload itself is fine.
    authenticate(api_client, bob)
    payload = enterprise_payload(unit_b, credit_code=valid_credit_code(111))
    assert api_client.post(ENTERPRISES, payload).status_code == 201

    authenticate(api_client, alice)
    payload = enterprise_payload(unit_b, credit_code=valid_credit_code(222))
    response = api_client.post(ENTERPRISES, payload)
    assert_field_error(response, "supervising_unit")
    assert not Enterprise.objects.filter(credit_code=valid_credit_code(222)).exists()


def test_staff_sees_and_creates_for_every_unit(
    api_client, staff, unit_b, enterprise_a, enterprise_b
):
    authenticate(api_client, staff)
    assert listed_ids(api_client.get(ENTERPRISES)) == {enterprise_a.pk, enterprise_b.pk}
    assert api_client.get(f"{ENTERPRISES}{enterprise_b.pk}/").status_code == 200
    response = api_client.post(ENTERPRISES, enterprise_payload(unit_b))
    assert response.status_code == 201, response.content


def test_head_lists_only_their_own_unit(api_client, alice, unit_a, unit_b):
    authenticate(api_client, alice)
    assert listed_ids(api_client.get(UNITS)) == {unit_a.pk}
    assert api_client.get(f"{UNITS}{unit_a.pk}/").status_code == 200
    assert api_client.get(f"{UNITS}{unit_b.pk}/").status_code == 404


def test_staff_lists_every_unit(api_client, staff, unit_a, unit_b):
    authenticate(api_client, staff)
    assert {unit_a.pk, unit_b.pk, staff.unit_id} <= listed_ids(api_client.get(UNITS))
    assert api_client.get(f"{UNITS}{unit_b.pk}/").status_code == 200


def test_units_are_read_only(api_client, staff, admin_user):
    # Staff lack add_unit, so the permission check refuses first; admins reach the method.
    authenticate(api_client, staff)
    assert api_client.post(UNITS, {"name": "新单位"}).status_code == 403
    authenticate(api_client, admin_user)
    assert api_client.post(UNITS, {"name": "新单位"}).status_code == 405
    assert api_client.delete(f"{UNITS}{staff.unit_id}/").status_code == 405


@pytest.mark.parametrize("url", [UNITS, ENTERPRISES, "/api/v1/key-areas/"])
def test_anonymous_gets_401(api_client, url, enterprise_a):
    response = api_client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["type"] == "client_error"


def test_anonymous_cannot_create(api_client, unit_a):
    response = api_client.post(ENTERPRISES, enterprise_payload(unit_a))
    assert response.status_code == 401
    assert not Enterprise.objects.exists()


def test_user_without_a_role_gets_403(api_client, roles, unit_a, enterprise_a):
    nobody = UserFactory(unit=unit_a)
    authenticate(api_client, nobody)
    assert api_client.get(ENTERPRISES).status_code == 403
    assert api_client.get(UNITS).status_code == 403
    assert api_client.post(ENTERPRISES, enterprise_payload(unit_a)).status_code == 403


def test_read_only_role_cannot_create_or_patch(api_client, roles, unit_a, enterprise_a):
    inspector = UserFactory(unit=unit_a, roles=["inspector"])
    authenticate(api_client, inspector)
    assert listed_ids(api_client.get(ENTERPRISES)) == {enterprise_a.pk}
    assert api_client.post(ENTERPRISES, enterprise_payload(unit_a)).status_code == 403
    url = f"{ENTERPRISES}{enterprise_a.pk}/"
    assert api_client.patch(url, {"risk_grade": "low"}).status_code == 403


# --- Query counts -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_enterprise_list_queries_do_not_grow_with_rows(api_client, request, unit_a, who):
    user = request.getfixturevalue(who)
    areas = KeyAreaFactory.create_batch(3)
    url = f"{ENTERPRISES}?page_size=100"
    authenticate(api_client, user)

    def add(n: int) -> None:
        for enterprise in EnterpriseFactory.create_batch(n, supervising_unit=unit_a):
            enterprise.key_areas.set(areas)

    add(5)
    with_5 = count_queries(api_client, url)
    add(45)
    with_50 = count_queries(api_client, url)
    assert api_client.get(url).json()["count"] == 50
    assert with_5 == with_50
    # token, count, page, key areas (roles and permissions come from the cache)
    assert with_50 <= 8


def test_unit_list_queries_do_not_grow_with_rows(api_client, staff):
    authenticate(api_client, staff)
    UnitFactory.create_batch(5)
    with_5 = count_queries(api_client, f"{UNITS}?page_size=100")
    UnitFactory.create_batch(45)
    assert count_queries(api_client, f"{UNITS}?page_size=100") == with_5


# --- Schema and docs --------------------------------------------------------------------


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    assert "/api/v1/enterprises/" in schema
    assert "ValidationError" in schema  # the standardized error responses are documented


def test_schema_endpoint_serves_openapi(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi:" in response.content


def test_api_docs_need_no_outside_host(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # Every script and stylesheet comes from our own static files, none from a CDN.
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert references
    for ref in references:
        assert not re.match(r"^(?:[a-z]+:)?//", ref, re.IGNORECASE), ref
    assert not re.search(r"https?://(?!localhost|testserver|127\.0\.0\.1)", html), html
    assert "/static/drf_spectacular_sidecar/" in html


def test_form_encoded_create_without_is_active_stays_active(api_client, alice, unit_a):
    api_client.force_authenticate(alice)
    payload = enterprise_payload(unit_a)
    payload.pop("is_active", None)
    payload.pop("key_areas", None)
    response = api_client.post("/api/v1/enterprises/", payload, format="multipart")
    assert response.status_code == 201, response.json()
    assert Enterprise.objects.get(pk=response.json()["id"]).is_active
