"""Keyset (cursor) pages of the API's lists: ``?cursor=`` walks a whole list by id,
every row once even while rows are added between pages, at the same number of queries
at any depth; page numbers stay the default."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import Hazard, HazardLevel
from inspections.services import hazards as hazard_services

from ..factories import EnterpriseFactory
from ..inspections.factories import key_area

pytestmark = pytest.mark.django_db

URL = "/api/v1/hazards/"


def add_hazards(actor, unit, n: int, start: int = 0) -> None:
    """``n`` hazards: one through the service, the rest copies of it (a few hundred
    through the service would take minutes)."""
    first = hazard_services.hazard_create(
        actor=actor,
        enterprise=EnterpriseFactory(supervising_unit=unit),
        key_area=key_area("fire"),
        description=f"隐患{start}",
        level=HazardLevel.GENERAL,
        found_on=dt.date(2024, 6, 1),
        deadline=dt.date(2024, 7, 1),
    )
    copies = []
    for i in range(start + 1, start + n):
        copy = Hazard.objects.get(pk=first.pk)
        copy.pk = None
        copy.code = f"K{i:07d}"
        copy.description = f"隐患{i}"
        copies.append(copy)
    Hazard.objects.bulk_create(copies)


@pytest.fixture
def hazards(staff, unit_a):
    add_hazards(staff, unit_a, 300)
    return set(Hazard.objects.values_list("pk", flat=True))


def walk(client, url):
    while url:
        body = client.get(url).json()
        yield body
        url = body["next"]


def test_cursor_pages_walk_every_row_once_while_rows_are_added(client, staff, unit_a, hazards):
    client.force_login(staff)
    seen, pages = [], 0
    for body in walk(client, URL + "?cursor=&page_size=50"):
        seen += [row["id"] for row in body["results"]]
        pages += 1
        if pages == 2:  # newer rows arrive while the client reads
            add_hazards(staff, unit_a, 7, start=1000)
    assert len(seen) == len(set(seen))
    assert hazards <= set(seen)
    assert seen == sorted(seen, reverse=True)  # newest first, by id


def test_cursor_pages_oldest_first_reach_the_rows_added_during_the_walk(
    client, staff, unit_a, hazards
):
    client.force_login(staff)
    seen = []
    for n, body in enumerate(walk(client, URL + "?cursor=&page_size=100&ordering=id")):
        seen += [row["id"] for row in body["results"]]
        if n == 0:
            add_hazards(staff, unit_a, 5, start=2000)
    assert seen == sorted(set(seen))
    assert set(seen) == set(Hazard.objects.values_list("pk", flat=True))


def test_cursor_pages_have_the_answer_of_numbered_pages(client, staff, hazards):
    client.force_login(staff)
    numbered = client.get(URL + "?ordering=-created_at").json()
    keyset = client.get(URL + "?cursor=").json()
    assert list(keyset) == list(numbered)
    assert (keyset["count"], keyset["count_is_capped"]) == (300, False)
    assert keyset["previous"] is None and "cursor=" in keyset["next"]
    assert "page=" not in keyset["next"]
    assert set(keyset["results"][0]) == set(numbered["results"][0])


def test_a_filter_keeps_to_its_rows_across_cursor_pages(client, staff, unit_a, hazards):
    client.force_login(staff)
    mine = Hazard.objects.filter(description__endswith="7").count()
    assert mine
    seen = [
        row["id"]
        for body in walk(client, URL + "?cursor=&page_size=10&search=7")
        for row in body["results"]
    ]
    assert len(seen) == len(set(seen)) >= mine


def test_a_bad_cursor_is_a_400_that_says_so(client, staff, hazards):
    client.force_login(staff)
    for bad in ("nonsense", "cD1hYmM=", "cD0tMQ=="):  # p=abc, p=-1
        response = client.get(URL, {"cursor": bad})
        assert response.status_code == 400, bad
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["errors"][0]["attr"] == "cursor"


def test_cursor_pages_order_by_id_only(client, staff, hazards):
    client.force_login(staff)
    response = client.get(URL, {"cursor": "", "ordering": "deadline"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "ordering"


def test_a_deep_cursor_page_costs_the_queries_of_the_first(client, staff, hazards):
    client.force_login(staff)
    client.get(URL + "?cursor=")  # the session and the grants, read once
    bodies = list(walk(client, URL + "?cursor=&page_size=20"))
    deep = bodies[-3]["next"]
    counts = []
    for url in (URL + "?cursor=&page_size=20", deep):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    page_sql = [q["sql"] for q in ctx.captured_queries if "LIMIT 21" in q["sql"]]
    assert page_sql and "OFFSET" not in page_sql[-1]


def test_page_numbers_stay_the_default(client, staff, hazards):
    client.force_login(staff)
    body = client.get(URL + "?page=2").json()
    assert "page=3" in body["next"] and "cursor" not in body["next"]


def test_the_schema_documents_the_cursor():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf="safetyzone.urls").get_schema(request=None, public=True)
    parameters = schema["paths"]["/api/v1/hazards/"]["get"]["parameters"]
    assert "cursor" in {p["name"] for p in parameters}
