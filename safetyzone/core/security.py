"""Who is asking, behind the reverse proxy, and who may read the API's docs."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from rest_framework.permissions import BasePermission


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front of
    the site, the address the outermost of them saw (each proxy appends its peer's address
    to X-Forwarded-For; entries before those are the client's own and may be forged).

    django-axes locks a username out per this address (AXES_CLIENT_IP_CALLABLE).
    django-ipware's proxy count is not used: it counts proxy addresses inside the header
    (one proxy in front means one more entry there), so a single nginx's header, which
    holds only the client, gives no address at all."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        # Not through every proxy (a request straight to the app): trust nothing forwarded.
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


class ApiDocsPermission(BasePermission):
    """The schema and the Swagger UI: open while API_DOCS_PUBLIC (outside production),
    otherwise for signed-in users only. Read on every request, not at import."""

    def has_permission(self, request, view) -> bool:
        return settings.API_DOCS_PUBLIC or bool(request.user and request.user.is_authenticated)
