"""Lists count their rows only up to a cap: past it the count says "more than", every
page can still be reached, and the next page is known without the count."""

import datetime as dt

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import HazardLevel
from inspections.services import hazards as hazard_services
from safetyzone.core.pagination import Paginator, forget_capped_counts
from safetyzone.org.models import KeyArea

from ..factories import EnterpriseFactory, KeyAreaFactory
from ..inspections.factories import key_area

pytestmark = pytest.mark.django_db


class CapFive(Paginator):
    count_cap = 5


@pytest.fixture
def twelve_areas():
    for n in range(12):
        KeyAreaFactory(code=f"test-area-{n:02d}", order=n)
    return KeyArea.objects.filter(code__startswith="test-area-").order_by("order")


def test_below_the_cap_it_is_djangos_paginator(twelve_areas):
    paginator = Paginator(twelve_areas, 5)
    assert paginator.count == 12 and not paginator.count_is_capped
    assert paginator.num_pages == 3
    last = paginator.page(3)
    assert [a.code for a in last] == ["test-area-10", "test-area-11"] and not last.has_next()
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_the_count_stops_at_the_cap_and_reads_no_further(twelve_areas):
    paginator = CapFive(twelve_areas, 2)
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 5
    assert paginator.count_is_capped
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert "LIMIT 6" in sql and "ORDER BY" not in sql


def test_pages_past_the_cap_are_reached_and_the_last_one_knows_it(twelve_areas):
    paginator = CapFive(twelve_areas, 5)
    first = paginator.page(1)
    assert first.has_next() and first.next_page_number() == 2
    last = paginator.page(3)  # past the 5 counted rows
    assert [a.code for a in last] == ["test-area-10", "test-area-11"]
    assert not last.has_next() and last.has_previous()
    assert (last.start_index(), last.end_index()) == (11, 12)
    with pytest.raises(EmptyPage):
        paginator.page(4)
    assert paginator.get_page(4).number == 1  # out of range: the last page counted
    assert paginator.get_page("x").number == 1


def count_queries(rows, paginator_class=CapFive) -> tuple[int, bool, int]:
    """(count, capped, queries run to count) of a new paginator, as a new request's."""
    with CaptureQueriesContext(connection) as ctx:
        paginator = paginator_class(rows, 2)
        count, capped = paginator.count, paginator.count_is_capped
    return count, capped, len(ctx.captured_queries)


def test_a_capped_count_is_remembered_for_a_minute(twelve_areas, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))
    assert count_queries(twelve_areas) == (5, True, 1)
    assert count_queries(twelve_areas) == (5, True, 0)  # the next request does not count
    # Another list (another scope or filter) is counted on its own.
    assert count_queries(twelve_areas.filter(order__lt=11)) == (5, True, 1)
    time_machine.shift(61)
    assert count_queries(twelve_areas) == (5, True, 1)


def test_a_count_below_the_cap_is_counted_on_every_request(twelve_areas):
    three = twelve_areas.filter(order__lt=3)
    assert count_queries(three) == (3, False, 1)
    assert count_queries(three) == (3, False, 1)


def test_a_list_shrinking_below_the_cap_is_counted_exactly_once_forgotten(twelve_areas):
    assert count_queries(twelve_areas) == (5, True, 1)
    KeyArea.objects.filter(code__startswith="test-area-", order__gte=3).delete()
    forget_capped_counts()
    assert count_queries(twelve_areas) == (3, False, 1)


def test_a_list_that_cannot_have_rows_counts_none(twelve_areas):
    assert count_queries(twelve_areas.none()) == (0, False, 0)
    assert count_queries(twelve_areas.filter(pk__in=[])) == (0, False, 0)


def test_a_page_exactly_full_at_the_end_has_no_next(twelve_areas):
    paginator = CapFive(twelve_areas, 6)
    assert paginator.page(1).has_next()
    assert not paginator.page(2).has_next()


# --- The API ----------------------------------------------------------------------------


def test_the_api_says_when_its_count_is_capped_and_next_leads_to_every_row(
    client, staff, unit_a, settings
):
    settings.PAGINATION_COUNT_CAP = 5
    made = {EnterpriseFactory(supervising_unit=unit_a).pk for _ in range(9)}
    client.force_login(staff)
    url, seen, bodies = reverse("api:enterprise-list") + "?page_size=2", set(), []
    while url:
        body = client.get(url).json()
        bodies.append(body)
        seen |= {row["id"] for row in body["results"]}
        url = body["next"]
    assert seen == made and len(bodies) == 5
    assert all(b["count"] == 5 and b["count_is_capped"] for b in bodies)
    assert bodies[-1]["previous"] and len(bodies[-1]["results"]) == 1


def test_the_api_count_is_exact_below_the_cap(client, staff, unit_a, settings):
    settings.PAGINATION_COUNT_CAP = 5
    for _ in range(5):
        EnterpriseFactory(supervising_unit=unit_a)
    client.force_login(staff)
    body = client.get(reverse("api:enterprise-list")).json()
    assert (body["count"], body["count_is_capped"], body["next"]) == (5, False, None)


def test_the_api_refuses_a_page_past_the_rows(client, staff, unit_a, settings):
    settings.PAGINATION_COUNT_CAP = 2
    for _ in range(3):
        EnterpriseFactory(supervising_unit=unit_a)
    client.force_login(staff)
    url = reverse("api:enterprise-list")
    assert client.get(url, {"page_size": 1, "page": 3}).status_code == 200
    assert client.get(url, {"page_size": 1, "page": 4}).status_code == 404


# --- The pages --------------------------------------------------------------------------


@pytest.fixture
def seven_hazards(staff, unit_a):
    for n in range(7):
        hazard_services.hazard_create(
            actor=staff,
            enterprise=EnterpriseFactory(supervising_unit=unit_a),
            key_area=key_area("fire"),
            description=f"隐患{n}",
            level=HazardLevel.GENERAL,
            found_on=dt.date(2024, 6, 1) + dt.timedelta(days=n),
            deadline=dt.date(2024, 7, 1),
        )


def test_the_ledger_says_more_than_the_cap_in_chinese(client, staff, seven_hazards, settings):
    settings.PAGINATION_COUNT_CAP = 3
    client.force_login(staff)
    page = client.get(reverse("inspections:hazard-list")).content.decode()
    assert "超过 3 项隐患" in page


def test_the_ledger_pages_on_past_the_cap(client, staff, seven_hazards, settings, monkeypatch):
    settings.PAGINATION_COUNT_CAP = 3
    monkeypatch.setattr("inspections.views._common.PAGE_SIZE", 2)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff)
    url = reverse("inspections:hazard-list")
    first = client.get(url).content.decode()
    assert "More than 3 hazards" in first and "page=2" in first
    third = client.get(url, {"page": 3}).content.decode()
    assert "Page 3" in third and "page=4" in third
    last = client.get(url, {"page": 4})
    assert [h.description for h in last.context["page"]] == ["隐患0"]
    assert "page=5" not in last.content.decode()


def test_the_ledger_counts_exactly_below_the_cap(client, staff, seven_hazards, settings):
    settings.PAGINATION_COUNT_CAP = 10
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff)
    page = client.get(reverse("inspections:hazard-list")).content.decode()
    assert "7 hazards" in page and "More than" not in page


def test_the_schema_documents_the_capped_count():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf="safetyzone.urls").get_schema(request=None, public=True)
    pages = {k: v for k, v in schema["components"]["schemas"].items() if k.startswith("Paginated")}
    assert len(pages) >= 10, sorted(pages)
    for page in pages.values():
        assert list(page["properties"])[:2] == ["count", "count_is_capped"]
        assert page["properties"]["count_is_capped"]["type"] == "boolean"
        assert "count_is_capped" in page["required"]
