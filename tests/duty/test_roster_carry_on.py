"""Rosters that carry on (issue 15): the generate form of a roster starts from the people
of its unit's latest earlier roster, in rotation order; the variant (seed) sits under a
closed "Advanced"; generating continues the rotation across the month boundary."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext

from duty.models import DutyRoster, ShiftAssignment
from duty.services.rosters import roster_create, roster_generate
from tests.factories import head_of

from .factories import RosterFactory, leader, officer, published, staff_shift

pytestmark = pytest.mark.django_db

JULY_1, JULY_31 = date(2024, 7, 1), date(2024, 7, 31)


def june_roster(unit, people_by_day):
    """A published June roster of ``unit``: one shift per (leader, officer) pair, from 1 June."""
    roster = RosterFactory(unit=unit, end_date=date(2024, 6, len(people_by_day)))
    for day, (leader_user, officer_user) in enumerate(people_by_day, start=1):
        staff_shift(roster, date(2024, 6, day), leader_user, officer_user)
    return published(roster)


def open_generate(client, user, roster):
    client.force_login(user)
    response = client.get(reverse("duty:roster-generate", args=[roster.pk]))
    assert response.status_code == 200
    return response


def checked(html: str, name: str) -> set[int]:
    found = set()
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag):
            found.add(int(re.search(r'value="(\d+)"', tag).group(1)))
    return found


def test_generate_form_starts_from_the_previous_rosters_people_in_rotation_order(client, staff):
    unit = staff.unit
    l1, l2 = leader(unit), leader(unit)
    o1, o2, o3 = officer(unit), officer(unit), officer(unit)
    leader(unit), officer(unit)  # in the pools, but not on the last roster
    # Rotation as it ran in June: l2 before l1, o3 before o1 before o2.
    june_roster(unit, [(l2, o3), (l1, o1), (l2, o2), (l1, o3)])
    july = RosterFactory(unit=unit, start_date=JULY_1, end_date=JULY_31)

    response = open_generate(client, staff, july)

    form = response.context["form"]
    assert form.initial == {"leaders": [l2.pk, l1.pk], "officers": [o3.pk, o1.pk, o2.pk]}
    html = response.content.decode()
    assert checked(html, "leaders") == {l1.pk, l2.pk}
    assert checked(html, "officers") == {o1.pk, o2.pk, o3.pk}


def test_the_latest_earlier_roster_counts_not_a_later_or_an_empty_one(client, staff):
    unit = staff.unit
    may_leader, june_leader, august_leader = leader(unit), leader(unit), leader(unit)
    may = RosterFactory(unit=unit, start_date=date(2024, 5, 1), end_date=date(2024, 5, 1))
    staff_shift(may, date(2024, 5, 1), may_leader, officer(unit))
    june_roster(unit, [(june_leader, officer(unit))])
    RosterFactory(unit=unit, start_date=date(2024, 6, 20), end_date=date(2024, 6, 30))  # empty
    august = RosterFactory(unit=unit, start_date=date(2024, 8, 1), end_date=date(2024, 8, 1))
    staff_shift(august, date(2024, 8, 1), august_leader, officer(unit))
    july = RosterFactory(unit=unit, start_date=JULY_1, end_date=JULY_31)

    form = open_generate(client, staff, july).context["form"]

    assert form.initial["leaders"] == [june_leader.pk]


def test_no_previous_roster_preselects_nobody(client, staff):
    leader(staff.unit), officer(staff.unit)
    july = RosterFactory(unit=staff.unit, start_date=JULY_1, end_date=JULY_31)

    response = open_generate(client, staff, july)

    assert response.context["form"].initial == {"leaders": [], "officers": []}
    html = response.content.decode()
    assert checked(html, "leaders") == set() and checked(html, "officers") == set()


def test_another_units_roster_is_never_the_starting_point(client, staff, unit_a, unit_b):
    june_roster(unit_a, [(leader(unit_a), officer(unit_a))])
    july_b = RosterFactory(unit=unit_b, start_date=JULY_1, end_date=JULY_31)

    assert open_generate(client, staff, july_b).context["form"].initial == {
        "leaders": [],
        "officers": [],
    }


def test_head_never_gets_another_units_people_as_initial(client, unit_a, unit_b, roles):
    """A head of unit B allowed to generate: unit A's later roster, which bob may read
    (an officer of B is on it), is not where B's roster starts from."""
    bob = head_of(unit_b)
    bob.user_permissions.add(Permission.objects.get(codename="publish_dutyroster"))
    b_leader, b_officer = leader(unit_b), officer(unit_b)
    may_b = RosterFactory(unit=unit_b, start_date=date(2024, 5, 1), end_date=date(2024, 5, 1))
    staff_shift(may_b, date(2024, 5, 1), b_leader, b_officer)
    a_leader = leader(unit_a)
    june_roster(unit_a, [(a_leader, officer(unit_b))])
    july_b = RosterFactory(unit=unit_b, start_date=JULY_1, end_date=JULY_31)

    form = open_generate(client, bob, july_b).context["form"]

    assert form.initial == {"leaders": [b_leader.pk], "officers": [b_officer.pk]}


def test_roster_page_offers_the_same_starting_pools(client, staff):
    unit = staff.unit
    l1, o1 = leader(unit), officer(unit)
    june_roster(unit, [(l1, o1)])
    july = RosterFactory(unit=unit, start_date=JULY_1, end_date=JULY_31)
    client.force_login(staff)

    response = client.get(july.get_absolute_url())

    assert response.context["generate_form"].initial == {"leaders": [l1.pk], "officers": [o1.pk]}


@pytest.mark.parametrize("page", ["generate", "detail"])
def test_seed_field_is_inside_the_closed_advanced_details(client, staff, page):
    july = RosterFactory(unit=staff.unit, start_date=JULY_1, end_date=JULY_31)
    client.force_login(staff)
    url = (
        reverse("duty:roster-generate", args=[july.pk])
        if page == "generate"
        else july.get_absolute_url()
    )

    html = client.get(url).content.decode()

    advanced = re.search(
        r'<details[^>]*data-testid="generate-advanced"[^>]*>(.*?)</details>', html, re.S
    )
    assert advanced is not None
    assert " open" not in advanced.group(0).split(">", 1)[0]
    assert 'name="seed"' in advanced.group(1)
    assert html.count('name="seed"') == 1


def test_the_carried_over_pools_generate_with_a_seed(client, staff):
    unit = staff.unit
    leaders = [leader(unit) for _ in range(3)]
    officers = [officer(unit) for _ in range(3)]
    june_roster(unit, list(zip(leaders, officers, strict=True)))
    july = RosterFactory(unit=unit, start_date=JULY_1, end_date=JULY_31)
    initial = open_generate(client, staff, july).context["form"].initial

    response = client.post(reverse("duty:roster-generate", args=[july.pk]), {**initial, "seed": 7})

    assert response.status_code == 302
    july.refresh_from_db()
    assert july.status == DutyRoster.Status.DRAFT
    assert july.shifts.count() == 31


def test_the_form_still_shows_why_generating_failed(client, staff):
    july = RosterFactory(unit=staff.unit, start_date=JULY_1, end_date=date(2024, 7, 5))
    client.force_login(staff)
    url = reverse("duty:roster-generate", args=[july.pk])
    pools = {"leaders": [leader(staff.unit).pk], "officers": [officer(staff.unit).pk]}

    too_small = client.post(url, {**pools, "seed": 0}).content.decode()
    bad_seed = client.post(url, {**pools, "seed": -1}).content.decode()

    assert gettext("The pools cannot cover the period; nothing was saved.") in too_small
    advanced = re.search(r'<details[^>]*data-testid="generate-advanced"[^>]*>', bad_seed)
    assert " open" in advanced.group(0)  # the variant's error is not hidden


def first_shifts(roster, role):
    """Each person's first shift date on ``roster`` in role ``role``."""
    firsts: dict[int, date] = {}
    for a in ShiftAssignment.objects.filter(shift__roster=roster, role=role).order_by(
        "shift__date"
    ):
        firsts.setdefault(a.person_id, a.shift.date)
    return firsts


def last_shifts(roster, role):
    return dict(
        ShiftAssignment.objects.filter(shift__roster=roster, role=role)
        .values("person_id")
        .annotate(last=Max("shift__date"))
        .values_list("person_id", "last")
    )


def test_next_month_carries_the_rotation_on_across_the_boundary(staff):
    """June then July through the services: whoever was on 30 June is not on 1 July, the
    rotation runs on in the order of everyone's last June shift, and the shifts left over
    by an uneven division fall on others in July."""
    unit = staff.unit
    leaders = [leader(unit) for _ in range(4)]
    officers = [officer(unit) for _ in range(7)]
    june = roster_create(
        actor=staff, title="6月", unit=unit, start_date=date(2024, 6, 1), end_date=date(2024, 6, 30)
    )
    roster_generate(roster=june, actor=staff, leaders=leaders, officers=officers, seed=3)
    july = roster_create(actor=staff, title="7月", unit=unit, start_date=JULY_1, end_date=JULY_31)

    roster_generate(roster=july, actor=staff, leaders=leaders, officers=officers, seed=3)

    june_30 = set(
        ShiftAssignment.objects.filter(
            shift__roster=june, shift__date=date(2024, 6, 30)
        ).values_list("person_id", flat=True)
    )
    july_1 = set(
        ShiftAssignment.objects.filter(shift__roster=july, shift__date=JULY_1).values_list(
            "person_id", flat=True
        )
    )
    assert len(june_30) == 2 and not june_30 & july_1
    for role in ("leader", "officer"):
        last, first = last_shifts(june, role), first_shifts(july, role)
        assert sorted(first, key=first.get) == sorted(last, key=last.get)
        # Two months as one: nobody has more than one shift more than anyone else.
        totals = {p: ShiftAssignment.objects.filter(person_id=p, role=role).count() for p in last}
        assert max(totals.values()) - min(totals.values()) <= 1, totals


def test_the_previous_roster_is_the_one_ending_the_day_before(staff):
    """An older roster that started later but ended earlier is not where July carries on
    from; neither is another unit's."""
    unit = staff.unit
    leaders, officers = [leader(unit) for _ in range(2)], [officer(unit) for _ in range(2)]
    june = RosterFactory(unit=unit, start_date=date(2024, 6, 1), end_date=date(2024, 6, 30))
    # leaders[0]/officers[0] were last on 29 June, leaders[1]/officers[1] on 30 June.
    staff_shift(june, date(2024, 6, 29), leaders[0], officers[0])
    staff_shift(june, date(2024, 6, 30), leaders[1], officers[1])
    short = RosterFactory(unit=unit, start_date=date(2024, 6, 10), end_date=date(2024, 6, 12))
    staff_shift(short, date(2024, 6, 10), leaders[1], officers[1])
    other_unit = RosterFactory(start_date=date(2024, 6, 20), end_date=date(2024, 6, 30))
    staff_shift(other_unit, date(2024, 6, 25), leaders[0], officers[0])
    july = RosterFactory(unit=unit, start_date=JULY_1, end_date=date(2024, 7, 4))

    roster_generate(roster=july, actor=staff, leaders=leaders, officers=officers)

    shifts = july.shifts.order_by("date")
    people = [
        {a.role: a.person_id for a in s.assignments.all()}
        for s in shifts.prefetch_related("assignments")
    ]
    assert people[0] == {"leader": leaders[0].pk, "officer": officers[0].pk}
    assert people[1] == {"leader": leaders[1].pk, "officer": officers[1].pk}
