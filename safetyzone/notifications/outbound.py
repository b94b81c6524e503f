"""The one way out to a group robot, for a URL a unit's head typed in.

A URL is allowed only on an allow-listed origin (``WEBHOOK_ALLOWED_ORIGINS``: the WeCom
and DingTalk robot hosts, over https). When posting, its host is resolved and every
address it resolves to must be public, or inside a network the settings allow
(``WEBHOOK_ALLOWED_NETWORKS``: an intranet gateway); the connection then goes to an
address that was checked, so a second lookup cannot point it elsewhere. A redirect is a
failure, never followed. Nothing here reads the settings at import time.
"""

import http.client
import ipaddress
import json
import socket
import ssl
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_PORTS = {"http": 80, "https": 443}
# A robot answers a few dozen bytes; a larger answer is not read into memory.
MAX_ANSWER_BYTES = 64 * 1024
# Addresses that carry an IPv4 address inside an IPv6 one (NAT64).
NAT64 = ipaddress.ip_network("64:ff9b::/96")

NOT_HTTP = _("Enter a web address starting with http:// or https://.")


class Refused(Exception):
    """The URL may not be posted to (origin or address not allowed): trying again will
    not change that."""


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if DEFAULT_PORTS[self.scheme] == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def origin_of(url: str) -> Origin:
    """The scheme, host and port ``url`` connects to; ValueError when it is not an
    http(s) URL with a host, or carries a user name or password."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"Not an http(s) URL with a host: {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError("A URL with a user name or password")
    port = parts.port or DEFAULT_PORTS[scheme]  # ValueError on a port out of range
    return Origin(scheme, parts.hostname.rstrip(".").lower(), port)


def allowed_origins() -> list[Origin]:
    origins = []
    for entry in settings.WEBHOOK_ALLOWED_ORIGINS:
        try:
            origin = origin_of(entry)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"WEBHOOK_ALLOWED_ORIGINS: {entry!r} is not scheme://host[:port]"
            ) from exc
        if urllib.parse.urlsplit(entry).path not in ("", "/"):
            raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_ORIGINS: {entry!r} has a path")
        origins.append(origin)
    return origins


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOK_ALLOWED_NETWORKS]
    except ValueError as exc:
        raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_NETWORKS: {exc}") from exc


def address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A public address, or one inside an allowed network. Loopback, private, link-local
    (169.254.169.254, the cloud's metadata), shared, reserved, multicast and unspecified
    addresses are internal, also when wrapped in an IPv6 address."""
    if any(address in network for network in allowed_networks()):
        return True
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None and not address_allowed(inner):
            return False
    return address.is_global and not address.is_multicast


def webhook_url_check(url: str) -> None:
    """ValidationError unless ``url`` is on an allowed origin and, when its host is an IP
    address, that address is allowed. Its host name is resolved only when posting."""
    try:
        origin = origin_of(url)
    except ValueError:
        raise ValidationError(NOT_HTTP, code="invalid") from None
    origins = allowed_origins()
    if origin not in origins:
        raise ValidationError(
            _("A group robot's address must start with one of: %(origins)s."),
            code="host_not_allowed",
            params={"origins": ", ".join(str(o) for o in origins)},
        )
    try:
        address = ipaddress.ip_address(origin.host)
    except ValueError:
        return
    if not address_allowed(address):
        raise ValidationError(
            _("This address is inside the network; a group robot must be on the internet."),
            code="internal_address",
        )


def resolve(origin: Origin) -> list[str]:
    """The addresses of ``origin``'s host, each checked. Refused if any is internal (a
    host name answering with one public and one internal address is not trusted);
    OSError when the name does not resolve (worth trying again later)."""
    infos = socket.getaddrinfo(origin.host, origin.port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if not address_allowed(ipaddress.ip_address(address.split("%", 1)[0])):
            raise Refused(f"{origin.host} resolves to an internal address ({address})")
    if not addresses:
        raise OSError(f"{origin.host} resolves to no address")
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address already checked, not to whatever the name resolves to now."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS: the certificate is checked against the host name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post_json(url: str, payload: dict, *, timeout: float) -> dict:
    """POST ``payload`` as JSON to ``url`` and return the JSON answer. Refused when the
    URL's origin or an address of its host is not allowed (settings may have changed
    since it was saved); RuntimeError on a redirect or an HTTP error; OSError when no
    address answers."""
    try:
        origin = origin_of(url)
    except ValueError as exc:
        raise Refused(str(exc)) from None
    if origin not in allowed_origins():
        raise Refused(f"{origin} is not an allowed group robot origin")
    parts = urllib.parse.urlsplit(url.strip())
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = json.dumps(payload, ensure_ascii=False).encode()
    connection_class = _PinnedHTTPSConnection if origin.scheme == "https" else _PinnedHTTPConnection
    failure: OSError | None = None
    for address in resolve(origin):
        connection = connection_class(origin.host, origin.port, address=address, timeout=timeout)
        try:
            try:
                connection.connect()
            except OSError as exc:
                failure = exc
                continue  # the host's next address
            connection.request(
                "POST",
                target,
                body=body,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            response = connection.getresponse()
            if 300 <= response.status < 400:
                raise RuntimeError(
                    f"The robot answered with a redirect ({response.status} to "
                    f"{response.getheader('Location', '?')}), not followed"
                )
            if response.status >= 400:
                raise RuntimeError(f"The robot answered HTTP {response.status} {response.reason}")
            answer = response.read(MAX_ANSWER_BYTES + 1)
            if len(answer) > MAX_ANSWER_BYTES:
                raise RuntimeError("The robot's answer is too long")
            return json.loads(answer or b"{}")
        finally:
            connection.close()
    raise failure or OSError(f"{origin.host}: no address answered")
