"""An active weather warning shows as a banner on every page, to everyone signed in;
it is cached, so pages pay no query for it, and recording or lifting a warning shows at
once."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from duty.services.incidents import warning_create, warning_lift


def _warn(staff, django_capture_on_commit_callbacks, **extra):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        return warning_create(
            actor=staff,
            kind="rainstorm",
            level="orange",
            area="高新区全域",
            issued_at=now - timedelta(hours=1),
            valid_until=now + timedelta(hours=12),
            **extra,
        )


def test_a_recorded_warning_shows_at_once_on_any_page_for_any_unit(
    client, staff, bob, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    page = reverse("org:enterprise-list")
    assert 'data-testid="warning-banner"' not in client.get(page).content.decode()  # cached
    _warn(staff, django_capture_on_commit_callbacks)
    body = client.get(page).content.decode()
    assert 'data-testid="warning-banner"' in body
    assert "高新区全域" in body or "暴雨" in body


def test_a_lifted_warning_leaves_the_banner_at_once(
    client, staff, alice, django_capture_on_commit_callbacks
):
    warning = _warn(staff, django_capture_on_commit_callbacks)
    client.force_login(alice)
    assert 'data-testid="warning-banner"' in client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        warning_lift(actor=staff, warning=warning)
    assert 'data-testid="warning-banner"' not in client.get(reverse("home")).content.decode()


def test_the_login_page_shows_no_banner(client, staff, django_capture_on_commit_callbacks):
    _warn(staff, django_capture_on_commit_callbacks)
    assert 'data-testid="warning-banner"' not in client.get(reverse("login")).content.decode()


def test_a_warm_page_pays_no_query_for_the_banner(
    client, staff, alice, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _warn(staff, django_capture_on_commit_callbacks)
    client.force_login(alice)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not any("duty_weatherwarning" in q["sql"] for q in queries.captured_queries)
