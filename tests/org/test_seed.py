from django.core.management import call_command

from safetyzone.org.models import Enterprise, Unit, User
from safetyzone.org.roles import Role


def test_seed_demo_is_idempotent_and_has_one_user_per_role(db, settings, capsys):
    settings.DEMO_PASSWORD = "demo-pass-1"
    call_command("seed_demo")
    counts = (Unit.objects.count(), Enterprise.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Unit.objects.count(), Enterprise.objects.count(), User.objects.count()) == counts
    assert counts[1] >= 30
    users = {u.username: u for u in User.objects.all()}
    assert set(users) >= {"admin", "staff", "head", "head2", "inspector", "officer", "leader"}
    assert users["head"].unit.name == "高新区应急管理局"
    assert users["head2"].unit.kind == Unit.Kind.STREET_OFFICE
    assert users["staff"].has_role(Role.COMMITTEE_STAFF)
    assert users["leader"].has_role(Role.DUTY_LEADER)
    assert users["head"].check_password("demo-pass-1")
    assert Unit.objects.filter(kind=Unit.Kind.FIRE_BRIGADE).exists()
    assert "head" in capsys.readouterr().out
    for enterprise in Enterprise.objects.all():
        enterprise.full_clean()  # every demo credit code passes its own check


def test_demo_head_of_street_office_sees_only_its_enterprises(db):
    from safetyzone.org.selectors import enterprise_list

    call_command("seed_demo")
    head2 = User.objects.get(username="head2")
    mine = enterprise_list(user=head2)
    assert mine.exists()
    assert set(mine.values_list("supervising_unit", flat=True)) == {head2.unit_id}
