"""A unit's group robot URL against a hostile user: only the allowed robot origins are
saved (API, page, admin, service), internal addresses are refused when saving and when
posting (the host is resolved then), and a redirect is never followed."""

import ipaddress
import socket
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safetyzone.celery import app as celery_app
from safetyzone.notifications.models import Delivery, DeliveryAttempt, UnitWebhook
from safetyzone.notifications.outbound import address_allowed
from safetyzone.notifications.services import Draft, notifications_create, unit_webhook_set

from .conftest import allow_local_robot

pytestmark = pytest.mark.usefixtures("seed_again_after_module")

ROBOT_API = reverse("api:unit-robot")
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=t"

REFUSED = [
    "http://127.0.0.1:6379/",  # Redis on the server itself
    "https://169.254.169.254/latest/meta-data/",  # the cloud's metadata
    "https://[::1]/robot",
    "https://[::ffff:127.0.0.1]/robot",
    "https://10.0.0.8/robot",
    "https://example.com/robot",  # any other host
    "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",  # the right host, not https
    "https://qyapi.weixin.qq.com:6379/cgi-bin/webhook/send?key=k",  # another port
    "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=k",
    "https://qyapi.weixin.qq.com@127.0.0.1/cgi-bin/webhook/send?key=k",
]


def errors(response) -> set[tuple[str, str]]:
    body = response.json()
    assert body["type"] == "validation_error", body
    return {(e["attr"], e["code"]) for e in body["errors"]}


# --- Saving ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", REFUSED)
def test_api_refuses_a_robot_url_outside_the_allowed_origins(api_client, alice, url):
    unit_webhook_set(actor=alice, unit=alice.unit, url=WECOM)
    api_client.force_authenticate(alice)
    response = api_client.put(ROBOT_API, {"url": url}, format="json")
    assert response.status_code == 400
    assert {attr for attr, _code in errors(response)} == {"url"}
    assert UnitWebhook.objects.get().url == WECOM


@pytest.mark.parametrize("url", [WECOM, DINGTALK, "https://OAPI.dingtalk.com./robot/send"])
def test_api_accepts_the_wecom_and_dingtalk_robots(api_client, alice, url):
    api_client.force_authenticate(alice)
    response = api_client.put(ROBOT_API, {"url": url}, format="json")
    assert response.status_code == 200
    assert UnitWebhook.objects.get().url == url


def test_api_refusal_names_the_allowed_origins(api_client, alice):
    api_client.force_authenticate(alice)
    response = api_client.put(ROBOT_API, {"url": "https://example.com/robot"}, format="json")
    assert errors(response) == {("url", "host_not_allowed")}
    detail = response.json()["errors"][0]["detail"]
    assert "https://qyapi.weixin.qq.com" in detail
    assert "https://oapi.dingtalk.com" in detail


def test_page_refuses_an_internal_robot_url_with_a_form_error(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("notifications:robot"),
        {"url": "http://169.254.169.254/latest/meta-data/", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "https://qyapi.weixin.qq.com" in response.content.decode()
    assert not UnitWebhook.objects.exists()


def test_admin_refuses_a_loopback_robot_url(client, admin_user, unit_a):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:notifications_unitwebhook_add"),
        {"unit": unit_a.pk, "url": "https://[::1]/robot", "secret": "", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "https://oapi.dingtalk.com" in response.content.decode()
    assert not UnitWebhook.objects.exists()


def test_an_intranet_gateway_is_allowed_once_configured(alice, settings):
    gateway = "http://robot-gateway.intranet:8080/wecom/send?key=k"
    with pytest.raises(ValidationError):
        unit_webhook_set(actor=alice, unit=alice.unit, url=gateway)
    settings.WEBHOOK_ALLOWED_ORIGINS = [
        *settings.WEBHOOK_ALLOWED_ORIGINS,
        "http://robot-gateway.intranet:8080",
    ]
    assert unit_webhook_set(actor=alice, unit=alice.unit, url=gateway).url == gateway


def test_an_internal_address_needs_its_network_allowed(alice, settings):
    url = "https://10.1.2.3/wecom/send"
    settings.WEBHOOK_ALLOWED_ORIGINS = ["https://10.1.2.3"]
    with pytest.raises(ValidationError) as refused:
        unit_webhook_set(actor=alice, unit=alice.unit, url=url)
    assert refused.value.error_dict["url"][0].code == "internal_address"
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.1.2.0/24"]
    assert unit_webhook_set(actor=alice, unit=alice.unit, url=url).url == url


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address refused, not bound)
        "240.0.0.1",
        "224.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
    ],
)
def test_internal_addresses_are_not_allowed(address, settings):
    assert address_allowed(ipaddress.ip_address(address)) is False


def test_public_addresses_are_allowed():
    assert address_allowed(ipaddress.ip_address("101.91.22.57")) is True
    assert address_allowed(ipaddress.ip_address("2400:da00::6666")) is True


# --- Posting --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _eager_retries():
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def remind(user) -> None:
    notifications_create(
        drafts=[
            Draft(
                recipient_id=user.pk,
                kind="hazard",
                reason="overdue",
                subject_key="inspections.hazard:1",
                subject_label="YH-1",
                due_date=date(2026, 3, 1),
                message="隐患 YH-1 已逾期。",
            )
        ]
    )


@pytest.mark.django_db(transaction=True)
def test_local_robot_is_posted_to_only_with_its_network_allowed(alice, local_robot, settings):
    url = local_robot.url("/robot/send")
    UnitWebhook.objects.create(unit=alice.unit, url=url)
    settings.WEBHOOK_ALLOWED_ORIGINS = [local_robot.base_url]  # the origin, but not the network
    remind(alice)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1  # refused: not retried
    assert "internal address" in delivery.error
    assert local_robot.received == []


@pytest.mark.django_db(transaction=True)
def test_robot_saved_before_the_allowed_origins_changed_is_refused_when_posting(
    alice, local_robot, settings
):
    UnitWebhook.objects.create(unit=alice.unit, url=local_robot.url("/robot/send"))
    remind(alice)  # the default origins: WeCom and DingTalk only
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "not an allowed" in delivery.error
    assert local_robot.received == []


@pytest.mark.django_db(transaction=True)
def test_allowed_host_resolving_to_an_internal_address_is_refused(alice, monkeypatch):
    """The name is resolved when posting, and every address checked (DNS at the edge)."""
    UnitWebhook.objects.create(unit=alice.unit, url=WECOM)
    connected = []

    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connected.append(a))
    remind(alice)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "169.254.169.254" in delivery.error
    assert connected == []


@pytest.mark.django_db(transaction=True)
def test_redirect_is_a_failure_and_never_followed(alice, local_robot, settings):
    url = local_robot.url("/robot/send")
    allow_local_robot(settings, url)
    local_robot.redirect = local_robot.url("/landing")
    UnitWebhook.objects.create(unit=alice.unit, url=url)
    remind(alice)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "redirect" in delivery.error
    assert not [r for r in local_robot.received if r.path.startswith("/landing")]
    assert not DeliveryAttempt.objects.filter(succeeded=True).exists()


@pytest.mark.django_db(transaction=True)
def test_allowed_local_robot_is_posted_to(alice, local_robot, settings):
    url = local_robot.url("/robot/send?key=k")
    allow_local_robot(settings, url)
    UnitWebhook.objects.create(unit=alice.unit, url=url)
    remind(alice)
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert [r.path for r in local_robot.received] == ["/robot/send?key=k"]
    assert "YH-1" in local_robot.received[0].body["text"]["content"]
