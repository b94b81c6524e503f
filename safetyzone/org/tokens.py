"""API tokens (django-rest-knox): issued, revoked, and revoked all at once when the
password changes.

Only a digest of each token is stored; the token itself is shown once, when issued.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext
from knox.models import AuthToken

from .models import User


def api_token_issue(*, user: User) -> tuple[AuthToken, str]:
    """A new token for ``user``, valid for API_TOKEN_TTL_DAYS; returns the stored record
    and the token, which cannot be read back later."""
    return AuthToken.objects.create(user=user, expiry=timedelta(days=settings.API_TOKEN_TTL_DAYS))


def api_token_revoke(*, token: AuthToken) -> None:
    token.delete()


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user`` (logout everywhere, a new password); returns how many."""
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


class RevokeApiTokensOnPasswordChange:
    """A password "validator" that validates nothing: Django calls ``password_changed`` of
    every AUTH_PASSWORD_VALIDATORS entry whenever a user is saved with a new password (the
    password-change page, the admin, ``changepassword``, ``createsuperuser``...), but not
    when a login only rehashes the same password with a newer hasher. That makes it the
    one supported hook that every path of a password change goes through."""

    def validate(self, password: str, user: User | None = None) -> None:
        return None

    def password_changed(self, password: str, user: User | None = None) -> None:
        if user is not None and user.pk is not None:
            api_tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        # Listed with the password rules on every form that sets a password.
        return gettext("A new password signs out every app that uses this account's API tokens.")
