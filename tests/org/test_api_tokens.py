"""API tokens (django-rest-knox): issued for a username and password, stored as digests,
expire after API_TOKEN_TTL_DAYS, revoked by DELETE, logout, logout-all and by every
change of the password (the password-change page, the admin, `changepassword`)."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken

from tests.factories import TEST_PASSWORD
from tests.helpers import api_token

TOKEN = "/api/v1/auth/token/"
LOGOUT = "/api/v1/auth/logout/"
LOGOUT_ALL = "/api/v1/auth/logout-all/"
UNITS = "/api/v1/units/"
NEW_PASSWORD = "Anquan-2026-new"


@pytest.fixture(autouse=True)
def _axes_reset(db):
    from axes.utils import reset

    reset()


def works(token: str) -> bool:
    """The token authenticates a read of the API (a fresh client each time: no session)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    status = client.get(UNITS).status_code
    assert status in (200, 401), status
    return status == 200


def test_token_answer_has_the_token_and_its_expiry_thirty_days_ahead(api_client, alice):
    response = api_client.post(
        TOKEN, {"username": "alice", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    expiry = parse_datetime(body["expiry"])
    assert abs(expiry - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert works(body["token"])


def test_form_encoded_login_still_works(api_client, alice):
    response = api_client.post(TOKEN, {"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert works(response.json()["token"])


def test_only_a_digest_of_the_token_is_stored(api_client, alice):
    token = api_client.post(TOKEN, {"username": "alice", "password": TEST_PASSWORD}).json()["token"]
    stored = AuthToken.objects.get(user=alice)
    assert token not in (stored.digest, stored.token_key)


def test_lifetime_comes_from_the_setting(api_client, alice, settings):
    settings.API_TOKEN_TTL_DAYS = 2
    body = api_client.post(TOKEN, {"username": "alice", "password": TEST_PASSWORD}).json()
    expiry = parse_datetime(body["expiry"])
    assert abs(expiry - (timezone.now() + timedelta(days=2))) < timedelta(minutes=1)


def test_an_expired_token_is_refused(api_client, alice):
    token = api_token(alice)
    assert works(token)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert not works(token)


def test_delete_on_the_token_endpoint_revokes_that_token_only(api_client, alice):
    kept, revoked = api_token(alice), api_token(alice)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {revoked}")
    assert api_client.delete(TOKEN).status_code == 204
    assert not works(revoked)
    assert works(kept)


def test_logout_revokes_the_token(api_client, alice):
    token = api_token(alice)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.post(LOGOUT).status_code == 204
    assert not works(token)


def test_logout_all_revokes_every_token_of_the_user_and_no_one_elses(api_client, alice, bob):
    phone, laptop, bobs = api_token(alice), api_token(alice), api_token(bob)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {phone}")
    assert api_client.post(LOGOUT_ALL).status_code == 204
    assert not works(phone)
    assert not works(laptop)
    assert works(bobs)


@pytest.mark.parametrize("method,url", [("delete", TOKEN), ("post", LOGOUT), ("post", LOGOUT_ALL)])
def test_revoking_needs_a_token(api_client, alice, method, url):
    assert getattr(api_client, method)(url).status_code == 401
    api_client.force_login(alice)  # a session is not a token: nothing to revoke
    assert getattr(api_client, method)(url).status_code == 401


# --- A new password revokes the tokens, on every path that changes it ---------------------


def test_password_change_page_revokes_the_users_tokens(client, alice, bob):
    alices, bobs = api_token(alice), api_token(bob)
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert not works(alices)
    assert works(bobs)


def test_admin_password_change_revokes_the_users_tokens(client, admin_user, alice):
    token = api_token(alice)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not works(token)


def test_changepassword_command_revokes_the_users_tokens(alice):
    token = api_token(alice)
    # The command reads the new password twice from the terminal: the edge of the world.
    with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):
        call_command("changepassword", "alice", stdout=mock.Mock())
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not works(token)


def test_a_login_that_only_rehashes_the_password_keeps_the_tokens(api_client, alice, settings):
    # The stored hash is of an older hasher: the next login upgrades it, which is not a
    # change of password and must not log the user's other devices out.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    alice.password = make_password(TEST_PASSWORD, hasher="md5")
    alice.save(update_fields=["password"])
    token = api_token(alice)
    response = api_client.post(TOKEN, {"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_sha256$")
    assert works(token)


def test_a_deactivated_user_s_token_is_refused(api_client, alice):
    token = api_token(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert not works(token)
