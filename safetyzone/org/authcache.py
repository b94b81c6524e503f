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

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "org:grants:version"
TIMEOUT = 600


def _user_key(user_id: int) -> str:
    return f"org:grants:v2:user:{user_id}"  # v2: with "all"


def _names(permissions) -> set[str]:
    pairs = permissions.values_list("content_type__app_label", "codename").order_by()
    return {f"{app_label}.{codename}" for app_label, codename in pairs}


def _load(user) -> dict:
    """The grants as Django's ModelBackend reads them: a superuser holds every
    permission (from both sources), an inactive user none."""
    if not user.is_active:
        own = group = set()
    elif user.is_superuser:
        own = group = _names(Permission.objects.all())
    else:
        own = _names(user.user_permissions.all())
        group = _names(Permission.objects.filter(group__in=user.groups.all()))
    return {
        "roles": frozenset(user.groups.values_list("name", flat=True)),
        "user": own,
        "group": group,
        "all": own | group,
    }


def grants(user) -> dict:
    """``{"roles": frozenset, "user": set, "group": set, "all": set}``: the role names
    and the permission strings from each source and from both."""
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
    for name in ("_grants", "roles"):
        user.__dict__.pop(name, None)


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def grants_changed(**kwargs) -> None:
    """Signal receiver: some grant changed; every cached entry is retired."""
    _bump()
    transaction.on_commit(_bump)


class CachedModelBackend(ModelBackend):
    """Django's ModelBackend (login, ``with_perm``), with the permission sets read
    through :func:`grants`: its public permission methods are overridden, so nothing of
    Django's own per-user caches (private attributes of the user object) is used. The
    rules stay Django's: no permission for an inactive or anonymous user or for an
    object, every permission for an active superuser."""

    def get_user_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return grants(user_obj)["user"]

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return grants(user_obj)["group"]

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return grants(user_obj)["all"]

    # Async callers get the same sets (Django's async versions would read the database).
    async def aget_user_permissions(self, user_obj, obj=None):
        return await sync_to_async(self.get_user_permissions)(user_obj, obj)

    async def aget_group_permissions(self, user_obj, obj=None):
        return await sync_to_async(self.get_group_permissions)(user_obj, obj)

    async def aget_all_permissions(self, user_obj, obj=None):
        return await sync_to_async(self.get_all_permissions)(user_obj, obj)
