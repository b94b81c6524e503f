"""A user's roles and permissions, read from the database once and then from the cache
(Redis in production, shared by every web process) until any grant changes.

Without it every request paid three queries for them (the roles, the user's own
permissions, their groups' permissions). Any change to a group membership, a group's
permissions, a user's own permissions, a group or a permission moves one version stamp,
which retires every cached entry at once (on the change, and again when its transaction
commits, so that a request reading the old rows meanwhile cannot keep them). An entry
also records the user's superuser and active flags, so flipping either is seen at once.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "org:grants:version"
TIMEOUT = 600


def _user_key(user_id: int) -> str:
    return f"org:grants:user:{user_id}"


def _load(user) -> dict:
    backend = ModelBackend()
    return {
        "roles": frozenset(user.groups.values_list("name", flat=True)),
        "user": backend._get_permissions(user, None, "user") if user.is_active else set(),
        "group": backend._get_permissions(user, None, "group") if user.is_active else set(),
    }


def grants(user) -> dict:
    """``{"roles": frozenset, "user": set, "group": set}`` of permission strings."""
    cached = user.__dict__.get("_grants")
    if cached is not None:
        return cached
    if user.pk is None:
        return _load(user)
    key = _user_key(user.pk)
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        # A cache without a stamp (new, or evicted) trusts no entry it may still hold.
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    flags = (user.is_superuser, user.is_active)
    entry = found.get(key)
    if entry and entry[0] == version and entry[1] == flags:
        data = entry[2]
    else:
        data = _load(user)
        cache.set(key, (version, flags, data), TIMEOUT)
    user.__dict__["_grants"] = data
    return data


def forget(user) -> None:
    """Drop what this user object remembers (after changing its grants in place)."""
    for name in ("_grants", "roles", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(name, None)


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def grants_changed(**kwargs) -> None:
    """Signal receiver: some grant changed; every cached entry is retired."""
    _bump()
    transaction.on_commit(_bump)


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend, with the permission sets read through :func:`grants`."""

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        attribute = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, attribute):
            setattr(user_obj, attribute, grants(user_obj)[from_name])
        return getattr(user_obj, attribute)
