"""The hazard list API reads its rows as values (inspections/api/hazard_rows.py): it
must write exactly what HazardListSerializer writes (same fields, order, values and
formats), and what the detail says of the same fields."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from inspections.api.serializers.hazards import HazardListSerializer
from inspections.models import Hazard, HazardLevel
from inspections.selectors import hazards as hazard_selectors
from inspections.services import hazards as hazard_services

from ..factories import EnterpriseFactory
from .factories import key_area

pytestmark = pytest.mark.django_db

URL = "/api/v1/hazards/"


@pytest.fixture
def hazards(staff, unit_a):
    for n, level in enumerate([HazardLevel.GENERAL, HazardLevel.GENERAL, HazardLevel.GENERAL]):
        hazard_services.hazard_create(
            actor=staff,
            enterprise=EnterpriseFactory(supervising_unit=unit_a),
            key_area=key_area("fire"),
            description=f"隐患{n}",
            level=level,
            place="一号车间" if n else "",
            found_on=dt.date(2024, 6, 1),
            deadline=dt.date(2024, 7, 1) if n else timezone.localdate() + dt.timedelta(days=9),
        )
    # One closed, so that a date-time that is not null is written too.
    Hazard.objects.filter(description="隐患1").update(
        status=Hazard.Status.ACCEPTED,
        closed_at=dt.datetime(2024, 6, 20, 1, 2, 3, 456789, tzinfo=dt.UTC),
    )


def serialized(user) -> list[dict]:
    rows = hazard_selectors.hazard_list(user=user).only(*hazard_selectors.LEDGER_ROW_COLUMNS)
    data = HazardListSerializer(rows.order_by("-created_at", "-id"), many=True).data
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("query", ["", "?cursor=", "?status=accepted"])
def test_the_list_writes_what_the_list_serializer_writes(client, staff, hazards, query):
    client.force_login(staff)
    listed = client.get(URL + query).json()["results"]
    expected = serialized(staff)
    by_id = {row["id"]: row for row in expected}
    assert listed
    for row in listed:
        assert list(row) == list(by_id[row["id"]])  # the same fields in the same order
        assert row == by_id[row["id"]]
    assert {r["overdue"] for r in expected} == {True, False}
    assert any(r["closed_at"] for r in listed)


def test_the_list_row_says_what_the_detail_says(client, staff, hazards):
    client.force_login(staff)
    for row in client.get(URL).json()["results"]:
        detail = client.get(f"{URL}{row['id']}/").json()
        assert {k: detail[k] for k in row if k in detail} == {k: row[k] for k in row if k in detail}
