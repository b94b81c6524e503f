"""Organisation pages: the permission matrix (alice heads unit A, bob heads unit B,
staff sees all), forms that keep input and show errors beside fields, query counts."""

import pytest
from django.urls import reverse

from safetyzone.org.models import Enterprise

from ..factories import EnterpriseFactory, valid_credit_code


@pytest.fixture
def a_enterprise(unit_a):
    return EnterpriseFactory(name="甲化工有限公司", supervising_unit=unit_a)


@pytest.fixture
def b_enterprise(unit_b):
    return EnterpriseFactory(name="乙商场", supervising_unit=unit_b)


def test_head_lists_only_own_units_enterprises(client, alice, a_enterprise, b_enterprise):
    client.force_login(alice)
    body = client.get(reverse("org:enterprise-list")).content.decode()
    assert "甲化工有限公司" in body
    assert "乙商场" not in body


def test_staff_lists_every_units_enterprises(client, staff, a_enterprise, b_enterprise):
    client.force_login(staff)
    body = client.get(reverse("org:enterprise-list")).content.decode()
    assert "甲化工有限公司" in body
    assert "乙商场" in body


@pytest.mark.parametrize("name", ["org:enterprise-detail", "org:enterprise-update"])
def test_head_gets_404_on_other_units_enterprise(client, alice, bob, b_enterprise, name):
    url = reverse(name, args=[b_enterprise.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 200  # the page exists for its own unit...
    client.force_login(alice)
    assert client.get(url).status_code == 404  # ...and does not for another unit


def test_head_cannot_change_other_units_enterprise_by_post(client, alice, b_enterprise):
    client.force_login(alice)
    url = reverse("org:enterprise-update", args=[b_enterprise.pk])
    response = client.post(url, {"name": "篡改", "credit_code": b_enterprise.credit_code})
    assert response.status_code == 404
    b_enterprise.refresh_from_db()
    assert b_enterprise.name == "乙商场"


@pytest.mark.parametrize("name", ["org:enterprise-list", "org:enterprise-create", "org:unit-list"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_is_sent_to_login_from_detail(client, a_enterprise):
    response = client.get(reverse("org:enterprise-detail", args=[a_enterprise.pk]))
    assert response.status_code == 302


def test_head_sees_own_unit_not_other(client, alice, unit_a, unit_b):
    client.force_login(alice)
    assert client.get(reverse("org:unit-detail", args=[unit_a.pk])).status_code == 200
    assert client.get(reverse("org:unit-detail", args=[unit_b.pk])).status_code == 404
    body = client.get(reverse("org:unit-list")).content.decode()
    assert unit_a.name in body
    assert unit_b.name not in body


def _form(unit, **overrides):
    data = {
        "name": "丙燃气有限公司",
        "credit_code": valid_credit_code(777),
        "supervising_unit": unit.pk,
        "industry": "燃气",
        "address": "高新区",
        "contact_person": "李四",
        "contact_phone": "0432-64500000",
        "risk_grade": "high",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_head_adds_enterprise_to_own_unit(client, alice, unit_a):
    client.force_login(alice)
    response = client.post(reverse("org:enterprise-create"), _form(unit_a))
    enterprise = Enterprise.objects.get(name="丙燃气有限公司")
    assert response.status_code == 302
    assert response["Location"] == enterprise.get_absolute_url()
    assert enterprise.supervising_unit == unit_a


def test_head_cannot_add_enterprise_to_other_unit(client, alice, unit_b):
    client.force_login(alice)
    response = client.post(reverse("org:enterprise-create"), _form(unit_b))
    assert response.status_code == 200
    assert "supervising_unit" in response.context["form"].errors
    assert not Enterprise.objects.filter(name="丙燃气有限公司").exists()


def test_bad_credit_code_is_shown_beside_its_field_and_input_kept(client, alice, unit_a):
    client.force_login(alice)
    bad = valid_credit_code(777)[:-1] + ("0" if valid_credit_code(777)[-1] != "0" else "1")
    response = client.post(reverse("org:enterprise-create"), _form(unit_a, credit_code=bad))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["credit_code"]
    body = response.content.decode()
    assert 'id="error_1_id_credit_code"' in body  # crispy puts it under the field
    assert "丙燃气有限公司" in body  # what the user typed is still there
    assert not Enterprise.objects.exists()


def test_duplicate_credit_code_is_a_field_error(client, alice, a_enterprise, unit_a):
    client.force_login(alice)
    response = client.post(
        reverse("org:enterprise-create"), _form(unit_a, credit_code=a_enterprise.credit_code)
    )
    assert "credit_code" in response.context["form"].errors
    assert Enterprise.objects.count() == 1


def test_head_edits_own_enterprise(client, alice, a_enterprise, unit_a):
    client.force_login(alice)
    url = reverse("org:enterprise-update", args=[a_enterprise.pk])
    response = client.post(
        url, _form(unit_a, name="甲化工（改）", credit_code=a_enterprise.credit_code)
    )
    assert response.status_code == 302
    a_enterprise.refresh_from_db()
    assert a_enterprise.name == "甲化工（改）"


def test_inspector_cannot_add_enterprise(client, roles, unit_a):
    from safetyzone.org.roles import Role

    from ..factories import UserFactory

    inspector = UserFactory(unit=unit_a, roles=[Role.INSPECTOR])
    client.force_login(inspector)
    assert client.get(reverse("org:enterprise-create")).status_code == 403


@pytest.mark.parametrize("rows", [5, 50])
def test_enterprise_list_query_count_does_not_grow(
    client, staff, unit_a, rows, django_assert_num_queries
):
    from ..factories import KeyAreaFactory

    area = KeyAreaFactory()
    for e in EnterpriseFactory.create_batch(rows, supervising_unit=unit_a):
        e.key_areas.add(area)
    client.force_login(staff)
    client.get(reverse("org:enterprise-list"))  # warm the session and caches
    # session, user, user's unit, key-area and unit choices, count, page rows, key areas
    # prefetch (roles and permissions are cached): the same for 5 and for 50 rows
    with django_assert_num_queries(8):
        response = client.get(reverse("org:enterprise-list"))
    assert response.status_code == 200
