"""Sending one notification out of the app: Django's mail, or a JSON POST to a unit's
group robot in the WeCom / DingTalk text format (DingTalk's signature when the robot
has a secret)."""

import base64
import hashlib
import hmac
import time
import urllib.parse

from django.conf import settings
from django.core.mail import send_mail

from . import outbound
from .models import Notification, UnitWebhook

WEBHOOK_TIMEOUT_SECONDS = 10
# WeCom refuses a text message longer than 2048 bytes (UTF-8); DingTalk allows more.
ROBOT_TEXT_MAX_BYTES = 2048


def link_of(notification: Notification) -> str:
    """The record's address as the reader's mail or chat app opens it (SITE_URL + path)."""
    if not notification.subject_url:
        return ""
    return settings.SITE_URL.rstrip("/") + notification.subject_url


def text_of(notification: Notification, *, max_bytes: int | None = None) -> str:
    """The label, the message and the link; with ``max_bytes``, the message is cut
    (with "…") so that the whole fits, the link kept (a daily report sent up is long)."""
    parts = [notification.subject_label, notification.message, link_of(notification)]
    text = "\n".join(filter(None, parts))
    if max_bytes is None or len(text.encode()) <= max_bytes:
        return text
    room = max_bytes - len("\n".join(filter(None, [parts[0], "…", parts[2]])).encode())
    message = notification.message.encode()[: max(room, 0)].decode(errors="ignore")
    return "\n".join(filter(None, [parts[0], message + "…", parts[2]]))


def send_email(notification: Notification, *, address: str = "") -> None:
    """To the recipient's email, or to ``address`` (a mailbox outside the app)."""
    address = address or notification.recipient.email
    if not address:
        raise ValueError("The recipient has no email address")
    send_mail(
        subject=f"[SafetyZone] {notification.subject_label}",
        message="\n\n".join(filter(None, [notification.message, link_of(notification)])),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
    )


def signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """DingTalk's signature: HMAC-SHA256 of "timestamp\\nsecret", base64, in the query."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def send_webhook(notification: Notification, webhook: UnitWebhook) -> None:
    """Post to the robot through ``outbound``: allowed origins and public addresses only,
    no redirect followed (outbound.Refused when the URL may not be posted to)."""
    url = signed_url(webhook.url, webhook.secret) if webhook.secret else webhook.url
    answer = outbound.post_json(
        url,
        {
            "msgtype": "text",
            "text": {"content": text_of(notification, max_bytes=ROBOT_TEXT_MAX_BYTES)},
        },
        timeout=WEBHOOK_TIMEOUT_SECONDS,
    )
    # Both robots answer 200 with an error code of their own when they refuse.
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"The robot refused: {answer}")
