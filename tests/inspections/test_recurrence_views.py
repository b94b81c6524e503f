"""A relapse (a hazard like one closed within a year) links to its earlier hazard on its
page, for whoever may read that one; the statistics count relapses and lead to them."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from inspections.models import Hazard

from .conftest import make_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def relapse(staff, enterprise_a, closed_on_item):
    earlier = closed_on_item
    again = make_hazard(
        staff,
        enterprise_a,
        checklist_item=earlier.checklist_item,
        found_on=dt.date(2024, 9, 1),
        deadline=dt.date(2024, 9, 10),
    )
    assert again.recurrence_of == earlier
    return earlier, again


def test_a_relapse_links_to_its_earlier_hazard(client, alice, relapse):
    earlier, again = relapse
    client.force_login(alice)
    body = client.get(reverse("inspections:hazard-detail", args=[again.pk])).content.decode()
    assert f'href="{earlier.get_absolute_url()}"' in body
    assert 'data-testid="recurrence-of"' in body and earlier.code in body


def test_no_link_to_an_earlier_hazard_the_user_may_not_read(client, alice, unit_b, relapse):
    earlier, again = relapse
    Hazard.objects.filter(pk=earlier.pk).update(responsible_unit=unit_b)
    client.force_login(alice)
    body = client.get(reverse("inspections:hazard-detail", args=[again.pk])).content.decode()
    assert 'data-testid="recurrence-of"' not in body and earlier.code not in body


def test_statistics_count_relapses_and_lead_to_them(client, staff, relapse):
    client.force_login(staff)
    body = client.get(reverse("inspections:statistics")).content.decode()
    ledger = reverse("inspections:hazard-list") + "?is_recurrence=true"
    found = re.search(r'href="([^"]+)"\s+data-testid="recurrence-count">(\d+)</a>', body)
    assert found and found.groups() == (ledger, "1")
    listed = client.get(ledger).content.decode()
    assert relapse[1].code in listed and relapse[0].code not in listed
