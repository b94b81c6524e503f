"""Demo people have email addresses (on a domain never delivered), so the outbox's
emails of a demo can be read; seeding again gives an address to a demo user who lacks
one and keeps one changed since."""

from django.core.management import call_command

from safetyzone.org.models import User


def test_every_demo_user_has_a_demo_address_and_seeding_again_keeps_changes(db):
    call_command("seed_demo")
    users = User.objects.all()
    assert users.count() > 7
    assert {u.username: u.email for u in users} == {
        u.username: f"{u.username}@demo.safetyzone.local" for u in users
    }

    User.objects.filter(username="staff").update(email="")
    User.objects.filter(username="head").update(email="liujianguo@example.gov.cn")
    call_command("seed_demo")
    emails = dict(User.objects.values_list("username", "email"))
    assert emails["staff"] == "staff@demo.safetyzone.local"
    assert emails["head"] == "liujianguo@example.gov.cn"
