"""Login, logout, password change and failed-login throttling (django-axes)."""

import pytest
from django.urls import reverse

from ..factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _axes_reset(db):
    from axes.utils import reset

    reset()


def test_login_page_speaks_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in body
    assert "登录" in body


def test_head_logs_in_and_lands_on_home(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == alice


def test_wrong_password_shows_a_message_and_keeps_the_username(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'value="alice"' in response.content.decode()


def test_five_failures_lock_the_account_even_with_the_right_password(client, alice):
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "nope"})
    response = client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_user_does_not_lock_another(client, alice, bob):
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "nope"})
    response = client.post(reverse("login"), {"username": "bob", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_api_token_is_throttled_too(api_client, alice):
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"username": "alice", "password": "nope"})
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": TEST_PASSWORD}
    )
    assert response.status_code in (400, 429)
    assert "token" not in response.json()


def test_logout_is_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Anquan-2026-new",
            "new_password2": "Anquan-2026-new",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Anquan-2026-new")


def test_password_change_requires_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302


# --- Behind the reverse proxy: the lockout is per client address ------------------------


def login(client, password: str, forwarded_for: str):
    return client.post(
        reverse("login"),
        {"username": "alice", "password": password},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_one_proxy_a_lockout_holds_one_address_not_the_whole_zone(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        login(client, "nope", "10.0.0.1")
    assert login(client, TEST_PASSWORD, "10.0.0.1").status_code == 429
    # Every request reaches Django from the proxy's address: only the forwarded one differs.
    assert login(client, TEST_PASSWORD, "10.0.0.2").status_code == 302


def test_behind_one_proxy_an_address_forged_before_the_proxys_is_ignored(client, alice, settings):
    # The proxy appends the address it saw; whatever the client put before it is its own.
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        login(client, "nope", f"192.0.2.{n}, 10.0.0.1")
    assert login(client, TEST_PASSWORD, "203.0.113.9, 10.0.0.1").status_code == 429


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        login(client, "nope", f"10.0.0.{n}")
    assert login(client, TEST_PASSWORD, "10.0.0.99").status_code == 429


def test_api_token_lockout_is_per_client_address_too(api_client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        api_client.post(
            "/api/v1/auth/token/",
            {"username": "alice", "password": "nope"},
            HTTP_X_FORWARDED_FOR="10.0.0.1",
        )
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "alice", "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR="10.0.0.2",
    )
    assert response.status_code == 200
    assert "token" in response.json()
