"""The shift list API reads its rows as values (duty/api/shift_rows.py): it must write
exactly what ShiftSerializer writes (same fields, order, values and formats, the people
of each shift in the same order), and the same as the detail."""

import datetime as dt
import json

import pytest
from rest_framework.renderers import JSONRenderer

from duty.api.serializers.shifts import ShiftSerializer
from duty.models import Shift
from duty.selectors import rosters as selectors

from ..factories import UserFactory
from .factories import RosterFactory, staff_shift

pytestmark = pytest.mark.django_db

URL = "/api/v1/shifts/"


@pytest.fixture
def shifts(unit_a):
    roster = RosterFactory(unit=unit_a)
    named = UserFactory(unit=unit_a, display_name="值班长甲")
    full = UserFactory(unit=unit_a, display_name="", first_name="三", last_name="张")
    bare = UserFactory(unit=unit_a, display_name="", first_name="", last_name="")
    for n in range(3):
        staff_shift(roster, dt.date(2024, 6, 1) + dt.timedelta(days=n), named, bare, full)
    staff_shift(roster, dt.date(2024, 6, 5), full)
    Shift.objects.filter(date=dt.date(2024, 6, 2)).update(
        closed_at=dt.datetime(2024, 6, 3, 1, 2, 3, 456789, tzinfo=dt.UTC)
    )


def serialized(user) -> dict[int, dict]:
    data = ShiftSerializer(selectors.shift_list(user=user), many=True).data
    return {row["id"]: row for row in json.loads(JSONRenderer().render(data))}


@pytest.mark.parametrize("query", ["", "?cursor=", "?date_from=2024-06-02"])
def test_the_list_writes_what_the_shift_serializer_writes(client, staff, shifts, query):
    client.force_login(staff)
    listed = client.get(URL + query).json()["results"]
    expected = serialized(staff)
    assert listed
    for row in listed:
        assert list(row) == list(expected[row["id"]])
        assert row == expected[row["id"]]
    assert any(row["is_closed"] for row in expected.values())
    assert any(len(row["assignments"]) == 3 for row in listed)


def test_the_list_row_says_what_the_detail_says(client, staff, shifts):
    client.force_login(staff)
    for row in client.get(URL).json()["results"]:
        assert client.get(f"{URL}{row['id']}/").json() == row
